"""The centre's memo to the reform leading group (publication step: results.json -> 公文).

A memo an office can send (OFFICE.md, "What goes back"): title, addressee (主送), then
一、总体情况 (the situation, from the numbers in ``results.json``), 二、存在问题 (problems
found by the written rules below, each citing its figures), 三、下步建议 (one recommendation
per problem, naming the responsible units by name), attachments (附件) as tables, and the
issuer and date. Chinese by default, English on request. Units are always named by
``results["names"]``, the scores' and tables' own names or :data:`~reformlib.i18n.UNIT_NAMES`;
a code never appears in the text.

Rules of 二、存在问题, in this order (a rule whose section is missing gives nothing):

1. **Gaps to target**: the indicators off target (``indicators_off_target``) with the
   largest relative gap ``|gap| / |target|``, at most three, each with its value, target, gap
   and that share; the sentence says they are ranked by it (gaps in 项, 个百分点 or 亿元 cannot
   be ranked against each other); with no non-zero target, the first listed and none called
   largest. The recommendation names their units; before December the problem says these are gaps to the
   year's target with the months of the year left, and the recommendation asks that the target
   be reached by the year's end.
2. **Overdue tasks**: when ``tasks.overdue`` > 0, the count, tasks due this month and still
   unfinished, and the longest overdue tasks of the 督办清单 (``tasks.supervision``) with
   lead unit, days overdue and progress, a key task (``key_task``) marked 重点任务; tasks tied
   at the last days overdue named are all named, or counted when too many
   (:func:`_longest_overdue`); the recommendation asks that their lead units, named, finish
   them by a set date (the tasks are on the 督办清单 already, as 一、总体情况 says). The 督办清单
   attachment marks key tasks too.
3. **Low grades** (等次, the document's word): units (never the city itself) graded 一般 or
   较差 by their score, with score and grade; a unit whose grade is the cap of its one-vote
   veto (``scores[].veto`` ending with the grade) stands apart, with the veto's text; when only
   such units are found the problem is headed as a veto's (:func:`_low_grades`).
4. **Inspection problems past their rectification deadline** (整改时限): the count at the
   month's end, the units holding them (``inspections.past_due_by_unit``) and the longest past
   its deadline (``inspections.past_due_items``); among them those found over 90 days before
   the month's end, and apart those open over 90 days still within their deadline, so that
   each problem is reported once; the recommendation names those units, and an attachment
   lists every such problem.
5. **Inspection problems open over 90 days**, when none is past its deadline: the count and,
   when listed (``inspections.over_90_by_unit``), the units holding them.

A count of zero is never printed: it is left out or said in words (无按期推进中的任务,
均达到年度目标). Every rank the memo prints names its assessment, its group and its base
(a unit's memo: its place among the counties, districts and parks and in its peer group, and
in the changes sentence its monthly assessment's place this month and last).

一、总体情况 ends with one sentence on what changed since last month (:func:`changes_summary`),
when the results carry a ``changes`` section: it counts exactly the rows that section lists.

Comparisons with the 2017 year-end document (``headline[].comparison``) describe the city
in December 2017; the memo quotes them only then, never beside another month or a unit.
Every month and unit is compared with its own figures instead: one sentence counts the
headline figures that meet their target (``headline[].meets_target``: the catalogue holds one
target an indicator, the year's; a stock is held to it in every month, a flow to it pro rata to
the month, and the memo, page and workbook name it so: 年度目标（流量指标按月折算）), and an
attachment sets each beside its target, its value a month and a year earlier and, in a
unit's memo, the city's value, each column labelled. An early-warning probability reads as
the page shows it: its band and the miss rate observed in that band on the held-out check; a
list ranked by the gap to schedule or made without a fitted model shows each task's progress
against its schedule instead (:func:`reformlib.report.at_risk.shows_bands`).
Numbers read as :mod:`reformlib.report.numbers` writes them. The layout is
:mod:`reformlib.report.memo_layout` (GB/T 9704-2012); the PDF is :mod:`reformlib.report.memo_pdf`.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reformlib.data.periods import month_words
from reformlib.errors import ParameterError
from reformlib.i18n import CHANGES, DATA_NAMES, HEADLINE_TEXT, MAKE_UP, MEMO, PEERS_TEXT, UNIT_NAMES, WARNING_TEXT
from reformlib.report.at_risk import schedule_cells, shows_bands
from reformlib.report.league import excerpt_note, has_peer_places, league_ends, league_size, shown
from reformlib.report.makeup import largest_deductions, make_up_rows, make_up_sentence
from reformlib.report.memo_layout import MemoContent, write_docx
from reformlib.report.numbers import (
    MISSING,
    count,
    date_text,
    difference,
    headline_cell,
    number,
    observed_band,
    quantity,
    score,
)
from reformlib.report.results import section, validate_results

__all__ = ["CITY_CODE", "MemoContent", "changes_summary", "key_findings", "memo_content", "memo_date", "past_due_columns",
           "revisions_summary", "write_memo"]

#: The whole city's code: reported, never ranked among its parts.
CITY_CODE = "430300"
#: The month whose city figures the document's comparisons describe.
DOCUMENT_MONTH = "2017-12"


#: A Chinese character: an English document says once where it prints a name the data give only in Chinese.
_CJK = re.compile(r"[\u4e00-\u9fff]")


def past_due_columns(inspections: Sequence[str], lang: str) -> list[str]:
    """The header of a list of inspection problems past their deadline (memo, page and
    workbook alike): in an English document whose ``inspections`` names hold Chinese, the
    inspection column says the names are the data's Chinese ones."""
    cols = MEMO[lang]["att_past_due_cols"].split("|")
    if lang != "zh" and any(_CJK.search(str(name)) for name in inspections):
        cols[1] = DATA_NAMES[lang]["inspection_col"]
    return cols


