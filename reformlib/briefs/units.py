"""The month's results for many units at once (publication step: loaded data -> each unit's
``results.json``), for a batch of unit briefs run as one notebook (``notebooks/units.ipynb``).

:func:`unit_results` gives, for each unit asked, exactly the results the brief notebook
(``notebooks/brief.ipynb``) writes for that unit (:func:`reformlib.briefs.content.results`,
validated by the results schema), but computes what every unit of the month shares once:

- the evaluation of the month with its rank uncertainty, and the monthly evaluations of the
  month and the month before for the changes in rank (:mod:`reformlib.briefs.shared` keeps
  them; each unit reads the same one);
- the early warning's held-out check, its choice of rule and the whole ranked list of open
  tasks (:func:`at_risk_ranking`), from which each unit keeps its own tasks;
- the names of the units and the categories.

The frames are split by unit once (a ``groupby``'s row positions: a unit's observations, with
the city's beside them for the headline's comparison, its tasks and their reports, its
inspections and pilots), and each unit's sections are computed from its own rows by the same
functions the brief notebook calls on the whole frames; those functions keep only that unit's
rows, so the result is the same, without rescanning every unit's rows for each unit. What
does not depend on the unit is made once: every task's status this month and the month
before, the 督办清单 of every task (a unit's is its rows of it), each indicator's values and
the catalogue's parts the headline reads, the family section of each peer group (a unit's
own rows set in), and the sections of a unit that leads no task or has no problem; the ranks
of the monthly assessments beside the brief's own are scored without making up every score.

At national scale the league (every unit's score) is longer than a brief prints: each unit's
results then carry only its excerpt, the league's size and its best and worst score
(:func:`reformlib.report.league.cut`; about 30 KiB a unit instead of 5 MiB), and ``names``
only the units they mention; the whole ranking is written once beside the month's unit
briefs (:func:`league_folder`, ``league.csv``). A league of up to
:data:`reformlib.report.league.LIMIT` units (the demonstration's) is carried whole, as
``brief.ipynb`` writes it.

:func:`month_inputs` loads what a month's unit briefs read: the tables the evaluation reads,
with the panel cut to the months the month and the month before read
(:func:`reformlib.data.months.load_months`, pushed down to a store or a Parquet file), the
pilots (None when the data hold none: that section then says so, :data:`~reformlib.i18n.NO_PILOTS`) and the document's figures.

May import: pandas, numpy, :mod:`reformlib.data`, :mod:`reformlib.model`, :mod:`reformlib.errors`,
:mod:`reformlib.tasks`, :mod:`reformlib.report`, :mod:`reformlib.i18n` and
:mod:`reformlib.briefs` (content, changes, peers, risk, shared).
"""
from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from reformlib.briefs import changes as brief_changes
from reformlib.briefs import content, peers, risk
from reformlib.briefs.shared import memoised
from reformlib.data import io, schemas
from reformlib.data.dataset import is_store
from reformlib.data.months import load_months, period_months, period_tables
from reformlib.data.paths import DEMO, data_folder, reports_folder
from reformlib.data.periods import as_month
from reformlib.data.schemas import CITY, unit_code
from reformlib.data.store import Store
from reformlib.data.task_status import STATUSES, task_status
from reformlib.errors import SpecError
from reformlib.i18n import CHANGES, NO_PILOTS, PEER_GROUP_OF, UNITS_RUN, measure, name_column
from reformlib.model.evaluate import DATA_TABLES, evaluate
from reformlib.model.spec import load_spec
from reformlib.report import league
from reformlib.report.atomic import atomic_path
from reformlib.report.results import validate_results
from reformlib.report.tables import brief_scores
from reformlib.tasks import ledger, warning

__all__ = ["at_risk_ranking", "league_folder", "month_inputs", "run_summary", "unit_results", "unit_revisions",
           "units_asked", "validate_many", "write_unit_results"]


def month_inputs(data: str | os.PathLike | None, month: str | pd.Period) -> dict[str, pd.DataFrame | None]:
    """The tables a month's unit briefs read from ``data`` (a store or a data folder; default
    ``$REFORMLIB_DATA``, else the demonstration set), by name: those the evaluation reads
    (:data:`~reformlib.model.evaluate.DATA_TABLES`), the panel holding only the months from
    January of the year before the month before ``month`` to ``month`` (what the month's and
    the month before's evaluations, the headline and the changes read), and ``pilots`` (None
    when the data hold no pilots table). A store is read by SQL (the panel by one query with
    the months pushed down), never turned into a folder of its whole panel."""
    m = as_month(month)
    first = period_months(m - 1)[0]
    path = Path(data) if data not in (None, "") else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    small = [n for n in DATA_TABLES if n != "observations"]
    if is_store(path):
        if not path.exists():
            data_folder(path)  # builds the demonstration store, or raises naming it
        with Store(path).reading() as con:
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            has_pilots = "pilots" in present and con.execute("SELECT count(*) FROM pilots").fetchone()[0] > 0
        names = small + (["pilots"] if has_pilots else [])
        frames, _ = period_tables(path, names, period=m)
    else:
        folder = data_folder(path)
        has_pilots = io.table_path(folder, schemas.PILOTS).exists()
        frames = {n: io.LOADERS[n](folder) for n in small + (["pilots"] if has_pilots else [])}
    frames["observations"] = load_months(path, (str(first), str(m)))
    frames.setdefault("pilots", None)
    return {n: frames[n] for n in (*DATA_TABLES, "pilots")}


