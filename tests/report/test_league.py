"""A unit's brief over a long league prints its peer group in excerpt: the first and last five,
the five either side of the unit, a "…" where rows are left out, and a sentence that says so;
a short league (the demonstration's) and the city's brief print every row."""
from __future__ import annotations

import pytest

from reformlib.briefs import peers
from reformlib.report.league import AROUND, ENDS, LIMIT, excerpt, excerpt_note


def _scores(n_county: int, n_park: int) -> list[dict]:
    """Score records best first over two peer groups, as the results file holds them."""
    out = []
    groups = [("county_district", f"c{i:04d}") for i in range(n_county)] + [("park", f"p{i:04d}") for i in range(n_park)]
    for rank, (group, code) in enumerate(groups, start=1):
        out.append({"unit": code, "name": f"合成县{code}", "score": round(100 - rank * 0.01, 2), "grade": "良好",
                    "rank": rank, "peer_group": group})
    for group in ("county_district", "park"):
        members = [s for s in out if s["peer_group"] == group]
        for i, s in enumerate(members, start=1):
            s["peer_rank"], s["peer_rank_text"] = i, f"第{i}/{len(members)}名"
    return out


def test_a_short_league_and_the_city_brief_print_every_row():
    short = _scores(7, 2)
    assert excerpt(short, "c0003") == (short, 9)
    long = _scores(2000, 850)
    assert excerpt(long, None) == (long, 2850) and excerpt_note(long, 2850, lang="zh") == ""


def test_a_unit_in_a_long_league_sees_its_peer_group_in_excerpt():
    scores = _scores(2000, 850)
    rows, size = excerpt(scores, "c1000")
    assert size == 2000 and all(r is None or r["peer_group"] == "county_district" for r in rows)
    ranks = [r["peer_rank"] for r in rows if r is not None]
    assert ranks == [*range(1, ENDS + 1), *range(1001 - AROUND, 1001 + AROUND + 1), *range(2001 - ENDS, 2001)]
    assert rows.count(None) == 2 and rows[ENDS] is None
    assert len(rows) < LIMIT
    # at the top of its group: the runs merge, one gap only
    rows, _ = excerpt(scores, "c0002")
    assert [r["peer_rank"] if r else None for r in rows] == [*range(1, 3 + AROUND + 1), None, *range(2001 - ENDS, 2001)]
    frame = peers.scores_frame({"scores": scores}, lang="zh", unit="c1000")
    assert list(frame.iloc[ENDS]) == ["…", "", "", "", "", "", ""] and "合成县c1000" in set(frame.iloc[:, 0])
    note = peers.scores_excerpt_note({"scores": scores}, lang="zh", unit="c1000")
    assert note.startswith("本单位所在同类单位共2,000个") and "完整排名见表格文件" in note
    assert "holds 2,000 units" in peers.scores_excerpt_note({"scores": scores}, lang="en", unit="c1000")


@pytest.mark.parametrize("unit, listed", [("c1000", 2 * ENDS + 2 * AROUND + 1 + 2), ("", 2850)])
def test_the_unit_memo_prints_the_same_excerpt_and_says_so(unit, listed):
    from reformlib.i18n import MEMO
    from reformlib.report.memo import _attachments  # the attachment list the memo is laid out from

    results = {"month": "2017-12", "lang": "zh", "unit": unit or None, "synthetic": True,
               "evaluation": {"available": True, "scores": _scores(2000, 850)}}
    title, _, rows = _attachments(results, MEMO["zh"], "zh", {})[0]
    assert len(rows) == listed
    assert ("同类单位共2,000个" in title) == bool(unit)
