"""Task ledger step 2: early warning. For every open task at the end of a month, the
probability that it misses its deadline (completed after its deadline month, or not
completed by the end of the reports), using only what was known at that month.

Population: tasks started by the month, not complete and not yet past their deadline month
(overdue tasks have already missed and are counted by :func:`reformlib.tasks.ledger.task_status`).
Features come from reports up to the month (latest progress, gap to the schedule, velocity
over the last one and two months, months since the start and to the deadline, share of the
schedule elapsed, the linear-extrapolation shortfall, the share of the lead unit's other
started tasks behind or overdue) and from the ledger (category, leader level, key task,
completion form, lead-unit workload = tasks it leads, lead-unit kind when ``units`` is given).

Training for a month ``c`` (no look-ahead): snapshots of earlier months of the tasks whose
deadline month is ``c`` or earlier, labelled with their outcome as known at the end of
``c`` (late or unfinished = miss). Tasks due after ``c`` are left out even when already
complete: keeping only those that finished early would select on the outcome and teach
the model that long tasks never miss; selecting on the deadline, a covariate, does not. The model is a regularised
logistic regression in a scikit-learn Pipeline (one-hot + standardisation; Hastie,
Tibshirani & Friedman 2009, *Elements of Statistical Learning*, ch. 4.4). The baseline is
plain linear extrapolation of reported progress (projected progress at the deadline below
100 means a miss), made a probability by a one-variable logistic fit of the projected
shortfall on the same training rows (Platt 1999 scaling). With fewer than
:data:`MIN_TASKS` labelled tasks or a single class, the model falls back to that baseline
(``method = "baseline"``), and with fewer than :data:`MIN_BASELINE_TASKS` tasks or one class to ``1 / (1 + exp(-(shortfall - 25) / 10))``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reformlib.data.periods import as_month
from reformlib.data.task_status import check_ledger, progress_as_of, task_status
from reformlib.tasks import cache, ledger
from reformlib.tasks.reasons import (  # noqa: F401  (re-exported)
    FEATURE_LABELS,
    FORM,
    LEADER,
    reason_text,
    rule_reason,
    validation_text,  # noqa: F401  (re-exported)
)
from reformlib.tasks.scoring import band_labels, bootstrap_scores, reliability

if TYPE_CHECKING:  # scikit-learn (about 2 CPU-s to import) is imported where a model is fitted
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

CATEGORICAL = ["category", "leader_level", "completion_form", "lead_kind"]
NUMERIC = ["progress", "gap", "velocity_1", "velocity_2", "months_since_start", "months_to_deadline",
           "planned_months", "share_elapsed", "shortfall", "log_need", "key_task", "workload", "unit_behind_share"]
FEATURES = CATEGORICAL + NUMERIC
MIN_TASKS = 60
MIN_BASELINE_TASKS = 5
SEED = 20171231
_METRIC_COLUMNS = ["method", "horizon", "auc", "auc_low", "auc_high", "brier", "brier_low", "brier_high", "n", "missed",
                   "folds", "folds_fitted", "rows_left_out"]
_RELIABILITY_COLUMNS = ["band", "n", "missed", "mean_predicted", "observed", "observed_low", "observed_high", "method"]

__all__ = ["FEATURES", "MonthCheck", "Validation", "WarningModel", "at_risk", "at_risk_records", "choose_rule",
           "contributions", "features", "fit", "gap_probability", "month_check", "predict", "training_frame", "validate",
           "validation_text", "LEADER"]


def features(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *,
             units: pd.DataFrame | None = None, milestones: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per open task at the end of ``month`` with :data:`FEATURES`, built only from
    reports up to ``month`` (later rows of ``progress`` are ignored)."""
    check_ledger(tasks, progress, milestones=milestones)
    return _features(tasks, progress, as_month(month), units=units, milestones=milestones)