def units_asked(units: str | Iterable[str], table: pd.DataFrame) -> list[str]:
    """The unit codes ``units`` names: ``"all"`` (every territorial unit below the city, in the
    data's order), or codes (a list, or text separated by commas); a code that is not a
    territorial unit of the data raises :class:`ValueError` naming it."""
    territorial = [str(u) for u in table.loc[table["territorial"].astype(bool), "unit"] if str(u) != CITY]
    if isinstance(units, str) and units.strip() == "all":
        return territorial
    items = [u.strip() for u in units.split(",")] if isinstance(units, str) else list(units)
    codes = [unit_code(u) for u in items if str(u).strip()]
    unknown = [c for c in codes if c not in set(territorial)]
    if unknown or not codes:
        raise ValueError(f"units must be 'all' or codes of territorial units below the city, got {units!r}"
                         + (f" ({', '.join(unknown[:5])} unknown)" if unknown else ""))
    return list(dict.fromkeys(codes))


def at_risk_ranking(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str,
                    units: pd.DataFrame | None) -> dict | None:
    """What every unit's at-risk list of a month shares (the first half of
    :func:`reformlib.briefs.content.at_risk_section` for a unit): the held-out check, the rule
    chosen and every open task ranked by it, with each task's schedule; None when no open task
    has a deadline ahead (the lists are then empty). Kept in the process's memory for the
    month, language and tables (:mod:`reformlib.briefs.shared`), like the evaluation."""
    if units is None:
        return _ranking_of(tasks, progress, month, lang=lang, units=None)
    return _ranking({"tasks": tasks, "progress": progress, "units": units}, str(as_month(month)), lang=lang)


@memoised(("tasks", "progress", "units"))
def _ranking(data: Mapping[str, pd.DataFrame], month: str, *, lang: str) -> dict | None:
    return _ranking_of(data["tasks"], data["progress"], month, lang=lang, units=data["units"])


def _ranking_of(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str,
                units: pd.DataFrame | None) -> dict | None:
    if warning.features(tasks, progress, month, units=units).empty:
        return None
    check = warning.month_check(tasks, progress, month, units=units)
    choice = warning.choose_rule(tasks, progress, month, units=units, check=check)
    table = warning.at_risk(tasks, progress, month, top=len(tasks), units=units, lang=lang, rule="auto", check=check)
    synthetic = bool("synthetic" in tasks and tasks["synthetic"].astype(bool).all())
    return {"check": check, "choice": choice, "table": table, "synthetic": synthetic,
            "schedule": task_status(tasks, progress, month).set_index("task_id")}


def _unit_at_risk(ranking: dict | None, unit: str, *, lang: str, names: pd.Series, top: int,
                  rows: _Split | None = None, idle: dict | None = None) -> dict:
    """The second half of :func:`reformlib.briefs.content.at_risk_section` for one unit: its
    own tasks of the ranked list (``rows``: the list split by lead unit, when made once), their
    schedule and what the probabilities mean (for a unit with none, the same for every such
    unit: made once into ``idle``)."""
    if ranking is None:
        return {"at_risk": [], "warning": None}
    full = ranking["table"]
    table = (rows.of(unit) if rows is not None else full[full["lead_unit"] == unit]).head(top)
    if idle is not None and table.empty:
        if "at_risk" not in idle:
            idle["at_risk"] = _unit_at_risk(ranking, unit, lang=lang, names=names, top=top, rows=rows)
        return copy.deepcopy(idle["at_risk"])
    summary = risk.warning_summary(ranking["check"], table, ranking["choice"], lang=lang, synthetic=ranking["synthetic"])
    return {"at_risk": content.at_risk_records(table, summary, ranking["schedule"], names), "warning": summary}


