"""How each unit's score is made up, on the demonstration data: the model's parts give its
own scores, and the parts every output prints (two decimals) add up exactly to the score
printed beside the grade, for every unit of the monthly assessment of 2017-06 and the
year-end assessment of 2017-12."""
from __future__ import annotations

import pytest

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.report.makeup import make_up_frame, make_up_rows, make_up_sentence, make_up_sums
from reformlib.report.numbers import score

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sections(demo):
    data = rl.load_data(None)
    return {m: brief.evaluation_section(data, m, uncertainty=False) for m in ("2017-06", "2017-12")}


def _cents(text: str) -> int:
    return round(float(text.replace(",", "")) * 100)


@pytest.mark.parametrize("month", ["2017-06", "2017-12"])
def test_the_printed_parts_add_up_to_the_printed_score_for_every_unit(sections, month):
    scores = sections[month]["scores"]
    assert len(scores) == 8
    for s in scores:
        record = s["make_up"]
        assert make_up_sums(record) == [], s["name"]
        rows = make_up_rows(record, lang="zh")
        lines = {r[0]: _cents(r[1]) for r in rows}
        items = [_cents(r[1]) for r in rows if r[0].startswith(("失分：", "超额得分：", "不适用项目"))]
        bonus = [_cents(r[1]) for r in rows if r[0].startswith(("加分：", "加分合计封顶"))]
        assert lines["基础分（适用考核项目满分）"] + sum(items) == lines["基础得分"], s["name"]
        assert sum(bonus) == lines["加分合计"], s["name"]
        last = rows[-1]
        assert last[1] == score(s["score"]), s["name"]  # the score beside the grade, two decimals
        if month == "2017-06":  # monthly: no qualitative part
            assert record["share"] is None and last[0] == "评估得分"
            assert lines["基础得分"] + lines["加分合计"] == _cents(last[1])
        else:
            assert record["share"] == 0.2 and last[0] == "综合得分"
            assert lines["基础得分"] + lines["加分合计"] == lines["定量得分"]
            assert lines["定量得分×80%"] + lines["定性评价得分×20%"] == _cents(last[1])
        lost = sum(round(p["lost"] * 100) for p in s["lost_points"])
        assert lost == -sum(round(t["points"] * 100) for t in record["terms"] if t["part"] == "item" and t["points"] < 0)


def test_the_model_parts_are_the_model_arithmetic(demo):
    from reformlib.model.evaluate import evaluate
    from reformlib.model.makeup import score_make_up
    from reformlib.model.spec import load_spec

    data = rl.load_data(None)
    result = evaluate(load_spec(indicators=data["indicators"]), data, period="2017", audit=False)
    terms, totals = score_make_up(result, lang="zh")
    c = result.combined
    assert totals["score"].to_numpy() == pytest.approx(c["score"].to_numpy(), abs=1e-9)
    assert totals["score"].to_numpy() == pytest.approx((0.8 * c["quantitative"] + 0.2 * c["qualitative"]).to_numpy())
    yuhu = terms[terms["unit"] == "430302"]
    assert -yuhu.loc[yuhu["part"] == "item", "points"].sum() == pytest.approx(20.467484, abs=1e-6)
    assert yuhu.loc[yuhu["part"] == "bonus", "points"].sum() == pytest.approx(7.0)
    assert set(terms["part"]) <= {"item", "rescale", "bonus", "bonus_cap"} and not terms["name"].str.contains("_").any()
    # a score the ledger cannot give is refused, never shown
    import dataclasses

    import reformlib.errors as errors
    wrong = dataclasses.replace(result, combined=c.assign(score=c["score"] + 0.5))
    with pytest.raises(errors.SpecError, match="make-up of the score"):
        score_make_up(wrong, lang="zh")


def test_a_monthly_score_with_items_that_do_not_apply_says_so_and_adds_up(sections):
    yuhu = next(s for s in sections["2017-06"]["scores"] if s["unit"] == "430302")
    rows = make_up_rows(yuhu["make_up"], lang="zh")
    rescale = next(r for r in rows if r[0].startswith("不适用项目按比例折算"))
    assert "不适用项目：改革任务完成" in rescale[2]
    said = make_up_sentence(yuhu["make_up"], name="雨湖区", assessment=sections["2017-06"]["assessment_label"])
    assert said == ("雨湖区2017年6月月度评估得分78.47分：适用考核项目满分85.00分，失分20.00分，得65.00分，"
                    "按比例折算至100分后基础得分76.47分；加分2.00分；合计78.47分（月度评估不含定性评价）。")


def test_page_frame_of_the_make_up(sections):
    frame = make_up_frame(sections["2017-12"], "430302", lang="zh")
    assert list(frame.columns) == ["项目", "分值", "说明"] and frame.iloc[-1].tolist()[:2] == ["综合得分", "86.21"]
    en = make_up_frame(sections["2017-12"], "430302", lang="en")
    assert list(en.columns) == ["Item", "Points", "Why"]
    assert make_up_frame(sections["2017-12"], "430300", lang="zh").empty  # the city is not among the ranked parts


def test_each_weighted_part_is_its_shown_factors_product_or_says_how_it_was_rounded(sections):
    """岳塘区's year-end make-up showed "77.47 | 96.83分×80%", and 96.83×80% = 77.464 → 77.46: a
    weighted part either is the product of the factors beside it, rounded, or its line gives
    that product and says the part comes from the unrounded scores (and the sentence says so)."""
    from decimal import Decimal

    stated = 0
    for s in sections["2017-12"]["scores"]:
        record = s["make_up"]
        rows = {r[0]: r for r in make_up_rows(record, lang="zh")}
        for line, value, weight in (("定量得分×80%", record["quantitative"], 0.8),
                                    ("定性评价得分×20%", record["qualitative"], 0.2)):
            _, part, note = rows[line]
            product = Decimal(score(value)) * Decimal(round(100 * weight)) / 100
            factors = f"{score(value)}分×{round(100 * weight)}%"
            if product.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP") == Decimal(part):
                assert note == factors, (s["name"], note)
            else:
                stated += 1
                assert note.startswith(f"{factors}＝{product.normalize():f}分；本行按未四舍五入的得分计算"), (s["name"], note)
                assert "未四舍五入" in make_up_sentence(record, name=s["name"], assessment="", lang="zh")
    assert stated >= 1  # 岳塘区: 96.83分×80%＝77.464分, shown 77.47


def test_without_the_qualitative_part_is_said_only_of_a_monthly_score(sections):
    """The memo's gloss 不含定性评价 stands beside monthly scores only: the source document has the
    city assess "定性与定量相结合" with "阶段性动态考核" during the year; the model's monthly score
    is the quantitative score alone (the qualitative ratings are a year-end round, ``ratings.csv``
    has no month, and ``spec.yml`` gives the qualitative share of the year-end score), and the
    year-end score includes it and says so."""
    for s in sections["2017-06"]["scores"]:
        assert s["make_up"]["share"] is None and s["make_up"]["qualitative"] is None
        assert "月度评估不含定性评价" in make_up_sentence(s["make_up"], name=s["name"], assessment="", lang="zh")
    assert "含定性评价" in sections["2017-12"]["assessment_label"]
    for s in sections["2017-12"]["scores"]:
        assert s["make_up"]["share"] == 0.2
        assert "不含定性评价" not in make_up_sentence(s["make_up"], name=s["name"], assessment="", lang="zh")