class _Snapshots:
    """:func:`features` of one ledger by month, each month built once. A month's features read
    only the reports up to it, so the same frame serves every cutoff at or after it."""

    def __init__(self, tasks: pd.DataFrame, progress: pd.DataFrame, *, units: pd.DataFrame | None = None,
                 milestones: pd.DataFrame | None = None) -> None:
        check_ledger(tasks, progress, milestones=milestones)
        self.tasks, self.progress, self.units, self.milestones = tasks, progress, units, milestones
        self._done: dict[pd.Period, pd.DataFrame] = {}

    def __call__(self, month: pd.Period) -> pd.DataFrame:
        if month not in self._done:
            self._done[month] = _features(self.tasks, self.progress, month, units=self.units,
                                          milestones=self.milestones)
        return self._done[month]


def _features(tasks: pd.DataFrame, progress: pd.DataFrame, m: pd.Period, *, units: pd.DataFrame | None,
              milestones: pd.DataFrame | None) -> pd.DataFrame:
    known = progress[progress["period"] <= m]
    status = task_status(tasks, known, m, milestones=milestones)
    ids = tasks["task_id"]
    prog = status["progress"].to_numpy()
    prev1 = progress_as_of(known, m - 1).reindex(ids).fillna(0.0).to_numpy()
    prev2 = progress_as_of(known, m - 2).reindex(ids).fillna(0.0).to_numpy()
    start = tasks["start"].dt.to_period("M")
    due = tasks["deadline"].dt.to_period("M")
    since = np.array([(m - s).n + 1 for s in start], dtype=float)
    to_go = np.array([(d - m).n for d in due], dtype=float)
    planned = np.array([(d - s).n + 1 for s, d in zip(start, due)], dtype=float)
    rate = prog / np.maximum(since, 1)
    late = status["status"].isin(["behind", "overdue"]).to_numpy().astype(float)
    started = (status["status"] != "not_started").to_numpy()
    by_unit = pd.DataFrame({"u": tasks["lead_unit"].to_numpy(), "late": late * started, "n": started.astype(float)})
    tot = by_unit.groupby("u")[["late", "n"]].transform("sum")
    others = (tot["n"] - by_unit["n"]).to_numpy()
    behind_share = np.where(others > 0, (tot["late"] - by_unit["late"]).to_numpy() / np.maximum(others, 1), 0.0)
    kind = (tasks["lead_unit"].map(units.set_index("unit")["kind"]).fillna("unknown") if units is not None
            else pd.Series("unknown", index=tasks.index))
    frame = pd.DataFrame({
        "task_id": ids.to_numpy(), "month": m, "category": tasks["category"].to_numpy(),
        "leader_level": tasks.get("leader_level", pd.Series("unknown", index=tasks.index)).to_numpy(),
        "completion_form": tasks.get("completion_form", pd.Series("unknown", index=tasks.index)).to_numpy(),
        "lead_kind": kind.to_numpy(), "progress": prog, "gap": prog - status["expected"].to_numpy(),
        "velocity_1": prog - prev1, "velocity_2": (prog - prev2) / 2, "months_since_start": since,
        "months_to_deadline": to_go, "planned_months": planned, "share_elapsed": since / planned,
        "shortfall": 100 - (prog + rate * to_go),
        "log_need": np.log1p(100 - prog) - np.log1p(np.maximum(rate * to_go, 0)),
        "key_task": tasks.get("key_task", pd.Series(False, index=tasks.index)).astype(float).to_numpy(),
        "workload": tasks.groupby("lead_unit")["task_id"].transform("count").astype(float).to_numpy(),
        "unit_behind_share": behind_share,
    })
    open_ = started & (prog < 100) & (to_go > 0)
    return frame[open_].reset_index(drop=True)