def _rank_rows(data: Mapping[str, pd.DataFrame], m: pd.Period, *, lang: str, evaluation: Mapping) -> dict[str, dict] | None:
    """Each unit's row of the changes' ranks (its rank, grade and score this month and the month
    before, monthly assessments), by unit, as :mod:`reformlib.briefs.changes` gives it for one unit;
    None when the month before cannot be assessed. Ranks need no make-up of any score: the
    monthly assessments other than the brief's own are scored by :func:`_monthly_ranks`."""
    if evaluation.get("assessment", "monthly") == "monthly":
        now = {s["unit"]: s for s in evaluation.get("scores") or []} if evaluation.get("available", True) else {}
    else:
        now = _monthly_ranks(data, m, lang=lang)
    if not now:
        return {}
    try:
        earlier = _monthly_ranks(data, m - 1, lang=lang)
    except SpecError:  # the month before cannot be assessed: no rank changes, and the changes say why
        return None
    rows = {}
    for unit, s in now.items():
        b = earlier.get(unit)
        if b is None:
            continue
        rows[unit] = {"unit": s["unit"], "name": s["name"], "rank_before": int(b["rank"]), "rank": int(s["rank"]),
                      "rank_change": int(b["rank"]) - int(s["rank"]), "grade_before": b["grade"], "grade": s["grade"],
                      "score_before": round(float(b["score"]), 2), "score": round(float(s["score"]), 2),
                      **brief_changes.peer_places(s, b)}
    return rows


def _monthly_ranks(data: Mapping[str, pd.DataFrame], m: pd.Period, *, lang: str) -> dict[str, dict]:
    """The monthly assessment of ``m``, by unit below the city: name, score, grade, rank among
    the city's parts and within its peer group, as
    :func:`reformlib.briefs.content.evaluation_section` ranks them (monthly, without the rank
    uncertainty), without making up every score."""
    _, period = peers.assessment_period(m, "monthly")
    result = evaluate(load_spec(indicators=data["indicators"]), data, period=period, audit=False)
    ranks = peers.peer_ranks(result.combined, lang=lang)[["rank", "peer_group_name", "peer_rank", "peer_size"]]
    places = {u: {"rank": int(r.rank), "peer_group_name": r.peer_group_name, "peer_rank": int(r.peer_rank),
                  "peer_size": int(r.peer_size)} for u, r in zip(ranks.index, ranks.itertuples(index=False))}
    return {s["unit"]: {**s, **places[s["unit"]]} for s in brief_scores(result, lang=lang) if s["unit"] != CITY}


class _Split:
    """A frame's row positions by the value of one column, found once."""

    def __init__(self, frame: pd.DataFrame, column: str) -> None:
        self.frame = frame
        self.rows = {str(k): v for k, v in frame.groupby(column, sort=False).indices.items()} if len(frame) else {}
        self.none = np.array([], dtype=np.int64)

    def of(self, *keys: str) -> pd.DataFrame:
        """The rows of ``keys``, in the frame's order."""
        parts = [self.rows.get(k, self.none) for k in keys]
        return self.frame.iloc[np.sort(np.concatenate(parts)) if len(parts) > 1 else parts[0]]


class _Values:
    """Each indicator's value for every unit in a few months, as
    :func:`reformlib.briefs.content.value_in` reads it (flows: the year to date), computed once
    per indicator and month over all units (a groupby of that indicator's rows), then looked up
    for each unit."""

    def __init__(self, observations: pd.DataFrame, indicators: pd.DataFrame, months: Iterable[pd.Period]) -> None:
        self.annual = dict(zip(indicators["indicator"], indicators["annual"]))
        split = _Split(observations, "indicator")
        self.has = {code: set(observations["unit"].iloc[rows].astype(str)) for code, rows in split.rows.items()}
        self.values = {}
        for code, annual in self.annual.items():
            frame = split.of(code)
            for when in months:
                found = content.value_in(frame, annual, when)
                self.values[(code, when)] = dict(zip(found.index, found.to_numpy()))  # the same scalars, by dict

    def get(self, code: str, when: pd.Period, unit: str) -> object:
        """The value (None when the unit has none), as ``value_in(...).get(unit)`` gives it."""
        return self.values[(code, when)].get(unit)


