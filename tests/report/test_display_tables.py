"""Words and display tables of the task-ledger and trend notebooks (reformlib.report.notebook,
ledger_tables, trend_tables), on small frames checked by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from reformlib.i18n import EVALUATION_TEXT
from reformlib.report import ledger_tables as lt
from reformlib.report import trend_tables as tt
from reformlib.report.notebook import is_synthetic, synthetic_notice, words


# --------------------------------------------------------------------------- words
def test_words_checks_the_language():
    assert words(EVALUATION_TEXT, "zh")["score"] == "得分"
    with pytest.raises(ValueError, match="lang must be one of"):
        words(EVALUATION_TEXT, "fr")


def test_synthetic_notice_and_flag():
    assert synthetic_notice(lang="zh").startswith("> **注意") and "合成演示数据" in synthetic_notice()
    assert "SYNTHETIC" in synthetic_notice(lang="en")
    assert synthetic_notice(lang="en", synthetic=False) == ""
    flagged = pd.DataFrame({"synthetic": [True, True]})
    assert is_synthetic(flagged) and not is_synthetic(flagged, pd.DataFrame({"synthetic": [True, False]}))
    with pytest.raises(ValueError, match="synthetic"):
        is_synthetic(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="at least one"):
        is_synthetic()


# --------------------------------------------------------------------------- the task ledger
RATES = pd.DataFrame({"category": ["C1", "C2"], "name": ["经济体制", "放管服"], "tasks": [30, 25], "due": [20, 10],
                      "completed": [27, 20], "on_time": [18, 9], "completion_rate": [90.0, 80.0],
                      "on_time_rate": [90.0, 90.0]})


def test_rates_table_uses_names_and_translated_headers():
    table = lt.rates_table(RATES, lang="zh")
    assert table.index.name == "名称" and list(table.index) == ["经济体制", "放管服"]
    assert list(table.columns) == ["任务数", "已到期", "已完成", "按期完成", "完成率（%）", "按期完成率（%）"]
    assert table.loc["放管服", "完成率（%）"] == 80.0


def test_rates_table_names_codes_when_there_is_no_name_column():
    rates = RATES.drop(columns="name").rename(columns={"category": "leader_level"}).assign(leader_level=["mayor", "x"])
    table = lt.rates_table(rates, lang="en", names={"mayor": "the mayor"})
    assert table.index.name == "Leader level" and list(table.index) == ["the mayor", "x"]
    with pytest.raises(ValueError, match="completion_rate"):
        lt.rates_table(RATES.drop(columns="completion_rate"))
    with pytest.raises(TypeError, match="DataFrame"):
        lt.rates_table(RATES.to_dict())


def test_document_sentence_in_both_languages():
    summary = pd.DataFrame({"group": ["all"], "documents": [121], "issued": [110], "on_time": [100], "early": [74],
                            "overdue": [3], "reviewed_by_group": [40], "issued_rate": [90.9], "on_time_rate": [82.6],
                            "early_rate": [61.157]})
    zh = lt.document_sentence(summary, "2017-09", lang="zh")
    assert zh.startswith("截至2017年9月，121个改革文件中已出台110个") and "提前半年以上出台74个（61.2%）" in zh
    en = lt.document_sentence(summary, "2017-09", lang="en")
    assert "By the end of September 2017, 110 of 121" in en and "(61.2 %)" in en
    with pytest.raises(ValueError, match="one overall row"):
        lt.document_sentence(pd.concat([summary, summary]), "2017-09")


def test_inspection_table_translates_levels_and_headers():
    summary = pd.DataFrame({"inspection_level": ["local", "upper"], "found": [50, 39], "rectified": [45, 35],
                            "open": [5, 4], "open_>90": [1, 2]})
    table = lt.inspection_table(summary, lang="zh")
    assert list(table.columns) == ["发现问题", "已整改", "未整改", "未整改90天以上"]
    assert table.index.name == "督察层级" and list(table.index) == ["本级督察", "上级督察"]
    assert table.loc["上级督察", "未整改"] == 4


def test_validation_table_translates_methods_and_horizons():
    metrics = pd.DataFrame({"method": ["model", "baseline"], "horizon": ["all", "1"], "auc": [0.81234, 0.7],
                            "brier": [0.1, 0.12], "n": [500, 500], "missed": [40, 40]})
    table = lt.validation_table(metrics, lang="en")
    assert list(table["Method"]) == ["Model", "Baseline"] and list(table["Months ahead"]) == ["all", "1"]
    assert table.loc[0, "ROC AUC"] == 0.812


def test_at_risk_table_names_lead_units():
    flagged = pd.DataFrame({"task_id": ["T1"], "title": ["不动产登记"], "title_zh": ["不动产登记"], "title_en": ["Registry"],
                            "lead_unit": ["xtgx"], "probability": [0.6234], "reason": ["连续两个月滞后"], "method": ["model"]})
    table = lt.at_risk_table(flagged, lang="zh", names={"xtgx": "湘潭高新区"})
    assert list(table.columns) == ["任务编号", "任务", "牵头单位", "逾期概率", "主要原因"]
    assert table.iloc[0].tolist() == ["T1", "不动产登记", "湘潭高新区", 0.62, "连续两个月滞后"]


# --------------------------------------------------------------------------- trends and pilots
class _Trend:
    def __init__(self, slopes: pd.DataFrame):
        self.slopes = slopes


def test_slope_table_is_yearly_by_unit_and_indicator():
    trends = {"gov_debt_ratio": _Trend(pd.DataFrame({"unit": ["a", "b"], "estimate": [0.5, -0.25]})),
              "land_transfer_rate": _Trend(pd.DataFrame({"unit": ["a", "b"], "estimate": [1.0, 0.0]}))}
    table = tt.slope_table(trends, lang="en", unit_names={"a": "Unit A"}, indicator_names={"gov_debt_ratio": "debt"})
    assert list(table.columns) == ["debt", "land_transfer_rate"] and list(table.index) == ["Unit A", "b"]
    assert table.loc["Unit A", "debt"] == 6.0 and table.loc["b", "debt"] == -3.0
    assert table.columns.name == "Linear trend (change per year)"
    with pytest.raises(ValueError, match="non-empty"):
        tt.slope_table({})
    with pytest.raises(TypeError, match="slopes"):
        tt.slope_table({"x": object()})


def test_its_table_translates_terms():
    effects = pd.DataFrame({"term": ["level_change", "slope_change"], "estimate": [1.23456, -0.5], "p_value": [0.01, 0.2],
                            "unit": ["430321", "430321"], "cov_type": ["HAC", "HAC"]})
    table = tt.its_table(effects, lang="zh")
    assert list(table.index) == ["水平变化", "斜率变化"] and table.index.name == "项"
    assert list(table.columns) == ["估计值", "p值（未校正）"]  # the unit and the covariance type are left out
    assert table.loc["水平变化", "估计值"] == 1.235


EFFECTS = pd.DataFrame({
    "pilot_id": ["P1", "P2", "P3", "P4"], "unit": ["430321", "430381", "xtjk", "430300"],
    "level": ["provincial", "national", "local", "national"], "indicator": ["debt", "land", "debt", "debt"],
    "start": pd.PeriodIndex(["2017-03"] * 4, freq="M"), "estimate": [1.0, 2.0, 3.0, None],
    "std_error": [0.1, 0.5, 2.0, None], "p_value": [0.001, 0.04, 0.2, None],
    "p_holm": [0.003, 0.08, 0.2, None], "p_bh": [0.003, 0.06, 0.2, None], "ci_low": [0.8, 1.0, -1.0, None],
    "ci_high": [1.2, 3.0, 7.0, None], "n_comparison_units": [2, 1, 2, 0],
    "status": ["ok", "ok", "ok", "no_comparison_units"]})


def test_effects_sentence_counts_estimated_and_significant():
    assert tt.effects_sentence(EFFECTS, lang="zh") == (
        "可估计3个试点×指标组合。对这3项检验作多重检验校正后，在5%水平上，Holm法（控制族错误率）下显著的有1个，"
        "Benjamini-Hochberg法（控制错误发现率）下显著的有1个（未经校正的p值小于5%的有2个）；"
        "其余1个因缺少可比单位或前后期数据而无法估计。")
    assert tt.effects_sentence(EFFECTS, lang="en", alpha=0.1).startswith(
        "3 pilot x indicator pairs could be estimated. Adjusted for the 3 tests, 2 of them are significant at 10 % by "
        "Holm's method (family-wise error rate) and 2 by Benjamini-Hochberg's (false discovery rate); 2 have an "
        "unadjusted p-value below 10 %.")
    one = tt.effects_sentence(EFFECTS, lang="en")  # at 5 %: one pair significant, one below 5 % unadjusted
    assert "1 of them is significant at 5 %" in one and "2 have an unadjusted p-value" in one
    single = tt.effects_sentence(EFFECTS.iloc[[0, 3]], lang="en")
    assert single.startswith("1 pilot x indicator pair could be estimated. Adjusted for the 1 test, 1 of them is ")
    assert "1 has an unadjusted p-value below 5 %" in single
    with pytest.raises(ValueError, match="p_holm"):
        tt.effects_sentence(EFFECTS.drop(columns="p_holm"))
    with pytest.raises(ValueError, match="alpha"):
        tt.effects_sentence(EFFECTS, alpha=1.5)


def test_effects_table_keeps_estimated_rows_smallest_p_first():
    table = tt.effects_table(EFFECTS, lang="en", unit_names={"430321": "Xiangtan County"}, top=2)
    assert list(table["Pilot"]) == ["P1", "P2"]
    assert table.loc[0, "Unit"] == "Xiangtan County" and table.loc[0, "Level"] == "provincial"
    assert "Comparison units" in table.columns
    assert list(table["p-value (Holm)"]) == [0.003, 0.08] and "p-value (Benjamini-Hochberg)" in table.columns
    with pytest.raises(ValueError, match="top"):
        tt.effects_table(EFFECTS, top=0)


# --------------------------------------------------------------------------- the brief's tables
def _brief_head(frame, lang="zh"):
    from reformlib.report.tables import display_table

    return list(display_table(frame, lang=lang).data.columns)


def test_brief_table_headers_say_what_each_column_holds(results):
    from reformlib.i18n import MEMO
    from reformlib.report.tables import display_table, results_tables

    for lang in ("zh", "en"):
        tables = results_tables(results, lang=lang)
        by_category, off = _brief_head(tables["by_category"], lang), _brief_head(tables["off_target"], lang)
        assert by_category[0] == ("类别" if lang == "zh" else "Category") and by_category[0] != off[1]
        assert off[1] == ("指标" if lang == "zh" else "Indicator")
        # value and target under the memo's words for them (one pair of words)
        assert off[2:4] == MEMO[lang]["att_off_cols"].split("|")[2:4]
        # the rate's cells carry "%", so its header does not
        rate = display_table(tables["by_category"], lang=lang).data.iloc[:, -1]
        assert rate.iloc[0] == "90.0%" and "%" not in by_category[-1]
        pilots = _brief_head(tables["pilots"], lang)
        assert "示范" not in pilots and "自主改革" not in pilots
        assert all(("试点" in h or "事项" in h) if lang == "zh" else ("pilots" in h.lower() or "initiatives" in h)
                   for h in pilots)


def test_workbook_scores_have_the_pages_rank_columns(results):
    from reformlib.i18n import PEERS_TEXT
    from reformlib.report.tables import HEADERS, results_tables

    for s, (rank, lo, hi) in zip(results["evaluation"]["scores"], ((1, 1, 2), (2, 1, 2), (3, 3, 3), (1, 1, 1))):
        s.update(peer_rank=rank, peer_size=3, peer_rank_p05=lo, peer_rank_p95=hi,
                 peer_rank_text=f"第{rank}/3名（县市区）")
    frame = results_tables(results, lang="zh")["scores"]
    assert [HEADERS["zh"].get(c, c) for c in frame.columns] == [*PEERS_TEXT["zh"]["cols"].split("|")[:6], "一票否决"]
    tyjk = frame.iloc[3]
    # the page's interval is of the rank among peers, not the rank among all parts (4 / 5 before)
    assert (tyjk["peer_rank_text"], tyjk["peer_rank_interval"], tyjk["overall_rank"]) == ("第1/3名（县市区）", "1", 4)
    assert list(frame["peer_rank_interval"]) == ["1–2", "1–2", "3", "1"]
    assert not {"rank_p05", "rank_p95"} & set(frame.columns)


def test_chinese_dates_in_the_changes_table_read_as_prose_writes_them(results):
    from reformlib.report.tables import changes_frames

    results["changes"] = {"available": True, "completed": [
        {"title": "某任务", "lead_name": "雨湖区", "progress_before": 90, "deadline": "2017-11-30", "was_overdue": True}],
        "newly_overdue": [], "ranks": [], "crossed": [], "rectified": [
        {"inspection": "市委中期督察", "category": "园区", "unit_name": "湘潭县", "found_on": "2017-08-14",
         "rectified_on": "2017-12-03", "days_open": 111, "late": True, "due_on": "2017-09-13"}]}
    frame, _ = changes_frames(results, lang="zh")
    text = " ".join(frame["note"]) + " ".join(frame["now"])
    assert "2017年11月30日" in text and "2017年8月14日" in text and "2017年12月3日" in text
    assert not any(ch in text for ch in "\u2011") and "2017-" not in text


def test_english_page_says_inspection_names_are_the_datas_chinese_ones():
    from reformlib.briefs.content import past_due_frame
    from reformlib.i18n import DATA_NAMES, MEMO

    item = {"name": "Yuhu District", "inspection": "市委中期督察", "found_on": "2017-07-24", "due_on": "2017-09-22",
            "days_past_due": 100}
    en = past_due_frame({"past_due_items": [item]}, lang="en")
    assert en.columns[1] == DATA_NAMES["en"]["inspection_col"] and "Chinese" in en.columns[1]
    named = past_due_frame({"past_due_items": [{**item, "inspection": "mid-term inspection"}]}, lang="en")
    assert named.columns[1] == MEMO["en"]["att_past_due_cols"].split("|")[1]
    assert list(past_due_frame({"past_due_items": [item]}, lang="zh").columns) == MEMO["zh"]["att_past_due_cols"].split("|")
    from reformlib.report.workbook import past_due_sheet

    sheet = past_due_sheet({"inspections": {"past_due_items": [{**item, "problem_id": "P049", "unit": "430302"}]}},
                           lang="en")
    assert sheet.columns[1] == DATA_NAMES["en"]["inspection_col"]
