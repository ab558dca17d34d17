"""Display tables and sentences of trends and pilots (publication step): linear trends per unit
and indicator, the interrupted time series' effects, and the pilot effects with a sentence
counting them.

Each function takes what :mod:`reformlib.stats` returns (``trend``,
``interrupted_time_series(...).effects``, ``pilot_effects``) and gives it names and headers in
``lang``; it computes nothing new but the yearly slope (12 x the monthly one). The words are
in :mod:`reformlib.i18n` (``TRENDS_TEXT``, ``TRENDS_HEADERS``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from reformlib.i18n import TRENDS_HEADERS, TRENDS_TEXT
from reformlib.report.frames import lookup, require_columns
from reformlib.report.notebook import words

__all__ = ["effects_sentence", "effects_table", "its_table", "slope_table"]

Names = Mapping[str, str] | pd.Series | None
#: The columns of a tidy statistics row that a reader is shown.
_TIDY = ("estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high", "n")




def slope_table(trends: Mapping[str, Any], *, lang: str = "zh", unit_names: Names = None,
                indicator_names: Names = None) -> pd.DataFrame:
    """The linear trend per year (12 x the monthly slope) of each indicator (columns) in each
    unit (rows), from a mapping indicator code -> :func:`reformlib.stats.trend` result.

    >>> trends = {c: rl.trend(observations, indicator=c) for c in ["gov_debt_ratio"]}  # doctest: +SKIP
    >>> slope_table(trends, lang="en", unit_names=names)  # doctest: +SKIP
    """
    if not isinstance(trends, Mapping) or not trends:
        raise ValueError("trends must be a non-empty mapping of indicator code -> trend result")
    head = words(TRENDS_HEADERS, lang)
    parts = [require_columns(getattr(r, "slopes", None), ("unit", "estimate"), name=f"trends[{code!r}].slopes")
             .assign(indicator=code) for code, r in trends.items()]
    slopes = pd.concat(parts, ignore_index=True)
    slopes = slopes.assign(unit=slopes["unit"].map(lookup(unit_names)),
                           indicator=slopes["indicator"].map(lookup(indicator_names)), yearly=12 * slopes["estimate"])
    table = slopes.pivot(index="unit", columns="indicator", values="yearly")
    order = [lookup(indicator_names)(c) for c in trends]
    return table[order].rename_axis(index=head["unit"], columns=words(TRENDS_TEXT, lang)["yearly"]).round(2)


def its_table(effects: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Level and slope change of an interrupted time series (``ITSResult.effects``): estimate,
    standard error, statistic, p-value, interval and n, with terms and headers in ``lang``, the
    term as the index.

    >>> its_table(rl.interrupted_time_series(obs, indicator=code, unit=unit, reform_date=start).effects)  # doctest: +SKIP
    """
    require_columns(effects, ("term", "estimate"), name="effects")
    head = words(TRENDS_HEADERS, lang)
    shown = [c for c in ("term", *_TIDY) if c in effects.columns]
    table = effects[shown].assign(term=effects["term"].map(lambda v: head.get(v, v))).set_index("term")
    return table.rename(columns=head).rename_axis(head["term"]).round(3)


def effects_sentence(effects: pd.DataFrame, *, lang: str = "zh", alpha: float = 0.05) -> str:
    """How many pilot x indicator pairs of :func:`reformlib.stats.pilot_effects` could be
    estimated, how many are significant at ``alpha`` once adjusted for testing them all
    (``p_holm``: Holm, family-wise error rate; ``p_bh``: Benjamini-Hochberg, false discovery
    rate), how many have an unadjusted p-value below ``alpha`` (said to be unadjusted), and
    how many could not be estimated.

    >>> effects_sentence(rl.pilot_effects(observations, pilots, units), lang="en")  # doctest: +SKIP
    """
    require_columns(effects, ("status", "p_value", "p_holm", "p_bh"), name="effects")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    ok = effects.loc[effects["status"] == "ok"]
    holm, raw = int((ok["p_holm"] < alpha).sum()), int((ok["p_value"] < alpha).sum())
    return words(TRENDS_TEXT, lang)["effects"].format(  # the English verbs and nouns agree with their counts
        ok=len(ok), holm=holm, bh=int((ok["p_bh"] < alpha).sum()), raw=raw, level=100 * alpha,
        other=len(effects) - len(ok), pairs="pair" if len(ok) == 1 else "pairs", tests="test" if len(ok) == 1 else "tests",
        holm_is="is" if holm == 1 else "are", raw_has="has" if raw == 1 else "have")


def effects_table(effects: pd.DataFrame, *, lang: str = "zh", unit_names: Names = None, indicator_names: Names = None,
                  top: int = 15) -> pd.DataFrame:
    """The ``top`` estimated pilot effects with the smallest p-values, with names and headers
    in ``lang``; beside each unadjusted p-value its Holm and Benjamini-Hochberg adjusted ones
    (over every estimated pair, :func:`reformlib.stats.pilot_effects`), each column labelled.

    >>> effects_table(rl.pilot_effects(observations, pilots, units), lang="en", top=5)  # doctest: +SKIP
    """
    cols = ("pilot_id", "unit", "level", "indicator", "start", "estimate", "std_error", "p_value", "p_holm", "p_bh",
            "ci_low", "ci_high", "n_comparison_units")
    require_columns(effects, (*cols, "status"), name="effects")
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    head = words(TRENDS_HEADERS, lang)
    ok = effects.loc[effects["status"] == "ok"]
    table = ok.assign(unit=ok["unit"].map(lookup(unit_names)), indicator=ok["indicator"].map(lookup(indicator_names)),
                      level=ok["level"].map(lambda v: head.get(v, v)))
    table = table[list(cols)].sort_values("p_value").head(top).round(3)
    return table.rename(columns=head).reset_index(drop=True)