class _Families:
    """Each unit's ``family`` section (:func:`reformlib.briefs.content.family_section` for the
    unit), made by that function once per peer group (for the first unit of the group asked);
    every other unit of the group gets the same section with its own rows in place of that
    unit's (for each indicator, the unit's rows, then its group's median and the city's, as the
    function orders them; each value written as the function writes it)."""

    _NUMBERS = ("value", "band_low", "band_high", "target")
    #: the columns of a unit's row of the section
    _COLUMNS = ["unit", "unit_name", "indicator", "indicator_name", *_NUMBERS]

    def __init__(self, frame: pd.DataFrame, family: str, *, lang: str, units: pd.DataFrame) -> None:
        self.frame, self.family, self.lang = frame, family, lang
        self.peers = content.family_peers(frame, units)
        self.kinds = units.assign(unit=units["unit"].astype(str)).set_index("unit")["kind"].astype(str)
        self.by_group = {g: self.peers[self.peers["group"] == g] for g in self.peers["group"].unique()}
        self.rows = _Split(frame, "unit")
        self.unit_rows = _Split(units, "unit")
        self.heads = np.flatnonzero(~frame["indicator"].duplicated().to_numpy())  # each indicator's first row
        self.order = list(dict.fromkeys(frame["indicator"]))
        self.records = frame[self._COLUMNS].to_dict("records") if len(frame) else []
        self.done: dict[str, tuple[str, dict]] = {}

    def _made(self, unit: str) -> dict:
        """The section as the function makes it for ``unit``, from the rows it reads: each
        indicator's first row, the unit's and the city's, the unit's row of the units table and
        its peer group's medians."""
        rows = self.frame.iloc[np.union1d(self.heads, np.concatenate([self.rows.rows.get(unit, self.rows.none),
                                                                      self.rows.rows.get(CITY, self.rows.none)]))]
        return content.family_section(rows, self.family, lang=self.lang, unit=unit, units=self.unit_rows.of(unit),
                                      peers=self.by_group.get(self._group(unit), self.peers.iloc[:0]))

    def _group(self, unit: str) -> str:
        kind = self.kinds.get(unit, "")
        return PEER_GROUP_OF.get(kind, kind)

    def _own(self, unit: str) -> list[dict]:
        """``unit``'s rows of its section, as the function writes them."""
        return [{k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else
                     float(v) if k in self._NUMBERS else str(v)) for k, v in {**r, "kind": "unit"}.items()}
                for r in (self.records[i] for i in self.rows.rows.get(unit, self.rows.none))]

    def of(self, unit: str) -> dict:
        """``unit``'s family section."""
        group = self._group(unit)
        if group not in self.done:
            self.done[group] = (unit, self._made(unit))
        first, made = self.done[group]
        if unit == first:
            return copy.deepcopy(made)
        own, rest = self._own(unit), [r for r in made["rows"] if r["kind"] != "unit"]
        rows = []
        for indicator in self.order:
            rows += [r for r in own if r["indicator"] == indicator]
            rows += [dict(r) for r in rest if r["indicator"] == indicator]
        return {**made, "rows": rows}


class _ByCategory:
    """:func:`reformlib.tasks.ledger.status_by_category` of each unit's tasks, from one count of
    every task by lead unit, category and status (each with its total, completion rate and the
    category's name as the unit's first task of it gives it)."""

    def __init__(self, status: pd.DataFrame, *, lang: str) -> None:
        self.lang = lang
        if status.empty:
            self.table = None
            return
        lead = status["lead_unit"].astype(str).rename("lead_unit")
        counts = pd.crosstab([lead, status["category"]], status["status"]).reindex(columns=list(STATUSES), fill_value=0)
        counts["total"] = counts.sum(axis=1)
        counts["completion_rate"] = (100 * counts["completed"] / counts["total"]).round(1)
        first = status.assign(lead_unit=lead).drop_duplicates(["lead_unit", "category"])
        names = first.set_index(["lead_unit", "category"])[f"category_{lang}"]
        counts.insert(0, "name", names.reindex(counts.index))
        self.table = counts.rename_axis(columns=None)

    def of(self, unit: str, status: pd.DataFrame) -> pd.DataFrame:
        """The counts of ``unit``'s tasks (``status``: their rows of the status frame)."""
        if self.table is None or status.empty:
            return ledger.status_by_category(status, lang=self.lang)
        return self.table.loc[unit].reset_index()


def _headline_codes(indicators: pd.DataFrame, reference: pd.DataFrame, *, lang: str) -> list[tuple]:
    """What every unit's headline shares, once: for each indicator the document gives a figure
    of (in the catalogue's order), its code, catalogue row, name, unit of measure and the
    document's figure."""
    ind = indicators.set_index("indicator")
    ref = reference.set_index("code")
    out = []
    for code in [c for c in ind.index if c in ref.index]:
        r = ref.loc[code]
        doc = r["value"] if pd.notna(r["value"]) else r["change"]
        row = SimpleNamespace(**ind.loc[code].to_dict())  # read by attribute, as target_in reads a catalogue row
        out.append((code, row, ind.at[code, name_column(lang)], measure(ind.at[code, "measure_unit"], lang), doc))
    return out