def training_frame(tasks: pd.DataFrame, progress: pd.DataFrame, cutoff: str | pd.Period, *,
                   units: pd.DataFrame | None = None, milestones: pd.DataFrame | None = None) -> pd.DataFrame:
    """Snapshots of every month before ``cutoff`` of the tasks due by ``cutoff``, with the
    label ``missed`` as known at the end of ``cutoff`` (see the module docstring)."""
    c = as_month(cutoff)
    known = progress[progress["period"] <= c]
    return _training_frame(tasks, known, c, _Snapshots(tasks, known, units=units, milestones=milestones))


def _training_frame(tasks: pd.DataFrame, progress: pd.DataFrame, c: pd.Period, snapshots: _Snapshots) -> pd.DataFrame:
    known = progress[progress["period"] <= c]
    first = tasks["start"].dt.to_period("M").min()
    outcome = ledger.task_outcomes(tasks, known, c).set_index("task_id")["missed"]
    frames = [snapshots(m) for m in pd.period_range(first, c - 1, freq="M")]
    frames = [f for f in frames if len(f)]
    if not frames:
        return snapshots(c).assign(missed=pd.Series(dtype=bool)).iloc[:0]
    out = pd.concat(frames, ignore_index=True)
    due = tasks.set_index("task_id")["deadline"].dt.to_period("M")
    out["missed"] = out["task_id"].map(outcome)
    return out[out["missed"].notna() & (out["task_id"].map(due) <= c)].astype({"missed": bool}).reset_index(drop=True)


@dataclass(frozen=True)
class WarningModel:
    """A fitted early-warning model: ``method`` is ``"model"`` or ``"baseline"``."""

    cutoff: pd.Period
    method: str
    pipeline: Pipeline | None
    baseline: LogisticRegression | None
    n_train: int
    n_missed: int
    centre: np.ndarray | None = None
    gap_baseline: LogisticRegression | None = None


def _pipeline(C: float) -> Pipeline:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    pre = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
                             ("num", StandardScaler(), NUMERIC)])
    return Pipeline([("pre", pre), ("clf", LogisticRegression(C=C, max_iter=2000, random_state=SEED))])


def fit(tasks: pd.DataFrame, progress: pd.DataFrame, cutoff: str | pd.Period, *, units: pd.DataFrame | None = None,
        milestones: pd.DataFrame | None = None, C: float = 0.03) -> WarningModel:
    """Fit the model and the baseline on :func:`training_frame` for ``cutoff``.

    ``C`` is the inverse L2 penalty. A strong penalty (0.03) suits a ledger of a few hundred
    tasks: on the demonstration data and on two other seeds of it, held-out AUC and Brier
    score beat the baseline with C = 0.03 and fell behind it with C = 1.
    """
    if not C > 0:
        raise ValueError(f"C must be positive, got {C!r}")
    c = as_month(cutoff)
    known = progress[progress["period"] <= c]
    return _fit(tasks, known, c, _Snapshots(tasks, known, units=units, milestones=milestones), C=C)


def _fit(tasks: pd.DataFrame, progress: pd.DataFrame, c: pd.Period, snapshots: _Snapshots, *, C: float = 0.03) -> WarningModel:
    train = _training_frame(tasks, progress, c, snapshots)
    y = train["missed"].to_numpy()
    if len(np.unique(y)) < 2 or train["task_id"].nunique() < MIN_BASELINE_TASKS:
        return WarningModel(c, "baseline", None, None, len(train), int(y.sum()))
    from sklearn.linear_model import LogisticRegression

    base = LogisticRegression(random_state=SEED).fit(train[["shortfall"]], y)
    gap = LogisticRegression(random_state=SEED).fit(train[["gap"]], y)
    if train["task_id"].nunique() < MIN_TASKS:
        return WarningModel(c, "baseline", None, base, len(train), int(y.sum()), gap_baseline=gap)
    pipe = _pipeline(C).fit(train[FEATURES], y)
    centre = _dense(pipe.named_steps["pre"].transform(train[FEATURES])).mean(axis=0)
    return WarningModel(c, "model", pipe, base, len(train), int(y.sum()), centre, gap)


def _dense(z) -> np.ndarray:
    return z.toarray() if hasattr(z, "toarray") else np.asarray(z)


