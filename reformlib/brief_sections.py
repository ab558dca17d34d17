"""Optional and supporting sections of the monthly brief (publication step: data -> the
brief's sections): the riskiest tasks from the early warning (:mod:`reformlib.warning`) and
the evaluation scores (:mod:`reformlib.model.evaluate`), each wired in only when that model
step is installed and otherwise replaced by a "not yet available" placeholder; the
indicators off target; inspection problems; pilots. Also the city code and the rule for an
indicator's value in a month (level in the month, flows year to date), which the headline
shares. :mod:`reformlib.brief` re-exports every public name.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect

import pandas as pd

from reformlib.i18n import name_column
from reformlib.schemas import CITY, TERRITORIAL_UNITS


def _value_in(obs: pd.DataFrame, annual: str, month: pd.Period, year: int | None = None) -> pd.Series:
    """December-type indicators: value in ``month``; sum-type: sum from January to ``month``."""
    if annual == "december":
        return obs.loc[obs["period"] == month].set_index("unit")["value"]
    window = obs[(obs["period"].dt.year == month.year) & (obs["period"] <= month)]
    return window.groupby("unit")["value"].sum()


# -------------------------------------------------------------- optional model parts
def _optional(module: str, *names: str):
    """The module if it and the named functions exist, else ``None`` (the part has not landed).

    Only the module's own absence counts: an ImportError raised inside an existing module
    (a missing dependency, a broken import) propagates, so a brief never hides it.
    """
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        if getattr(exc, "name", None) == module:
            return None
        raise
    return mod if all(callable(getattr(mod, n, None)) for n in names) else None


def available_parts() -> dict[str, bool]:
    """Which optional parts of the brief exist in this installation."""
    return {"at_risk": _optional("reformlib.warning", "at_risk") is not None,
            "evaluation": _optional("reformlib.model.evaluate", "evaluate", "load_spec", "brief_scores") is not None}


NOT_YET = {"zh": "本节尚未纳入：{what}尚未接入简报。", "en": "Not yet available: {what} is not yet part of the brief."}
NOT_SUPPLIED = {"zh": "本节尚未纳入。", "en": "Not yet available."}
_PARTS = {"zh": {"at_risk": "任务逾期预警模型", "evaluation": "评估模型"},
          "en": {"at_risk": "the early-warning model of tasks", "evaluation": "the evaluation model"}}


def not_yet(part: str, lang: str) -> dict:
    """The results-file placeholder of a section whose library part is absent."""
    return {"available": False, "note": NOT_YET[lang].format(what=_PARTS[lang][part])}


def _supported(fn, **options) -> dict:
    params = inspect.signature(fn).parameters
    return {k: v for k, v in options.items() if k in params}


def at_risk_section(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh",
                    unit: str | None = None, units: pd.DataFrame | None = None, top: int = 10) -> list[dict] | dict:
    """The riskiest open tasks (``reformlib.warning.at_risk``) as results records, or the
    not-available placeholder. For one unit the model is fitted on every task and the
    unit's own tasks are kept."""
    mod = _optional("reformlib.warning", "at_risk")
    if mod is None:
        return not_yet("at_risk", lang)
    one_unit = bool(unit) and unit != CITY
    n = len(tasks) if one_unit else top
    table = mod.at_risk(tasks, progress, month, top=n, **_supported(mod.at_risk, units=units, lang=lang))
    if one_unit:
        table = table[table["lead_unit"] == unit].head(top)
    return [{"task_id": str(r.task_id), "title": str(r.title), "lead_unit": str(r.lead_unit),
             "probability": round(float(r.probability), 4), "reason": str(r.reason)} for r in table.itertuples()]