def _headline(values: _Values, codes: list[tuple], m: pd.Period, *, unit: str) -> pd.DataFrame:
    """:func:`reformlib.briefs.content.headline` for one unit below the city, from the values
    and the indicators' parts computed once (:func:`_headline_codes`; the document's figure
    and words describe the city, so a unit has neither)."""
    rows = []
    for code, indicator, name, measure_unit, doc in codes:
        if unit not in values.has.get(code, ()):
            continue
        annual = indicator.annual
        now = values.get(code, m, unit)
        change = growth = None
        if annual == "december":
            before = values.get(code, pd.Period(f"{m.year - 1}-12", "M"), unit)
            change = now - before if before is not None and now is not None else None
        else:
            last = values.get(code, m - 12, unit)
            growth = 100 * (now / last - 1) if last else None
        rows.append(dict(code=code, name=name, value=now, change=change, growth=growth, measure_unit=measure_unit,
                         document=doc, document_text="", comparison="", units_behind="",
                         **_comparisons(values, indicator, code, unit, m, now)))
    return pd.DataFrame(rows, columns=content.HEADLINE_COLUMNS)


def _comparisons(values: _Values, indicator: SimpleNamespace, code: str, unit: str, m: pd.Period, now) -> dict:
    """``content._comparisons`` for one unit below the city: its target, a month and a year
    earlier, and the city's value, each as the headline reads it."""
    annual = indicator.annual

    def at(who: str, when: pd.Period) -> float | None:
        v = values.get(code, when, who)
        return None if v is None or pd.isna(v) else float(v)

    target = meets = low = high = None
    has_target = indicator.direction == "band" or pd.notna(indicator.target)
    if has_target and now is not None and pd.notna(now):
        target, miss = content.target_in(indicator, m, now)
        target, meets = float(target), not miss
        if indicator.direction == "band":
            low, high = float(indicator.band_low), float(indicator.band_high)
    city = at(CITY, m) if CITY in values.has.get(code, ()) else None
    previous = None if annual != "december" and m.month == 1 else at(unit, m - 1)
    return dict(target=target, band_low=low, band_high=high, meets_target=meets, previous_month=previous,
                year_earlier=at(unit, m - 12), city_value=city)


def _with_targets(indicators: pd.DataFrame) -> list:
    """The catalogue's rows (as tuples) of the indicators held to a target or a band, once."""
    return [r for r in indicators.itertuples(index=False) if r.direction == "band" or pd.notna(r.target)]


def _off_target(values: _Values, targeted: list, names: pd.Series, m: pd.Period, *, lang: str,
                unit: str) -> pd.DataFrame:
    """:func:`reformlib.briefs.content.off_target` for one unit, from the values computed once
    (``targeted``: :func:`_with_targets`)."""
    rows = []
    for r in targeted:
        value = values.get(r.indicator, m, unit)
        if value is None or pd.isna(value):
            continue
        target, miss = content.target_in(r, m, value)
        if miss:
            rows.append(dict(unit=unit, unit_name=names.get(unit, unit), indicator=r.indicator,
                             name=getattr(r, name_column(lang)), direction=r.direction, value=round(float(value), 2),
                             target=round(float(target), 2), gap=round(float(value - target), 2),
                             measure_unit=getattr(r, "measure_unit", None)))
    cols = ["unit", "unit_name", "indicator", "name", "direction", "value", "target", "gap", "measure_unit"]
    return pd.DataFrame(rows, columns=cols)


def _crossed(values: _Values, targeted: list, names: pd.Series, m: pd.Period, *, lang: str,
             unit: str) -> list[dict]:
    """The changes' indicators that crossed their target for one unit (as
    :func:`reformlib.briefs.changes.changes_since` gives them), from the values computed once
    (``targeted``: :func:`_with_targets`)."""
    rows = []
    for r in targeted:
        v1, v0 = values.get(r.indicator, m, unit), values.get(r.indicator, m - 1, unit)
        if v1 is None or v0 is None or pd.isna(v1) or pd.isna(v0):
            continue
        t1, miss1 = content.target_in(r, m, float(v1))
        t0, miss0 = content.target_in(r, m - 1, float(v0))
        if miss1 == miss0:
            continue
        rows.append(brief_changes.crossed_row(unit, names, r, lang=lang, missed=miss1, before=(v0, t0), now=(v1, t1)))
    return sorted(rows, key=lambda r: (r["now"], r["indicator"]))