def baseline_probability(model: WarningModel, frame: pd.DataFrame) -> np.ndarray:
    """The baseline's probability of a miss for each row of a :func:`features` frame."""
    if model.baseline is None:
        return 1 / (1 + np.exp(-(frame["shortfall"].to_numpy() - 25) / 10))
    return model.baseline.predict_proba(frame[["shortfall"]])[:, 1]


def gap_probability(model: WarningModel, frame: pd.DataFrame) -> np.ndarray:
    """The gap-to-schedule rule's probability of a miss: a one-variable logistic fit of the
    gap (progress minus the schedule, in points) on the training rows; without one,
    ``1 / (1 + exp(gap / 10))``. It ranks tasks by how far they are behind schedule."""
    if model.gap_baseline is None:
        return 1 / (1 + np.exp(frame["gap"].to_numpy() / 10))
    return model.gap_baseline.predict_proba(frame[["gap"]])[:, 1]


def predict(model: WarningModel, frame: pd.DataFrame) -> np.ndarray:
    """The model's probability of a miss for each row of a :func:`features` frame."""
    if model.pipeline is None:
        return baseline_probability(model, frame)
    return model.pipeline.predict_proba(frame[FEATURES])[:, 1]


def contributions(model: WarningModel, frame: pd.DataFrame) -> pd.DataFrame:
    """Per row and feature, coefficient x centred standardised value (one-hot levels summed
    into their feature): how far each feature moves the log-odds from an average task."""
    if model.pipeline is None:
        return pd.DataFrame({"shortfall": frame["shortfall"].to_numpy()}, index=frame.index)
    pre, clf = model.pipeline.named_steps["pre"], model.pipeline.named_steps["clf"]
    contrib = (_dense(pre.transform(frame[FEATURES])) - model.centre) * clf.coef_[0]
    names = pre.get_feature_names_out()
    owner = [n.split("__", 1)[1] for n in names]
    owner = [next((f for f in CATEGORICAL if o.startswith(f + "_")), o) for o in owner]
    return pd.DataFrame(contrib, columns=owner, index=frame.index).T.groupby(level=0).sum().T[FEATURES]


def drivers(model: WarningModel, frame: pd.DataFrame, *, n_repeats: int = 10) -> pd.DataFrame:
    """Permutation importance (drop in ROC AUC) of each feature on a labelled frame."""
    if model.pipeline is None or frame["missed"].nunique() < 2:
        return pd.DataFrame(columns=["feature", "importance", "std"])
    from sklearn.inspection import permutation_importance

    imp = permutation_importance(model.pipeline, frame[FEATURES], frame["missed"].astype(int), scoring="roc_auc",
                                 n_repeats=n_repeats, random_state=SEED)
    out = pd.DataFrame({"feature": FEATURES, "importance": imp.importances_mean, "std": imp.importances_std})
    return out.sort_values("importance", ascending=False, ignore_index=True)


