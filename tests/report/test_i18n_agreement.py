"""English sentences agree with any count: an English count is written without a noun
(``task_word`` is empty), so a sentence may not put a plural verb right after it ("1 are past
their rectification deadline", "1 are due this month"); the count stands where any number reads
right ("Open problems past their rectification deadline: 1.")."""
from __future__ import annotations

import re

import pytest

from reformlib.i18n import LEDGER_TEXT, MEMO
from reformlib.report.memo import memo_content

#: A placeholder standing as a word of its own (not a suffix such as "tasks{led}"), then a verb.
VERB_AFTER_COUNT = re.compile(r"(?:^|[\s(,;:])\{[a-z_]+(?::[^}]*)?\} (?:more )?(?:are|were|have|is|was|has)\b")


@pytest.mark.parametrize("table", [MEMO, LEDGER_TEXT], ids=["MEMO", "LEDGER_TEXT"])
def test_no_english_verb_follows_a_bare_count(table):
    bad = {k: v for k, v in table["en"].items() if VERB_AFTER_COUNT.search(v)}
    assert bad == {}


def test_the_english_memo_with_counts_of_one_reads_right(results):
    """Counts of one everywhere they occur (this folder's conftest results, changed)."""
    results.update(lang="en")
    results["tasks"].update(total=3, completed=1, on_schedule=1, behind=1, overdue=0, completion_rate=33.3)
    results["inspections"].update(found=3, rectified=1, open=2, open_over_90_days=1)
    c = memo_content(results, lang="en")
    text = " ".join([*c.overview, *(h + " " + t for h, t in c.problems + c.advice)])
    assert "1 on schedule" in text
    assert not re.search(r"\b1 (?:more )?(?:are|were|have)\b", text), text