def unit_results(data: Mapping[str, pd.DataFrame | None], month: str | pd.Period, *, lang: str,
                 units: Iterable[str], reference: pd.DataFrame, data_path: str | os.PathLike | None = None,
                 reports: str | os.PathLike | None = None, family: str = "debt", top: int = 10,
                 validate: bool = True, league_to: str | os.PathLike | None = None) -> dict[str, dict]:
    """Each of ``units``' results for ``month`` in ``lang``, by unit code: what
    ``notebooks/brief.ipynb`` writes for that unit (:func:`reformlib.briefs.content.results`;
    ``family`` and ``top`` as its parameters), the month's shared parts computed once (see the
    module). ``data``: the loaded tables (:func:`month_inputs`; the evaluation's tables and
    ``pilots``, None when the data hold none); ``reference``: the document's figures;
    ``data_path`` and ``reports``: where the data and the published briefs are, for the values
    revised since each unit's last brief. ``validate``: check each result by the results
    schema (:func:`reformlib.report.results.validate_results`) and return it as JSON reads it.

    A league longer than a brief prints whole (more than
    :data:`reformlib.report.league.LIMIT` units) is cut for each unit
    (:func:`reformlib.report.league.cut`: its excerpt, the league's size and ends; ``names``
    then holds only the units its results mention), and its whole ranking is written once
    into the folder ``league_to`` (:func:`league_folder`;
    :func:`reformlib.report.league.write_league`), when given."""
    m = as_month(month)
    month_text = str(m)
    obs, indicators, table = data["observations"], data["indicators"], data["units"]
    tasks, progress, inspections, pilots = data["tasks"], data["progress"], data["inspections"], data.get("pilots")
    tables = {n: data[n] for n in DATA_TABLES}
    codes = [unit_code(u) for u in units]
    if CITY in codes:
        raise ValueError(f"unit_results makes the briefs of units below the city; the city's ({CITY}) is brief.ipynb's")
    synthetic = bool(obs["synthetic"].all())
    names = table.set_index("unit")[name_column(lang)]

    # what every unit shares, once
    evaluation = content.evaluation_section(tables, m, lang=lang)
    ranking = at_risk_ranking(tasks, progress, m, lang=lang, units=table)
    earliest = min(obs["period"].min(), progress["period"].min())
    has_before = not (m - 1 < earliest)
    ranks = _rank_rows(tables, m, lang=lang, evaluation=evaluation) if has_before else {}
    revisions = unit_revisions(tables, m, codes, lang=lang, data_path=data_path, reports=reports)
    figures = content.brief_figures(family, lang=lang)
    families = _Families(content.family_frame(obs, indicators, table, family, m, lang=lang), family, lang=lang,
                         units=table)
    if pilots is None:
        pilots_section = {"available": False, "note": NO_PILOTS[lang]}
    long_league = len(evaluation.get("scores") or []) > league.LIMIT
    cutter = league.Cutter(evaluation)
    every_name = {str(u): str(n) for u, n in zip(table["unit"], table[name_column(lang)])}
    if long_league and league_to is not None:
        league.write_league(evaluation, league_to, lang=lang)

    # each indicator's values for every unit, once; each frame split by unit once; every
    # task's status this month and the month before, once
    values = _Values(obs, indicators, {m, m - 1, m - 12, pd.Period(f"{m.year - 1}-12", "M")})
    headline_codes, targeted = _headline_codes(indicators, reference, lang=lang), _with_targets(indicators)
    lead = tasks.set_index("task_id")["lead_unit"].astype(str)
    task_rows = _Split(tasks, "lead_unit")
    progress_rows = _Split(progress.assign(_lead=progress["task_id"].map(lead)), "_lead")
    inspection_rows = _Split(inspections, "unit")
    pilot_rows = _Split(pilots, "unit") if pilots is not None else None
    risk_rows = _Split(ranking["table"], "lead_unit") if ranking is not None else None
    status_now = task_status(tasks, progress, m)
    status_before = task_status(tasks, progress, m - 1) if has_before else None
    by_categories = _ByCategory(status_now, lang=lang)
    # the 督办清单 of every task, once: a unit's is its tasks' rows of it, in the same order
    supervising: dict[str, list[dict]] = {}
    for row in content.supervision_list(tasks, status_now, m, lang=lang, units=table):
        supervising.setdefault(row["lead_unit"], []).append(row)
    idle: dict[str, object] = {}  # the sections of a unit that leads no task or has no problem, made once

    out = {}
    for u in codes:
        rows_u = task_rows.rows.get(u, task_rows.none)
        tasks_u = tasks.iloc[rows_u]
        insp_u = inspection_rows.of(u)
        headline = _headline(values, headline_codes, m, unit=u)
        status = status_now.iloc[rows_u]  # task_status of the unit's tasks: each task's status is its own
        if len(rows_u):
            by_category = by_categories.of(u, status)
        else:
            if "tasks" not in idle:
                idle["tasks"] = ledger.status_by_category(status, lang=lang)
            by_category = idle["tasks"]
        supervision = supervising.get(u, [])
        if len(insp_u):
            inspections_u = content.inspections_summary(insp_u, m, unit=u, units=table, lang=lang)
        else:
            if "inspections" not in idle:
                idle["inspections"] = content.inspections_summary(insp_u, m, unit=u, units=table, lang=lang)
            inspections_u = copy.deepcopy(idle["inspections"])
        sections = {
            "at_risk": _unit_at_risk(ranking, u, lang=lang, names=names, top=top, rows=risk_rows, idle=idle),
            "evaluation": cutter.cut(u),
            "indicators_off_target": _off_target(values, targeted, names, m, lang=lang, unit=u),
            "inspections": inspections_u,
            "supervision": supervision,
            "pilots": content.pilots_summary(pilot_rows.of(u), m, unit=u) if pilot_rows is not None else pilots_section,
        }
        sections["changes"] = _changes(tables, m, u, values=values, targeted=targeted, tasks_u=tasks_u,
                                       progress_u=progress_rows.of(u).drop(columns="_lead"),
                                       status=None if status_before is None else (status, status_before.iloc[rows_u]),
                                       insp_u=insp_u, has_before=has_before, ranks=ranks, names=names, lang=lang,
                                       revisions=revisions)
        result = content.results(month=month_text, lang=lang, unit=u, headline_table=headline, status=status,
                                 by_category=by_category, synthetic=synthetic, figures=figures, sections=sections,
                                 units=None if long_league else table, family=families.of(u))
        if long_league:  # names of the units the results mention, not of every unit of the country
            result["names"] = _names_mentioned(result, every_name)
        out[u] = result
    return validate_many(out) if validate else out