def _check_lang(lang: str) -> str:
    if lang not in MEMO:
        raise ParameterError(f"lang must be one of {sorted(MEMO)}, not {lang!r}")
    return lang


def names_of(results: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Code -> name of every unit the results mention."""
    out = dict(UNIT_NAMES[lang])
    for s in (section(results, "evaluation")[0] or {}).get("scores", []):
        out[s["unit"]] = s["name"]
    for o in section(results, "indicators_off_target")[0] or []:
        out.setdefault(o["unit"], o.get("unit_name") or o["unit"])
    for r in (section(results, "tasks")[0] or {}).get("supervision", []):
        out[r["lead_unit"]] = r["lead_name"]
    return {**out, **(results.get("names") or {})}


def _date(iso: str | date, lang: str) -> str:
    d = iso if isinstance(iso, date) else datetime.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%B %Y}"


def memo_date(value: str, month: str) -> date:
    """The date a memo is issued, ``value`` (YYYY-MM-DD), checked: a real day, and not before the
    last day of ``month``, the month it reports on (a memo on December is issued once December
    is over). Raises :class:`~reformlib.errors.ParameterError` naming the rule."""
    try:
        issued = date.fromisoformat(str(value)) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)) else None
    except ValueError:
        issued = None
    if issued is None:
        raise ParameterError(f"memo date must be a day written YYYY-MM-DD, such as 2018-01-08; got {value!r}")
    year, mon = (int(x) for x in str(month).split("-"))
    last = date(year, mon, calendar.monthrange(year, mon)[1])
    if issued < last:
        raise ParameterError(f"memo date {issued.isoformat()} is before the end of {month}, the month the memo "
                             f"reports on; it must be {last.isoformat()} or later")
    return issued


def _join(items: Sequence[str], t: Mapping[str, str]) -> str:
    return t["sep"].join(items)


def _units(codes: Sequence[str], names: Mapping[str, str], t: Mapping[str, str]) -> str:
    """The units by name, each once; where a name holds the list's own separator ("Culture,
    Radio, Film and Press Bureau"), the names are set apart by the sentence's separator ("; ")."""
    seen = list(dict.fromkeys(names.get(c, c) for c in codes))
    sep = t["list_sep"]
    return (t["sep"] if sep.strip() and any(sep.strip() in name for name in seen) else sep).join(seen)


def _na(t: Mapping[str, str], key: str, note: str | None) -> str:
    text = t[key]
    return text[:-1] + t["note"].format(note=note.rstrip("。.")) + text[-1] if note else text


# ------------------------------------------------------------------------- 总体情况
def _headline(results: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[str]:
    """The city's December figures that the year-end summary states (the city's value equal to
    the document's figure as printed), each beside the document's words and labelled as
    them; then, apart, the indicators some of whose units missed their target
    (``units_behind``), counted and named: the document speaks of the whole city only."""
    if results["month"] != DOCUMENT_MONTH or results["unit"] not in (None, CITY_CODE):
        return []
    agree = [h for h in results.get("headline", []) if h.get("comparison") and _agrees(h, lang)][:4]
    items = [t["headline_item"].format(name=h["name"], value=quantity(h["value"], h["unit"], lang),
                                       comparison=h["comparison"]) for h in agree]
    out = [t["headline"].format(items=_join(items, t))] if items else []
    behind = [h for h in results.get("headline", []) if h.get("units_behind")]
    if behind:
        words = MEMO[lang]
        listed = [words["headline_behind_item"].format(
            name=h["name"], names=h["units_behind"],
            n=count(len(h["units_behind"].split("、" if lang == "zh" else ", ")), words["headline_unit_word"], lang))
            for h in behind]
        out.append(words["headline_behind"].format(items=words["list_sep"].join(listed)))
    return out


def _agrees(h: Mapping[str, Any], lang: str) -> bool:
    """Whether a headline figure's value, as the memo prints it, is the document's figure."""
    document = h.get("reference_value", h.get("document"))
    if document is None:
        return False
    unit = h.get("unit", h.get("measure_unit"))
    return quantity(h["value"], unit, lang) == quantity(document, unit, lang)


def _own_unit(results: Mapping[str, Any]) -> bool:
    return results["unit"] not in (None, CITY_CODE)


def _unit_name(results: Mapping[str, Any], lang: str) -> str:
    """The unit of a unit's memo by name (its code only when the results name no unit)."""
    return names_of(results, lang).get(results["unit"], results["unit"])


def _headline_title(results: Mapping[str, Any], lang: str) -> str:
    return HEADLINE_TEXT[lang]["att_headline_unit" if _own_unit(results) else "att_headline"]


def _targets(results: Mapping[str, Any], lang: str) -> list[str]:
    """How many headline figures with a target meet their annual target (flows pro rata; ``meets_target``),
    pointing to the attachment that lists them beside their target, last month and last year."""
    judged = [h["meets_target"] for h in results.get("headline", []) if h.get("meets_target") is not None]
    if not judged:
        return []
    met = sum(judged)
    word = MEMO[lang]["item_word"]
    # the memo says whose figures they are: its unit's, or the whole city's
    whose = MEMO[lang]["targets_whose"].format(unit=_unit_name(results, lang)) if _own_unit(results) \
        else MEMO[lang]["targets_city"]
    if met in (0, len(judged)):  # all or none: said in words, never "0项未达到"
        return [MEMO[lang]["targets_all" if met else "targets_none"].format(
            n=count(len(judged), word, lang), att=_headline_title(results, lang), whose=whose)]
    return [HEADLINE_TEXT[lang]["headline_targets"].format(
        n=count(len(judged), word, lang), whose=whose,
        met=count(met, word, lang), missed=count(len(judged) - met, word, lang),
        att=_headline_title(results, lang))]


def _tasks(results: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[str]:
    tasks, note = section(results, "tasks")
    if tasks is None:
        return [_na(t, "tasks_na", note)]
    word = t["task_word"]
    due_now = sum(r["status"] == "due_this_month" for r in tasks.get("supervision", []))
    extra = [t["tasks_due_now"].format(n=count(due_now, word, lang))] if due_now else []
    month, rate = month_words(results["month"], lang), f"{tasks['completion_rate']:.1f}%"
    # a unit's memo counts the tasks its unit leads, and says so
    total = count(tasks["total"], word, lang)
    led = t["tasks_led"].format(unit=_unit_name(results, lang)) if _own_unit(results) else ""
    if not tasks["total"]:
        return [t["tasks_none"].format(month=month)]
    if tasks["total"] and tasks["completed"] == tasks["total"]:
        key = "tasks_done_one" if tasks["total"] == 1 else "tasks_done_all"  # never "all 1 tasks were"
        return [t[key].format(month=month, total=total, rate=rate, led=led)] + extra
    # a zero is left out, or said in words (无按期推进中的任务); never "0项"
    parts = [t[key].format(n=count(tasks[field], word, lang))
             for field, key in (("on_schedule", "tasks_on_schedule"), ("behind", "tasks_behind"),
                                ("overdue", "tasks_overdue")) if tasks[field]]
    if not tasks["on_schedule"]:
        parts.append(t["tasks_no_on_schedule"])
    key = "tasks_open" if tasks["completed"] else "tasks_open_none"
    sentence = t[key].format(month=month, total=total, led=led, completed=count(tasks["completed"], word, lang), rate=rate,
                             parts=t["part_sep"].join(parts))
    return [sentence] + extra


def ranked(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The evaluated units below the city, best first (the city is reported, not ranked)."""
    scores = (section(results, "evaluation")[0] or {}).get("scores", [])
    return sorted((s for s in scores if s["unit"] != CITY_CODE), key=lambda s: (-s["score"], s["unit"]))


def assessment(results: Mapping[str, Any], t: Mapping[str, str], *, title: bool = False) -> str:
    """Which assessment the scores are (``evaluation.assessment_label``: the month's monthly one,
    or in December the year-end one), for a sentence or (``title``) an attachment's title;
    results without the label are the month's monthly one."""
    label = (section(results, "evaluation")[0] or {}).get("assessment_label")
    if not label:
        return t["assessment_title_default" if title else "assessment_default"]
    return t["assessment_title" if title else "assessment_in"].format(label=label, Label=label[:1].upper() + label[1:])


def _evaluation(results: Mapping[str, Any], t: Mapping[str, str], lang: str = "zh") -> list[str]:
    evaluation, note = section(results, "evaluation")
    scores = ranked(results)
    if not scores:
        return [_na(t, "eval_na", note or (evaluation or {}).get("note"))]
    top, bottom = league_ends(evaluation) or (scores[0], scores[-1])  # of the whole league, also where it is cut
    n = league_size(evaluation)
    city = [s for s in (evaluation or {}).get("scores", []) if s["unit"] == CITY_CODE]
    city += [(evaluation or {})["city"]] if (evaluation or {}).get("city") else []
    out = [t["eval" if n > 1 else "eval_one"].format(
        assessment=assessment(results, t), n=number(n), top=top["name"], top_score=score(top["score"]), top_grade=top["grade"],
        bottom=bottom["name"], bottom_score=score(bottom["score"]), bottom_grade=bottom["grade"])]
    if city:  # the city's score, what it counts, how it adds up and its largest deductions: it is not a unit's score
        deductions = largest_deductions(city[0].get("lost_points") or [], lang=lang)
        out.append(t["eval_city"].format(score=score(city[0]["score"]), grade=city[0]["grade"])
                   + ("" if lang == "zh" or not deductions else " ") + deductions)
        if city[0].get("make_up"):
            out.append(make_up_sentence(city[0]["make_up"], name=city[0]["name"], assessment=assessment(results, t),
                                        lang=lang))
    own = _own_score(results)
    if own and own.get("rank"):  # every rank printed names its assessment, its group and its base
        text = t["own_rank"].format(unit=own["name"], assessment=assessment(results, t), rank=number(own["rank"]),
                                    n=number(n))
        # the rank in its group when the group is not the whole league (a national league of 县市区 only)
        if own.get("peer_rank") and own.get("peer_size") and own.get("peer_group_name") and own["peer_size"] != n:
            text += t["own_peer_rank"].format(group=own["peer_group_name"], rank=number(own["peer_rank"]),
                                              n=number(own["peer_size"]))
        out.append(text + t["stop"])
    return out


def _own_score(results: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The score record of a unit's memo's own unit (None in the city's memo)."""
    if not _own_unit(results):
        return None
    return next((s for s in ranked(results) if s["unit"] == results["unit"]), None)


def _make_up(results: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[str]:
    """A unit's memo: one sentence in which the parts of its score add up to it
    (:func:`reformlib.report.makeup.make_up_sentence`)."""
    own = _own_score(results)
    if not own or not own.get("make_up"):
        return []
    return [make_up_sentence(own["make_up"], name=own["name"], assessment=assessment(results, t), lang=lang)]


def _inspections_and_pilots(results: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[str]:
    insp, note = section(results, "inspections")
    word = t["problem_word"]
    # a unit's memo says where the problems were found
    where = t["insp_where"].format(unit=_unit_name(results, lang)) if _own_unit(results) else ""
    if insp is None:
        out = [_na(t, "insp_na", note)]
    elif not insp["found"]:  # never "found 0 problems, all rectified"
        out = [t["insp_nothing"].format(month=month_words(results["month"], lang), where=where)]
    elif not insp["open"]:
        out = [t["insp_done"].format(found=count(insp["found"], word, lang), where=where)]
    else:
        out = [t["insp" if insp["open_over_90_days"] else "insp_none_old"].format(
            found=count(insp["found"], word, lang), where=where, rectified=count(insp["rectified"], word, lang),
            open=count(insp["open"], word, lang), over90=count(insp["open_over_90_days"], word, lang))]
        if insp.get("past_due"):
            out.append(t["insp_past_due"].format(n=count(insp["past_due"], word, lang)))
    pilots, note = section(results, "pilots")
    if pilots is None:
        return out + [_na(t, "pilots_na", note)]
    return out + [_pilots(results, pilots, t, lang)]


def _pilots(results: Mapping[str, Any], pilots: Mapping[str, Any], t: Mapping[str, str], lang: str) -> str:
    """The pilots sentence; a count of zero is left out or said in words (未承担…), never "0项"."""
    own = _own_unit(results)  # a unit's memo speaks of the unit, not of every unit
    n = {k: count(pilots.get(k) or 0, t["item_word"], lang) for k in ("national", "provincial", "models", "local")}
    parts = [t[f"pilots_{k}"].format(n=n[k]) for k in ("national", "provincial") if pilots.get(k)]
    if parts:
        text = t["pilots_lead"].format(parts=t["pilots_and"].join(parts))
        text += t["pilots_models"].format(n=n["models"]) if pilots.get("models") else ""
    else:
        text = t["pilots_none"]
    if pilots.get("local"):
        text += t["pilots_local_unit" if own else "pilots_local_city"].format(local=n["local"])
    subject = t["pilots_subject_unit" if own else "pilots_subject_city"].format(unit=_unit_name(results, lang))
    return subject + text + t["stop"]


def changes_summary(results: Mapping[str, Any], *, lang: str = "zh") -> str | None:
    """One sentence on what changed since last month (``changes``), counting exactly what the
    section lists; None when the results hold no such section."""
    changes = section(results, "changes")[0]
    if changes is None:
        return None
    w = CHANGES[_check_lang(lang)]
    previous = month_words(changes["previous_month"], lang)
    if changes.get("note"):
        return changes["note"]
    parts = []
    for key, part, word in (("completed", "part_completed", "task_word"), ("newly_overdue", "part_overdue", "task_word")):
        if changes[key]:
            parts.append(w[part].format(n=count(len(changes[key]), w[word], lang)))
    own = results["unit"] not in (None, CITY_CODE)
    ranks = changes["ranks"]
    if own and ranks:
        parts.append(_rank_change(results, ranks[0], lang))
    elif ranks:
        parts.append(w["part_ranks"].format(n=count(len(ranks), w["unit_word"], lang)))
    for now, part in (("met", "part_met"), ("missed", "part_missed")):
        n = sum(c["now"] == now for c in changes["crossed"])
        if n:
            parts.append(w[part].format(n=count(n, w["indicator_word"], lang)))
    if changes["rectified"]:
        parts.append(w["part_rectified"].format(n=count(len(changes["rectified"]), w["problem_word"], lang)))
    # the month before could not be assessed: no rank changes, and why
    note = ("" if lang == "zh" else " ") + changes["ranks_note"] if changes.get("ranks_note") else ""
    if not parts:
        return w["summary_none"].format(previous=previous) + note
    return w["summary"].format(previous=previous, parts=w["part_sep"].join(parts)) + note


def _rank_change(results: Mapping[str, Any], r: Mapping[str, Any], lang: str) -> str:
    """A unit's monthly assessment rank this month and last, among the city's ranked parts
    (counties, districts and parks, as ``changes.ranks`` ranks them), naming the assessment,
    the group and the base (the parts the results' evaluation ranks), and its grade; within its
    peer group when the row carries the peer ranks (:func:`_peer_rank_change`)."""
    if has_peer_places(r):
        return _peer_rank_change(results, r, lang)
    t = MEMO[lang]
    changes = section(results, "changes")[0]
    n = league_size(section(results, "evaluation")[0])  # the whole league, also where the results carry an excerpt

    def place(rank: int) -> str:
        return f"{number(rank)}/{number(n)}" if n >= max(r["rank"], r["rank_before"]) else number(rank)

    k = r["rank_change"]
    move = t["unit_rank_move_up" if k > 0 else "unit_rank_move_down" if k < 0 else "unit_rank_move_same"]
    rank = t["unit_rank_base"].format(unit=r["name"], month=month_words(changes["month"], lang),
                                      previous=month_words(changes["previous_month"], lang),
                                      now=place(r["rank"]), before=place(r["rank_before"]))
    grade = t["unit_grade_now_same" if r["grade"] == r["grade_before"] else "unit_grade_now"].format(
        before=r["grade_before"], now=r["grade"])
    return rank + move.format(k=number(abs(k))) + t["part_sep"] + grade


def _peer_rank_change(results: Mapping[str, Any], r: Mapping[str, Any], lang: str) -> str:
    """A unit's monthly assessment rank this month and last within its peer group (县市区 or
    园区), as the page ranks it, the group and its size named, and its grade."""
    t = MEMO[lang]
    changes = section(results, "changes")[0]
    size = number(r["peer_size"])
    k = r["peer_rank_before"] - r["peer_rank"]
    move = t["unit_rank_move_up" if k > 0 else "unit_rank_move_down" if k < 0 else "unit_rank_move_same"]
    rank = t["unit_rank_peer"].format(unit=r["name"], group=r["peer_group_name"],
                                      month=month_words(changes["month"], lang),
                                      previous=month_words(changes["previous_month"], lang),
                                      now=f"{number(r['peer_rank'])}/{size}", before=f"{number(r['peer_rank_before'])}/{size}")
    grade = t["unit_grade_now_same" if r["grade"] == r["grade_before"] else "unit_grade_now"].format(
        before=r["grade_before"], now=r["grade"])
    return rank + move.format(k=number(abs(k))) + t["part_sep"] + grade


def revisions_summary(results: Mapping[str, Any], *, lang: str = "zh") -> str | None:
    """One sentence on the values revised since the last published brief (``changes.revisions``):
    how many, since which brief, or why they cannot be listed; None without the section."""
    changes = section(results, "changes")[0]
    revisions = (changes or {}).get("revisions")
    if not revisions:
        return None
    w = CHANGES[_check_lang(lang)]
    since = revisions.get("since")
    if not revisions["traceable"] or since is None:
        return revisions["note"]
    names = names_of(results, lang)
    month = month_words(since["month"], lang)
    brief = (w["brief_unit"].format(unit=names.get(since["unit"], since["unit"]), month=month) if since.get("unit")
             else w["brief"].format(month=month))
    time = w["time"].format(time=since["published_at"][:16].replace("T", " "))
    n = len(revisions["items"])
    if not n:
        return w["not_revised"].format(brief=brief, time=time)
    return w["revised"].format(brief=brief, time=time, n=count(n, w["value_word"], lang))


def key_findings(results: Mapping[str, Any], *, lang: str = "zh") -> list[str]:
    """The sentences of 一、总体情况, from a valid results dict (a missing section says so);
    with a ``changes`` section, its one-sentence summary last (:func:`changes_summary`)."""
    t = MEMO[_check_lang(lang)]
    changed = changes_summary(results, lang=lang)
    return (_headline(results, t, lang) + _targets(results, lang) + _tasks(results, t, lang) + _evaluation(results, t, lang)
            + _make_up(results, t, lang) + _inspections_and_pilots(results, t, lang) + ([changed] if changed else []))


# ------------------------------------------------------------------------- 存在问题
def _share(o: Mapping[str, Any]) -> float | None:
    """An indicator's gap as a share of its target (``|gap| / |target|``); None for a zero target."""
    return abs(o["gap"]) / abs(o["target"]) if o["target"] else None


def _gaps(results, t, lang, names) -> tuple[str, str] | None:
    """Gaps in different units (项, 个百分点, 亿元) cannot be set against each other: the largest
    are those largest as a share of the target, and the sentence says so and gives each share."""
    off = section(results, "indicators_off_target")[0] or []
    if not off:
        return None
    shares = [o for o in off if _share(o) is not None]
    # every target zero: no share to rank by, so the first are listed and none is called largest
    worst = sorted(shares, key=lambda o: -_share(o))[:3] if shares else off[:3]
    figures = names_of(results, lang)  # whose figure: the city's is the whole city's (湘潭市), not 市本级's
    items = [t["gap_item"].format(unit=figures.get(o["unit"], o["unit"]), name=o["name"],
                                  value=quantity(o["value"], o.get("measure_unit"), lang),
                                  target=quantity(o["target"], o.get("measure_unit"), lang),
                                  gap=difference(o["gap"], o.get("measure_unit"), lang))
             + (t["gap_share"].format(share=f"{100 * _share(o):.1f}%") if shares else "")
             for o in worst]
    # a unit's own indicators are counted as such (3项), the city's by unit and indicator (88项次)
    n = count(len(off), t["unit_indicator_word" if _own_unit(results) else "indicator_word"], lang)
    key = "gap_problem_share" if shares else "gap_problem_list"
    # the city's count names the whole city's own values among the units' (they are not a unit's)
    k = sum(o["unit"] == CITY_CODE for o in off)
    of_city = t["gap_of_city"].format(k=count(k, t["unit_indicator_word"], lang)) if k else ""
    problem = (t[key + "_unit"].format(unit=_unit_name(results, lang), n=n, items=_join(items, t))
               if _own_unit(results) else t[key].format(n=n, of_city=of_city, items=_join(items, t)))
    left = 12 - int(results["month"][5:7])  # the targets are the year's: before December, months remain to reach them
    if left:
        problem += t["gap_year_left"].format(months=count(left, t["month_word"], lang))
    return problem, t["gap_advice_year" if left else "gap_advice"].format(units=_units([o["unit"] for o in worst], names, t))


def _longest_overdue(listed: Sequence[Mapping[str, Any]], *, top: int = 3,
                     most: int = 5) -> tuple[list[Mapping[str, Any]], int]:
    """The overdue tasks of the 督办清单 the memo names as the longest overdue, and how many more
    are overdue exactly as long as the last one named: the ``top`` longest, with every task tied
    with the last of them when that makes at most ``most``; else the ``top`` and the count of
    the rest of the tie (the sentence says "another N also D days overdue"). A tie is never cut
    silently."""
    late = sorted((r for r in listed if r["status"] == "overdue"), key=lambda r: -r["days_overdue"])
    if len(late) <= top:
        return late, 0
    edge = late[top - 1]["days_overdue"]
    upto = sum(r["days_overdue"] >= edge for r in late)
    if upto <= most:
        return late[:upto], 0
    return late[:top], upto - top


def _overdue(results, t, lang, names) -> tuple[str, str] | None:
    tasks = section(results, "tasks")[0]
    if not tasks or not tasks["overdue"]:
        return None
    listed = tasks.get("supervision", [])
    late, tied = _longest_overdue(listed)
    due_now = [r for r in listed if r["status"] == "due_this_month"]
    items = [t["overdue_item"].format(title=r["title"], lead=names.get(r["lead_unit"], r["lead_unit"]),
                                      key=t["key_item"] if r.get("key_task") else "",
                                      days=number(r["days_overdue"]), progress=f"{r['progress']:.0f}%")
             for r in late]
    problem = t["overdue_problem"].format(n=count(tasks["overdue"], t["task_word"], lang))
    if items:
        problem += t["overdue_worst"].format(items=_join(items, t))
    if tied:
        problem += t["overdue_tied"].format(n=count(tied, t["task_word"], lang), days=number(late[-1]["days_overdue"]))
    if due_now:
        problem += t["due_now"].format(n=count(len(due_now), t["task_word"], lang))
    problem += t["stop"]
    leads = [r["lead_unit"] for r in listed if r["status"] in ("overdue", "due_this_month")]
    advice = t["overdue_advice" if leads else "overdue_advice_all"].format(units=_units(leads, names, t))
    return problem, advice


def _capped(s: Mapping[str, Any]) -> bool:
    """Whether a unit's grade is the cap of its one-vote veto (the veto's text ends with the
    highest grade it allows, e.g. "…；等次最高为一般"), so that its grade says nothing of its score."""
    veto = (s.get("veto") or "").rstrip("。. ")
    return bool(veto) and veto.endswith(s["grade"])


def _veto_words(veto: str, lang: str) -> str:
    """The veto's text inside a sentence: its own semicolons become commas, so that it never
    breaks the list it stands in."""
    return veto.rstrip("。. ").replace("；", "，") if lang == "zh" else veto.rstrip(". ").replace("; ", ", ")


#: The model's veto text (:func:`reformlib.model.kpi`): the rule by name, the event, the cap (its
#: Chinese words written as escapes, as patterns are, so that no scan reads them as a sentence).
_VETO = {"zh": re.compile(r"^\u4e00\u7968\u5426\u51b3\uff08(?P<rule>[^\uff09]*)\uff09\uff1a(?P<event>.+)\uff1b"
                          r"(?P<cap>\u7b49\u6b21\u6700\u9ad8\u4e3a[^\uff0c\uff1b]+)$"),
         "en": re.compile(r"^veto \((?P<rule>[^)]*)\): (?P<event>.+); (?P<cap>grade at most [^;,]+)$")}
_CAP = re.compile(r"\s*[\uff1b;,\uff0c]\s*(?:\u7b49\u6b21\u6700\u9ad8\u4e3a|grade at most )[^\uff1b;,\uff0c]+$")
_EVENT_DAY = re.compile(r"^(?P<day>\d{4}-\d{2}-\d{2}): (?P<what>.+)$")


def _vetoed_item(s: Mapping[str, Any], t: Mapping[str, str], lang: str) -> str:
    """A grade set by its veto's cap, said once: the score, the event, the rule and the grade it
    sets, which is the highest the rule allows ("因2017年9月14日发生…，按重大责任事故一票否决的规定，
    等次定为一般（该规定允许的最高等次）"); a veto text of another form is quoted whole."""
    veto = (s.get("veto") or "").rstrip("。. ")
    match = _VETO[lang].match(veto)
    if match is None:  # another form: the veto quoted without its cap, which the grade then says
        return t["veto_item"].format(unit=s["name"], score=score(s["score"]), grade=s["grade"],
                                     veto=_veto_words(_CAP.sub("", veto), lang))
    event = match["event"]
    day = _EVENT_DAY.match(event) if lang == "en" else None
    if day:
        event = f"{day['what']} on {_date(day['day'], lang)}"
    return t["veto_capped"].format(unit=s["name"], score=score(s["score"]), grade=s["grade"], rule=match["rule"],
                                   event=_veto_words(event, lang))


def _low_grades(results, t, lang, names) -> tuple[str, str, int | str] | None:
    """Units graded 一般 or 较差 by their score, and apart from them the units whose grade is
    the cap of a one-vote veto (their grade is set by the veto, not by a low score); the third
    item is the key of the headings (:func:`_heads`) when only capped grades are found."""
    low = set(t["low_grades"].split("|"))
    own = results["unit"] not in (None, CITY_CODE)  # a unit's memo speaks of the unit
    units = [s for s in ranked(results) if s["grade"] in low and (not own or s["unit"] == results["unit"])]
    if not units:
        return None
    by_score = [s for s in units if not _capped(s)]
    capped = [s for s in units if _capped(s)]
    where = assessment(results, t)
    vetoed = [_vetoed_item(s, t, lang) for s in capped]
    if by_score:
        items = [t["grade_item"].format(unit=s["name"], score=score(s["score"]), grade=s["grade"])
                 + (t["veto"].format(veto=_veto_words(s["veto"], lang)) if s.get("veto") else "") for s in by_score]
        problem = t["grade_problem"].format(n=count(len(by_score), t["unit_word"], lang), items=_join(items, t),
                                            assessment=where)
        if vetoed:
            problem = problem[:-1] + t["stop"] + t["veto_problem_more"].format(items=_join(vetoed, t))
        low_units = _units([s["unit"] for s in by_score], names, t)
        advice = (t["grade_veto_advice"].format(low=low_units, veto=_units([s["unit"] for s in capped], names, t))
                  if capped else t["grade_advice"].format(units=low_units))
        return problem, advice, 2
    return (t["veto_problem"].format(assessment=where, items=_join(vetoed, t)),
            t["veto_advice"].format(units=_units([s["unit"] for s in capped], names, t)), "veto")


def _old_problems(results, t, lang, names) -> tuple[str, str] | None:
    """Problems open over 90 days, when none is past its rectification deadline (else
    :func:`_past_due` reports them among those past it, each problem once)."""
    insp = section(results, "inspections")[0]
    if not insp or not insp["open_over_90_days"] or insp.get("past_due"):
        return None
    by_unit = sorted(insp.get("over_90_by_unit", []), key=lambda r: -r["open_over_90_days"])
    problem = t["old_problem"].format(n=count(insp["open_over_90_days"], t["problem_word"], lang))
    if by_unit:
        problem += t["old_by_unit"].format(items=_join(
            [f"{names.get(r['unit'], r['name'])}{count(r['open_over_90_days'], t['problem_word'], lang)}"
             if lang == "zh" else f"{names.get(r['unit'], r['name'])} {r['open_over_90_days']}"
             for r in by_unit], t))
        return problem + t["stop"], t["old_advice"].format(units=_units([r["unit"] for r in by_unit], names, t))
    return problem + t["stop"], t["old_advice_all"]


def _past_due(results, t, lang, names) -> tuple[str, str] | None:
    insp = section(results, "inspections")[0]
    if not insp or not insp.get("past_due"):
        return None
    month_end = results["month"] + "-" + str(calendar.monthrange(*map(int, results["month"].split("-")))[1])
    problem = t["past_due_problem"].format(date=_date(month_end, lang), n=count(insp["past_due"], t["problem_word"], lang))
    by_unit = insp.get("past_due_by_unit") or []
    if len(by_unit) > 1:  # one unit's problems are not split by unit
        problem += t["past_due_by_unit"].format(items=t["list_sep"].join(
            [f"{names.get(r['unit'], r['name'])}{count(r['past_due'], t['problem_word'], lang)}"
             if lang == "zh" else f"{names.get(r['unit'], r['name'])} {r['past_due']}" for r in by_unit]))
    items = insp.get("past_due_items") or []
    if items:
        r = items[0]
        problem += t["past_due_longest" if len(items) > 1 else "past_due_one"].format(unit=names.get(r["unit"], r["name"]), inspection=r["inspection"],
                                                due=_date(r["due_on"], lang), days=number(r["days_past_due"]))
    problem += _past_due_and_old(insp, month_end, t, lang, names)
    units = [r["unit"] for r in by_unit] or list(dict.fromkeys(r["unit"] for r in items))
    if not units:
        return problem + t["stop"], t["old_advice_all"]
    return problem + t["stop"], t["past_due_advice"].format(units=_units(units, names, t))


def _past_due_and_old(insp: Mapping[str, Any], month_end: str, t, lang, names) -> str:
    """Of the problems past their deadline (``past_due_items``), those found more than 90 days
    before the month's end (the rule of ``open_over_90_days``), by unit; and the problems open
    over 90 days still within their deadline, counted apart: each problem is reported once."""
    if not insp["open_over_90_days"]:
        return ""
    end = datetime.fromisoformat(month_end)
    items = insp.get("past_due_items") or []
    old = [r for r in items if (end - datetime.fromisoformat(r["found_on"])).days > 90]
    word = t["problem_word"]
    out = ""
    if old and len(items) == 1:
        out += t["past_due_old_one"]
    elif old and len({r["unit"] for r in items}) == 1:
        out += t["past_due_old_all"].format(n=count(len(old), word, lang))
    elif old:
        by_unit = dict.fromkeys(r["unit"] for r in old)
        listed = [f"{names.get(u, u)}{count(sum(r['unit'] == u for r in old), word, lang)}" if lang == "zh"
                  else f"{names.get(u, u)} {sum(r['unit'] == u for r in old)}" for u in by_unit]
        out += t["past_due_old"].format(n=count(len(old), word, lang), items=t["list_sep"].join(listed))
    if items and insp["open_over_90_days"] > len(old):
        out += t["past_due_old_others"].format(n=count(insp["open_over_90_days"] - len(old), word, lang))
    return out


#: The rules of 二、存在问题 in order, with the keys of their problem and advice headings.
_RULES = ((_gaps, 0), (_overdue, 1), (_low_grades, 2), (_past_due, "past_due"), (_old_problems, 3))


def _heads(t: Mapping[str, str], key: int | str) -> tuple[str, str]:
    if isinstance(key, str):
        return t[f"{key}_head"], t[f"{key}_advice_head"]
    return t["problem_heads"].split("|")[key], t["advice_heads"].split("|")[key]


def _numbered(i: int, lang: str) -> str:
    return f"（{'一二三四五六七八九十'[i]}）" if lang == "zh" else f"({i + 1}) "


# ------------------------------------------------------------------------- 附件
def _attachments(results, t, lang, names) -> list[tuple[str, list[str], list[list[str]]]]:
    out = []
    scores = ranked(results)
    if scores:  # a unit's memo over a long league: its peer group in excerpt, said in the title
        rows, size = shown(section(results, "evaluation")[0], results.get("unit") if _own_unit(results) else None,
                           order=scores)
        gap = [PEERS_TEXT[lang]["gap"], "", "", ""]
        note = excerpt_note(rows, size, lang=lang)
        out.append((t["att_scores"].format(assessment_title=assessment(results, t, title=True))
                    + (f"（{note.rstrip('。')}）" if note and lang == "zh" else f" ({note.rstrip('.')})" if note else ""),
                    t["att_scores_cols"].split("|"),
                    [gap if s is None else [s["name"], score(s["score"]), s["grade"], s.get("veto") or ""] for s in rows]))
    own = _own_score(results)
    if own and own.get("make_up"):  # a unit's memo: how its score is made up, each lost point with its reason
        out.append((MAKE_UP[lang]["att"].format(unit=own["name"], assessment_title=assessment(results, t, title=True)),
                    MAKE_UP[lang]["cols"].split("|"), make_up_rows(own["make_up"], lang=lang)))
    elif own and own.get("lost_points"):  # results without a make-up: where its points were lost, and why
        out.append((t["att_lost"].format(unit=own["name"], assessment=assessment(results, t),
                                         assessment_title=assessment(results, t, title=True)),
                    t["att_lost_cols"].split("|"),
                    [[p["item"], score(p["lost"]), p["reason"]] for p in own["lost_points"]]))
    tasks = section(results, "tasks")[0] or {}
    if tasks.get("supervision"):
        out.append((t["att_supervision"], t["att_supervision_cols"].split("|"), [
            [r["title"] + (t["key_mark"] if r.get("key_task") else ""), names.get(r["lead_unit"], r["lead_unit"]),
             t.get("level_" + r["leader_level"], ""),
             date_text(r["deadline"], lang), f"{r['progress']:.0f}%", t["status_" + r["status"]],
             number(r["days_overdue"]) if r["days_overdue"] else ""] for r in tasks["supervision"]]))
    elif tasks.get("at_risk"):  # as the page shows it: the band and its observed miss rate, or progress against schedule
        risky = sorted(tasks["at_risk"], key=lambda r: -r["probability"])
        cols = t["att_risk_cols"].split("|")
        bands = shows_bands(risky)
        if not bands:
            w = WARNING_TEXT[lang]
            cols = [*cols[:2], w["progress_col"], w["expected_col"], w["gap_col"], cols[-1]]
        out.append((t["att_risk"], cols, [
            [r["title"], names.get(r["lead_unit"], r["lead_unit"]),
             *(observed_band(r, lang) if bands else schedule_cells(r, lang)), r["reason"]] for r in risky]))
    headline = _headline_rows(results, lang)
    if headline:
        out.append(headline)
    late = (section(results, "inspections")[0] or {}).get("past_due_items") or []
    if late:
        out.append((t["att_past_due"], past_due_columns([r["inspection"] for r in late], lang), [
            [names.get(r["unit"], r["name"]), r["inspection"], date_text(r["found_on"], lang), date_text(r["due_on"], lang),
             number(r["days_past_due"])]
            for r in late]))
    off = section(results, "indicators_off_target")[0] or []
    if off:
        out.append((t["att_off"], t["att_off_cols"].split("|"), [
            [names_of(results, lang).get(o["unit"], o["unit"]), o["name"], quantity(o["value"], o.get("measure_unit"), lang),
             quantity(o["target"], o.get("measure_unit"), lang),
             difference(o["gap"], o.get("measure_unit"), lang, signed=True)]
            for o in off]))
    return out


def _headline_rows(results: Mapping[str, Any], lang: str) -> tuple[str, list[str], list[list[str]]] | None:
    """The headline figures beside their own comparisons, each column labelled: this month's
    value and target and whether it is met, last month, the same month last year and, in a
    unit's memo, the city; numbers as :func:`~reformlib.report.numbers.quantity` writes them."""
    rows = [h for h in results.get("headline", []) if "previous_month" in h or "target" in h]
    if not rows:
        return None
    words, own = HEADLINE_TEXT[lang], _own_unit(results)

    def q(h: Mapping[str, Any], key: str) -> str:
        return headline_cell(h, key, lang, official=True)

    cols = words["att_headline_cols"].split("|") + ([words["city_value"]] if own else [])
    body = [[h["name"], q(h, "value"), q(h, "target"),
             MISSING if h.get("meets_target") is None else words["met" if h["meets_target"] else "missed"],
             q(h, "previous_month"), q(h, "year_earlier"), *([q(h, "city_value")] if own else [])] for h in rows]
    return _headline_title(results, lang), cols, body


def memo_content(results: Mapping[str, Any], *, lang: str = "zh", issued: date | None = None) -> MemoContent:
    """The memo's title, addressee, sections and attachments from a results dict; dated
    ``issued`` (:func:`memo_date`), else the day its results were made."""
    data = validate_results(results, fast=True)
    t = MEMO[_check_lang(lang)]
    # who is to act: the city's own problems and tasks are those of its city-level departments (市本级),
    # never the city's, which would report to its own leading group
    names = {**names_of(data, lang), CITY_CODE: t["city_level"]}
    scope = names.get(data["unit"], data["unit"]) if data["unit"] not in (None, CITY_CODE) else ""
    found = [(_heads(t, p[2] if len(p) > 2 else k), p) for rule, k in _RULES
             if (p := rule(data, t, lang, names)) is not None]
    problems = [(_numbered(i, lang) + h[0], p[0]) for i, (h, p) in enumerate(found)]
    advice = [(_numbered(i, lang) + h[1], t["advice_ref"].format(ref=_numbered(i, lang).strip()) + p[1])
              for i, (h, p) in enumerate(found)]
    if not found:
        problems, advice = [("", t["no_problem"])], [("", t["no_advice"])]
    return MemoContent(
        title=t["title" if not scope else "title_unit"].format(month=month_words(data["month"], lang), unit=scope),
        addressee=t["addressee"], issuer=t["author"], date=_date(issued or data["generated_at"], lang),
        notice=t["synthetic"] if data["synthetic"] else "", overview=key_findings(data, lang=lang),
        problems=problems, advice=advice, attachments=_attachments(data, t, lang, names),
        headings=tuple(t["sections"].split("|")), attachment_words=(t["att_note"], t["att_label"]))


def write_memo(results: Mapping[str, Any], path: Path | str, *, lang: str = "zh",
               base_dir: Path | str | None = None, issued: date | None = None) -> Path:
    """Write the memo of ``results`` to ``path`` (.docx, GB/T 9704-2012 layout) atomically,
    dated ``issued`` (:func:`memo_date`), else the day its results were made.

    ``base_dir`` is accepted for callers that pass the brief's folder; the memo carries
    its figures as attachment tables, not pictures.
    """
    content = memo_content(results, lang=_check_lang(lang), issued=issued)  # the results validated there
    return write_docx(content, Path(path), lang=lang, generated_at=str(results["generated_at"]))