def at_risk(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, top: int = 10,
            units: pd.DataFrame | None = None, milestones: pd.DataFrame | None = None, lang: str = "zh",
            rule: str = "model", check: MonthCheck | None = None) -> pd.DataFrame:
    """The ``top`` open tasks most likely to miss their deadline, as of ``month``.

    Columns: task_id, title (in ``lang``), title_zh, title_en, lead_unit, probability,
    band (the probability's band, :data:`reformlib.tasks.scoring.BANDS`), reason (the three
    features that raise the risk most, as text), method (the list's: ``model``, ``baseline`` or
    ``gap_to_schedule``), model_method (what :func:`fit` gave for the month: ``model`` or
    ``baseline``), rule_note. Uses only reports up to ``month``: the model is fitted for
    cutoff ``month``. ``rule="model"`` ranks by the model;
    ``"gap"`` by the gap to schedule alone (:func:`gap_probability`); ``"auto"`` applies
    :func:`choose_rule` (the model only if, on held-out months, it beats the gap to schedule
    with a bootstrap interval excluding zero) and ``rule_note`` says which rule and why;
    ``check`` is the month's :func:`month_check` when already made (else it is made, or read
    from the cache).
    """
    if not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    if rule not in ("model", "gap", "auto"):
        raise ValueError(f"rule must be 'model', 'gap' or 'auto', got {rule!r}")
    note = ""
    if rule == "auto":
        choice = choose_rule(tasks, progress, month, units=units, milestones=milestones, check=check)
        rule, note = choice["rule"], choice[f"reason_{lang}"]
    model = fit(tasks, progress, month, units=units, milestones=milestones)
    frame = features(tasks, progress, month, units=units, milestones=milestones)
    cols = ["task_id", "title", "title_zh", "title_en", "lead_unit", "probability", "band", "reason", "method",
            "model_method", "rule_note"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    by_gap = rule == "gap"
    frame = frame.assign(probability=gap_probability(model, frame) if by_gap else predict(model, frame))
    frame = frame.sort_values(["probability", "task_id"], ascending=[False, True]).head(top)
    contrib = (pd.DataFrame({"gap": 1.0}, index=frame.index) if by_gap else contributions(model, frame))
    info = tasks.set_index("task_id")
    reasons = [reason_text(row, contrib.loc[i], info.loc[row.task_id], lang=lang) for i, row in frame.iterrows()]
    out = frame[["task_id", "probability"]].assign(
        title_zh=frame["task_id"].map(info["title_zh"]) if "title_zh" in info else frame["task_id"],
        title_en=frame["task_id"].map(info["title_en"]) if "title_en" in info else frame["task_id"],
        lead_unit=frame["task_id"].map(info["lead_unit"]), band=band_labels(frame["probability"]).to_numpy(),
        reason=reasons, method="gap_to_schedule" if by_gap else model.method, model_method=model.method, rule_note=note)
    return out.assign(title=out[f"title_{lang}"])[cols].reset_index(drop=True)


def at_risk_records(table: pd.DataFrame) -> list[dict]:
    """:func:`at_risk` rows as the brief's ``tasks.at_risk`` list (task_id, title, lead_unit,
    probability in [0, 1], reason)."""
    return [{"task_id": str(r.task_id), "title": str(r.title), "lead_unit": str(r.lead_unit),
             "probability": round(float(r.probability), 4), "reason": str(r.reason)} for r in table.itertuples()]


def choose_rule(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *,
                units: pd.DataFrame | None = None, milestones: pd.DataFrame | None = None,
                n_boot: int = 300, check: MonthCheck | None = None) -> dict:
    """Which rule the at-risk list should use as of ``month``: ``"model"`` only if, validated
    on the reports up to ``month`` (:func:`month_check`: :func:`validate` on the folds where
    the model was fitted), its ROC AUC beats the gap-to-schedule rule with a 95 % task-bootstrap
    interval above zero; otherwise ``"gap"``. ``check`` is that validation when already made.
    Returns ``rule``, ``reason_zh``, ``reason_en`` and the comparison (``difference``,
    ``low``, ``high``, ``folds_fitted``)."""
    check = check or month_check(tasks, progress, month, units=units, n_boot=n_boot)
    if check.month != as_month(month):
        raise ValueError(f"check is the validation as of {check.month}, not of {as_month(month)}")
    m = check.metrics[check.metrics["horizon"] == "all"].set_index("method")
    fitted = int(m.at["model", "folds_fitted"]) if "model" in m.index else 0
    if fitted == 0:
        return {"rule": "gap", "difference": np.nan, "low": np.nan, "high": np.nan, "folds_fitted": fitted,
                **rule_reason("unfitted")}
    row = m.loc["model_minus_gap"]
    d, lo, hi = float(row["auc"]), float(row["auc_low"]), float(row["auc_high"])
    rule = "model" if lo > 0 else "gap"
    return {"rule": rule, "difference": d, "low": lo, "high": hi, "folds_fitted": fitted,
            **rule_reason(rule, difference=d, low=lo, high=hi)}


@dataclass(frozen=True)
class MonthCheck:
    """The early warning's held-out check as it could be made at the end of ``month``
    (:func:`validate` on the reports up to it, without drivers): ``metrics`` and
    ``reliability`` as :class:`Validation` has them (both empty when no month can be held out
    yet), the bootstrap draws ``n_boot`` and the cache ``key`` that names the inputs."""

    month: pd.Period
    metrics: pd.DataFrame
    reliability: pd.DataFrame
    n_boot: int
    key: str


#: The modules whose code makes a check (with :mod:`reformlib.data.task_status`): part of its cache key.
_CHECK_SOURCES = ("warning.py", "scoring.py", "ledger.py")


def month_check(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *,
                units: pd.DataFrame | None = None, n_boot: int = 300, use_cache: bool = True) -> MonthCheck:
    """:func:`validate` on the reports up to ``month``, made once per month and data: kept
    (:mod:`reformlib.tasks.cache`) under a key hashing the tasks, the reports up to ``month``,
    ``units``, ``n_boot``, this code and the libraries' versions, so every brief of the month
    reuses it and changed data or code never get an old one. ``use_cache=False`` always
    computes and keeps nothing."""
    m = as_month(month)
    known = progress[progress["period"] <= m]
    here = Path(__file__).parent
    sources = tuple(str(here / f) for f in _CHECK_SOURCES) + (task_status.__code__.co_filename,)
    name = cache.key("warning-check", m, n_boot, tasks, known, units, sources=sources,
                     packages=("numpy", "pandas", "scipy", "scikit-learn"))
    value = cache.load(name) if use_cache else None
    if value is None:
        try:
            v = validate(tasks, known, units=units, with_drivers=False, n_boot=n_boot)
            value = {"metrics": v.metrics.to_dict("records"), "reliability": v.reliability.to_dict("records")}
        except NotEnoughReports:
            value = {"metrics": [], "reliability": []}
        value = json.loads(json.dumps(value))  # as the cache gives it back, so both read alike
        if use_cache:
            cache.store(name, value)
    return MonthCheck(m, pd.DataFrame(value["metrics"], columns=_METRIC_COLUMNS),
                      pd.DataFrame(value["reliability"], columns=_RELIABILITY_COLUMNS), n_boot, name)


# --------------------------------------------------------------------------- validation
class NotEnoughReports(ValueError):
    """Too few months of reports to hold any month out."""


@dataclass(frozen=True)
class Validation:
    """Held-out results: ``predictions`` (one row per cutoff, month and task, with the model's,
    the extrapolation baseline's and the gap-to-schedule rule's probabilities), ``metrics``
    (method x horizon on the folds where the model was fitted: auc and brier with 95 %
    task-bootstrap intervals, n, missed, folds, folds_fitted, rows_left_out; methods
    ``model``, ``baseline``, ``gap`` and the paired differences ``model_minus_baseline``,
    ``model_minus_gap``), ``calibration`` (method x bin), ``reliability`` (method x band:
    n, missed, mean predicted, observed miss rate and its Wilson interval) and ``drivers``
    (permutation importance averaged over the folds)."""

    predictions: pd.DataFrame
    metrics: pd.DataFrame
    calibration: pd.DataFrame
    drivers: pd.DataFrame
    reliability: pd.DataFrame


def validate(tasks: pd.DataFrame, progress: pd.DataFrame, *, cutoffs: list[str] | None = None, horizon: int = 3,
             units: pd.DataFrame | None = None, n_bins: int = 5, n_boot: int = 500,
             with_drivers: bool = True) -> Validation:
    """Train as of each cutoff month, test on snapshots of the ``horizon`` following months.

    Test labels are the outcomes at the end of the reports; as in training, only tasks due by
    then are tested (pass reports up to a month to validate as it could have been then).
    ``cutoffs`` default to every month from the fourth month of reports up to two months
    before the last. Scores use only the folds in which the model itself was fitted (in the
    others it falls back to the baseline, and comparing it with itself would flatter
    neither); when there is none, the baseline's rows are scored and ``folds_fitted`` is 0.
    Intervals resample tasks (``n_boot`` draws, :func:`reformlib.tasks.scoring.bootstrap_scores`).
    """
    from sklearn.calibration import calibration_curve

    check_ledger(tasks, progress)
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon!r}")
    last = progress["period"].max()
    cuts = [as_month(c) for c in cutoffs] if cutoffs else list(pd.period_range(progress["period"].min() + 4, last - 2, freq="M"))
    truth = ledger.task_outcomes(tasks, progress, last).set_index("task_id")["missed"]
    due = tasks.set_index("task_id")["deadline"].dt.to_period("M")
    rows, imps = [], []
    snapshots = _Snapshots(tasks, progress, units=units)
    for c in cuts:
        model = _fit(tasks, progress, c, snapshots)
        for m in pd.period_range(c + 1, min(c + horizon, last), freq="M"):
            f = snapshots(m).assign(missed=lambda d: d["task_id"].map(truth))
            f = f[f["missed"].notna() & (f["task_id"].map(due) <= last)].astype({"missed": bool})
            if f.empty:
                continue
            rows.append(f.assign(cutoff=c, horizon=(m - c).n, method_used=model.method, model=predict(model, f),
                                 baseline=baseline_probability(model, f), gap=gap_probability(model, f)))
            if with_drivers and m == c + 1:
                imps.append(drivers(model, f, n_repeats=5).assign(cutoff=c))
    if not rows:
        raise NotEnoughReports(f"no held-out month with known outcomes: reports {progress['period'].min()} to {last} "
                               f"leave no cutoff with a following month (cutoffs {[str(c) for c in cuts]})")
    pred = pd.concat(rows, ignore_index=True)
    fitted = pred[pred["method_used"] == "model"]
    scored = fitted if len(fitted) else pred
    metrics = []
    for h, d in [("all", scored)] + list(scored.groupby("horizon")):
        table = bootstrap_scores(d, ["model", "baseline", "gap"], reference="model", n_boot=n_boot)
        metrics.append(table.assign(horizon=str(h), n=len(d), missed=int(d["missed"].sum()),
                                    folds=pred.loc[pred["horizon"].astype(str).eq(str(h)) | (h == "all"), "cutoff"].nunique(),
                                    folds_fitted=fitted["cutoff"].nunique() if h == "all" else
                                    fitted.loc[fitted["horizon"] == h, "cutoff"].nunique(),
                                    rows_left_out=len(pred) - len(scored) if h == "all" else
                                    int((pred["horizon"] == h).sum()) - len(d)))
    calib = []
    for method in ("model", "baseline"):
        obs, mean = calibration_curve(scored["missed"].astype(int), scored[method], n_bins=n_bins, strategy="quantile")
        calib.append(pd.DataFrame({"method": method, "bin": range(1, len(obs) + 1), "mean_predicted": mean, "observed": obs}))
    imps = [i for i in imps if len(i)]
    imp = pd.concat(imps, ignore_index=True) if imps else pd.DataFrame({"feature": FEATURES, "importance": np.nan})
    drv = imp.groupby("feature", as_index=False)["importance"].mean().sort_values("importance", ascending=False, ignore_index=True)
    keep = ["cutoff", "month", "horizon", "task_id", "missed", "method_used", "model", "baseline", "gap"]
    reli = pd.concat([reliability(scored, m) for m in ("model", "baseline", "gap")], ignore_index=True)
    lead = ["method", "horizon"]
    metrics = pd.concat(metrics, ignore_index=True)
    return Validation(pred[keep], metrics[lead + [c for c in metrics.columns if c not in lead]],
                      pd.concat(calib, ignore_index=True), drv, reli)