def _names_mentioned(result: Mapping, names: Mapping[str, str]) -> dict[str, str]:
    """``names`` (every unit's, by code) kept to the units ``result`` mentions (its own unit,
    and every ``unit`` or ``lead_unit`` of its sections), in the order of ``names``."""
    seen = {result.get("unit")}
    stack = [v for k, v in result.items() if k != "names"]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            seen.update(v for k, v in item.items() if k in ("unit", "lead_unit") and isinstance(v, str))
            stack.extend(v for v in item.values() if isinstance(v, Mapping | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, Mapping | list))
    return {u: n for u, n in names.items() if u in seen}


def league_folder(reports: str | os.PathLike | None, month: str | pd.Period, lang: str) -> Path:
    """Where a month's whole ranking is written beside the month's unit briefs
    (:data:`reformlib.report.league.LEAGUE_FILE`): ``<reports>/<month>/``, in English
    ``<reports>/<month>/en/`` (``reports``: default ``$REFORMLIB_REPORTS``, else ``reports/``)."""
    folder = reports_folder(reports) / str(as_month(month))
    return folder / "en" if lang == "en" else folder


def validate_many(results: Mapping[str, dict]) -> dict[str, dict]:
    """Each of ``results`` validated by the results schema
    (:func:`reformlib.report.results.validate_results`, its compiled check first) and returned
    as JSON reads it. An evaluation section several units share (the same object: a league
    short enough to print whole, which each unit's results carry whole) is validated whole
    once, with the first unit's results; each other unit's results are validated with that
    section holding only its own score, as validating the same object again could find
    nothing new. (A longer league is cut for each unit, :func:`reformlib.report.league.cut`,
    and each cut validated with its unit's results.)"""
    out, shared = {}, None
    for unit, res in results.items():
        evaluation = res.get("evaluation")
        if shared is None or evaluation is not shared or not isinstance(evaluation, Mapping):
            out[unit] = validate_results(res, fast=True)
            shared = evaluation if shared is None else shared
            continue
        own = [s for s in evaluation.get("scores", []) if s.get("unit") == unit]
        checked = validate_results({**res, "evaluation": {**evaluation, "scores": own}}, fast=True)
        checked["evaluation"] = out[next(iter(out))]["evaluation"]  # the section as validated whole
        out[unit] = checked
    return out


def _changes(data: Mapping[str, pd.DataFrame], m: pd.Period, unit: str, *, values: _Values, targeted: list,
             tasks_u: pd.DataFrame, progress_u: pd.DataFrame, status: tuple[pd.DataFrame, pd.DataFrame] | None,
             insp_u: pd.DataFrame, has_before: bool, ranks: Mapping[str, dict] | None, names: pd.Series, lang: str,
             revisions: Mapping[str, dict]) -> dict:
    """One unit's ``changes`` (:func:`reformlib.briefs.changes.changes_section` for that unit),
    from its own rows, its tasks' status this month and the month before (``status``) and the
    ranks computed once for the month."""
    before = m - 1
    out = {"available": True, "month": str(m), "previous_month": str(before), "completed": [], "newly_overdue": [],
           "ranks": [], "crossed": [], "rectified": []}
    if not has_before:
        words = f"{before.year}年{before.month}月" if lang == "zh" else before.strftime("%B %Y")
        out = {**out, "note": CHANGES[lang]["no_previous"].format(previous=words)}
    else:
        if len(tasks_u):  # a unit that leads no task has none completed or newly overdue
            out["completed"], out["newly_overdue"] = brief_changes.task_changes(tasks_u, progress_u, m, one=unit,
                                                                                names=names, lang=lang, status=status)
        out["ranks"] = [ranks[unit]] if ranks and unit in ranks else []
        if ranks is None:  # the month before could not be assessed
            out["ranks_note"] = brief_changes.ranks_note(m, lang)
        out["crossed"] = _crossed(values, targeted, names, m, lang=lang, unit=unit)
        out["rectified"] = (brief_changes.rectified_problems(insp_u, data["tasks"], m, one=unit, names=names, lang=lang)
                            if len(insp_u) else [])
    out["revisions"] = revisions[unit]
    return out