def evaluation_section(month: str | pd.Period, *, lang: str = "zh", data: str | None = None) -> dict:
    """Scores, grades and ranks with their 5-95 % rank interval (``reformlib.model.evaluate``:
    ``evaluate``, ``rank_uncertainty``, ``brief_scores``), or the not-available placeholder.

    The evaluation is the monthly one for the brief's month, so that a brief never uses data
    after its month; ``data`` is the data folder (``None``: the default data set).
    """
    mod = _optional("reformlib.model.evaluate", "evaluate", "load_spec", "brief_scores")
    if mod is None:
        return not_yet("evaluation", lang)
    spec, period = mod.load_spec(), str(pd.Period(month, "M"))
    if "period" in inspect.signature(mod.evaluate).parameters:
        result = mod.evaluate(spec, data, period=period)
    else:
        result = mod.evaluate(dataclasses.replace(spec, period=period), data)
    uncertainty = mod.rank_uncertainty(result) if callable(getattr(mod, "rank_uncertainty", None)) else None
    scores = mod.brief_scores(result, lang=lang, **_supported(mod.brief_scores, uncertainty=uncertainty))
    return {"available": True, "scores": list(scores)}


# ------------------------------------------------------------- targets, inspections, pilots
def off_target(observations: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, month: str | pd.Period, *,
               lang: str = "zh", unit: str | None = None) -> pd.DataFrame:
    """Every territorial unit's indicators that miss the catalogue's target in ``month``.

    Direction-aware: ``higher`` misses below ``target``, ``lower`` above it; ``band``
    indicators miss outside [band_low, band_high] and are compared with the nearer edge.
    Flows (year = sum of months) are compared with the target pro rata (``target`` x
    month / 12). ``gap`` = value - target. One unit only when ``unit`` is a unit below the
    city. Columns: unit, unit_name, indicator, name, direction, value, target, gap.
    """
    m = pd.Period(month, "M")
    names = units.set_index("unit")[name_column(lang)]
    keep = list(TERRITORIAL_UNITS) if not unit or unit == CITY else [unit]
    rows = []
    for r in indicators.itertuples(index=False):
        if r.direction != "band" and pd.isna(r.target):
            continue
        values = _value_in(observations[observations["indicator"] == r.indicator], r.annual, m)
        for u, value in values.items():
            if u not in keep or pd.isna(value):
                continue
            if r.direction == "band":
                target = r.band_low if value < r.band_low else r.band_high
                miss = not r.band_low <= value <= r.band_high
            else:
                target = r.target * (m.month / 12 if r.annual == "sum" else 1)
                miss = value < target if r.direction == "higher" else value > target
            if miss:
                rows.append(dict(unit=u, unit_name=names.get(u, u), indicator=r.indicator,
                                 name=getattr(r, name_column(lang)), direction=r.direction, value=round(float(value), 2),
                                 target=round(float(target), 2), gap=round(float(value - target), 2)))
    cols = ["unit", "unit_name", "indicator", "name", "direction", "value", "target", "gap"]
    order = {u: i for i, u in enumerate(TERRITORIAL_UNITS)}
    out = pd.DataFrame(rows, columns=cols)
    return out.assign(_o=out["unit"].map(order)).sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _month_end(month: str | pd.Period) -> pd.Timestamp:
    return pd.Period(month, "M").end_time.normalize()


def inspections_summary(inspections: pd.DataFrame, month: str | pd.Period, *, unit: str | None = None) -> dict:
    """Inspection problems as of the end of ``month``: found, rectified, open (found -
    rectified) and open for more than 90 days since they were found."""
    end = _month_end(month)
    df = inspections if not unit or unit == CITY else inspections[inspections["unit"] == unit]
    found = df["found_on"] <= end
    rectified = found & df["rectified_on"].notna() & (df["rectified_on"] <= end)
    open_ = found & ~rectified
    over90 = open_ & ((end - df["found_on"]).dt.days > 90)
    return {"available": True, "found": int(found.sum()), "rectified": int(rectified.sum()),
            "open": int(open_.sum()), "open_over_90_days": int(over90.sum())}


def pilots_summary(pilots: pd.DataFrame, month: str | pd.Period, *, unit: str | None = None) -> dict:
    """Pilots started by the end of ``month`` by level, and those that had become models by then."""
    end = _month_end(month)
    df = pilots if not unit or unit == CITY else pilots[pilots["unit"] == unit]
    df = df[df["start"] <= end]
    level = df["level"].value_counts()
    models = df["became_model"].astype(bool) & df["model_on"].notna() & (df["model_on"] <= end)
    return {"available": True, "national": int(level.get("national", 0)), "provincial": int(level.get("provincial", 0)),
            "models": int(models.sum()), "local": int(level.get("local", 0))}
