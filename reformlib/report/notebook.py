"""What the analysis notebooks write around their tables and figures (publication step): the
words of one language, checked, and the notice that the data are synthetic.

The words themselves live in :mod:`reformlib.i18n` (one dictionary per topic, keyed by
language); every display table and figure of :mod:`.evaluation_tables`,
:mod:`.evaluation_plots`, :mod:`.ledger_tables`, :mod:`.trend_tables` and :mod:`.plots`
reads them through :func:`words`.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from reformlib.i18n import LANGS, NOTEBOOK_TEXT

__all__ = ["is_synthetic", "synthetic_notice", "words"]


def words(table: Mapping[str, Mapping[str, str]], lang: str) -> Mapping[str, str]:
    """The ``lang`` half of an :mod:`reformlib.i18n` dictionary; a ValueError names a bad ``lang``.

    >>> from reformlib.i18n import EVALUATION_TEXT
    >>> words(EVALUATION_TEXT, "en")["score"]
    'Score'
    """
    if lang not in LANGS or lang not in table:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return table[lang]


def is_synthetic(*frames: pd.DataFrame) -> bool:
    """Whether every row of every frame given is flagged ``synthetic`` (the demonstration data).

    >>> is_synthetic(rl.load_tasks(), rl.load_observations())  # doctest: +SKIP
    True
    """
    if not frames:
        raise ValueError("give at least one frame with a 'synthetic' column")
    for frame in frames:
        if not isinstance(frame, pd.DataFrame) or "synthetic" not in frame.columns:
            raise ValueError("every frame must be a DataFrame with a 'synthetic' column")
    return all(bool(frame["synthetic"].all()) for frame in frames)


def synthetic_notice(*, lang: str = "zh", synthetic: bool = True) -> str:
    """The notice that a page runs on synthetic demonstration data, as a Markdown quote, or
    ``""`` when ``synthetic`` is false.

    >>> synthetic_notice(lang="en")
    '> **Note: this page runs on SYNTHETIC demonstration data; no figure here is real.**'
    """
    return f"> **{words(NOTEBOOK_TEXT, lang)['synthetic']}**" if synthetic else ""