def unit_revisions(data: Mapping[str, pd.DataFrame], month: str | pd.Period, units: Iterable[str], *, lang: str,
                   data_path: str | os.PathLike | None = None,
                   reports: str | os.PathLike | None = None) -> dict[str, dict]:
    """Each unit's ``changes.revisions``
    (:func:`reformlib.briefs.changes.revisions_section` for that unit: the values revised since
    its last published brief), from ONE query of the store's history since the earliest of
    those briefs, cut by unit and by each unit's own brief, instead of one query of the whole
    history per unit."""
    m = as_month(month)
    store = brief_changes.store_behind(data_path)
    words = CHANGES[lang]
    if store is None:
        return {u: {"traceable": False, "note": words["folder"], "since": None, "items": []} for u in units}
    since = {u: brief_changes.previous_brief(m, unit=u, lang=lang, reports=reports) for u in units}
    found = None
    if any(s is not None for s in since.values()):
        earliest = min((s for s in since.values() if s is not None), key=lambda s: pd.Timestamp(s["published_at"]))
        found = Store(store).revisions_since(brief_changes.local_time(earliest["published_at"]))
        found = found[found["period"].notna() & (found["period"].astype(str) <= str(m))]
        found = found.assign(unit=found["unit"].astype(object))
    out = {}
    for u, s in since.items():
        if s is None:
            out[u] = {"traceable": True, "note": words["no_brief"], "since": None, "items": []}
            continue
        own = found[(found["unit"] == u) & (found["new_ingested_at"] > brief_changes.local_time(s["published_at"]))]
        out[u] = {"traceable": True, "since": s, "items": brief_changes.revision_items(own, data, lang) if len(own) else []}
    return out


def write_unit_results(results: Mapping[str, Mapping], folder: str | os.PathLike) -> list[Path]:
    """Write each unit's results as ``<folder>/<unit>.json`` (UTF-8, readable Chinese, as
    :func:`reformlib.report.results.write_results` writes them), validated by the results
    schema (:func:`validate_many`: what the units share once) and written atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out, shared, text_of_shared = [], None, ""
    for unit, res in validate_many(results).items():
        evaluation = res.get("evaluation")
        if shared is None and isinstance(evaluation, Mapping):  # the section the units share, as JSON once
            shared = evaluation
            text_of_shared = _member_text("evaluation", evaluation)
        if evaluation is shared and shared is not None:
            text = _dumps({**res, "evaluation": _PLACEHOLDER}).replace(json.dumps(_PLACEHOLDER), text_of_shared, 1)
        else:
            text = _dumps(res)
        with atomic_path(folder / f"{unit}.json") as tmp:
            tmp.write_text(text, encoding="utf-8")
        out.append(folder / f"{unit}.json")
    return out


#: Stands for the shared section while a unit's results are written (no result holds it).
_PLACEHOLDER = "\x00shared section\x00"


def _dumps(obj: Mapping) -> str:
    """Results as :func:`reformlib.report.results.write_results` writes them."""
    return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _member_text(key: str, value: object) -> str:
    """The text of ``value`` as it appears as the member ``key`` of a results file (at its depth
    and indentation), so that it can be set into each unit's file as written once."""
    text = _dumps({key: value})
    start = text.index(json.dumps(key) + ": ") + len(json.dumps(key)) + 2
    return text[start:text.rindex("\n}")]


def run_summary(results: Mapping[str, Mapping], *, month: str | pd.Period, lang: str, seconds: float) -> str:
    """One sentence for the run's record: how many units' results were written for which month,
    whether the data are synthetic, and in how many seconds."""
    m = as_month(month)
    synthetic = bool(results) and all(r.get("synthetic") for r in results.values())
    when = f"{m.year}年{m.month}月" if lang == "zh" else m.strftime("%B %Y")
    words = UNITS_RUN[lang]
    units = words["one" if len(results) == 1 else "many"].format(n=f"{len(results):,}")
    return words["summary"].format(month=when, units=units, seconds=f"{seconds:.0f}",
                                   synthetic=words["synthetic"] if synthetic else "")
