"""A unit's brief over a long league prints its peer group in excerpt: the first and last five,
the five either side of the unit, a "…" where rows are left out, and a sentence that says so;
a short league (the demonstration's) and the city's brief print every row."""
from __future__ import annotations

import pandas as pd
import pytest

from reformlib.briefs import peers
from reformlib.report import league
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
    assert note.startswith("本单位所在同类单位共2,000个") and "完整排名见本月简报文件夹中的排名表league.csv" in note
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


def test_a_unit_s_results_carry_its_excerpt_and_read_as_the_whole_league():
    """What a unit's results keep of a long league (league.cut) prints as the whole section
    does, and states the same league size, ends and ranks; a short league is kept whole."""
    import json

    from reformlib.i18n import MEMO
    from reformlib.report.memo import _attachments
    from reformlib.report.results import validate_results

    scores = _scores(2000, 850)
    whole = {"available": True, "scores": scores}
    short = {"available": True, "scores": _scores(7, 2)}
    assert league.cut(short, "c0003") is short and league.league_size(short) == 9
    for unit in ("c1000", "c0002", "p0849", "c1999"):
        cut = league.cut(whole, unit)
        assert len(cut["scores"]) <= 2 * ENDS + 2 * AROUND + 1 and unit in cut["excerpt"]["units"]
        assert league.shown(cut, unit) == excerpt(scores, unit) == league.shown(whole, unit)
        assert league.league_size(cut) == league.league_size(whole) == 2850
        assert [e["unit"] for e in league.league_ends(cut)] == ["c0000", "p0849"]
        for lang in ("zh", "en"):
            pd.testing.assert_frame_equal(peers.scores_frame(cut, lang=lang, unit=unit),
                                          peers.scores_frame(whole, lang=lang, unit=unit))
            assert peers.scores_excerpt_note(cut, lang=lang, unit=unit) == \
                peers.scores_excerpt_note(whole, lang=lang, unit=unit)
            results = {"month": "2017-12", "lang": lang, "unit": unit, "synthetic": True}
            assert _attachments({**results, "evaluation": cut}, MEMO[lang], lang, {}) == \
                _attachments({**results, "evaluation": whole}, MEMO[lang], lang, {})
        assert len(json.dumps(cut, ensure_ascii=False)) < len(json.dumps(whole, ensure_ascii=False)) / 50
    cut = league.cut(whole, "c1000")
    assert league.cut(cut, "c1000") is cut  # cut once only
    base = {"month": "2017-12", "lang": "zh", "unit": "c1000", "synthetic": True,
            "generated_at": "2026-01-01T00:00:00+00:00", "headline": []}
    assert validate_results({**base, "evaluation": cut})["evaluation"]["league_size"] == 2850
    for bad, says in ((dict(cut, league_size=20), "exceeds league_size"),
                      (dict(cut, scores=cut["scores"][1:]), "exactly the units of scores"),
                      ({k: v for k, v in cut.items() if k != "league_ends"}, "go together")):
        with pytest.raises(Exception, match=says):
            validate_results({**base, "evaluation": bad})


def test_the_whole_league_is_written_once_in_rank_order(tmp_path):
    scores = _scores(40, 3)
    scores[1]["veto"] = "一票否决"
    path = league.write_league({"available": True, "scores": scores}, tmp_path, lang="zh")
    assert path.name == league.LEAGUE_FILE and path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"单位代码": str})
    assert list(frame["单位代码"]) == [s["unit"] for s in scores] and len(frame) == 43
    assert frame["说明"].iloc[1] == "一票否决" and frame["县市区和园区中排名"].is_monotonic_increasing
    with pytest.raises(ValueError, match="whole evaluation section"):
        league.write_league(league.cut({"scores": scores}, "c0020"), tmp_path, lang="zh")


def test_the_workbook_s_scores_sheet_of_an_excerpt_marks_its_gaps_and_says_where_the_whole_is():
    from reformlib.report.workbook import league_sheet

    cut = league.cut({"available": True, "scores": _scores(2000, 850)}, "c1000")
    frame = pd.DataFrame({"unit_name": [s["name"] for s in cut["scores"]], "score": [s["score"] for s in cut["scores"]]})
    sheet = league_sheet(frame, {"unit": "c1000", "evaluation": cut}, lang="zh")
    rows, _ = league.shown(cut, "c1000")
    assert list(sheet["unit_name"][:-1]) == ["…" if s is None else s["name"] for s in rows]
    assert sheet["unit_name"].iloc[-1] == peers.scores_excerpt_note(cut, lang="zh", unit="c1000")
    whole = {"unit": "c1000", "evaluation": {"available": True, "scores": _scores(7, 2)}}
    assert league_sheet(frame, whole, lang="zh") is frame  # a short league: the sheet as it is
