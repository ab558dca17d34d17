"""``import reformlib as rl``: every advertised name resolves, is documented, and costs nothing
until used; the 0.1 names still work with a DeprecationWarning."""
from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import reformlib as rl


def test_every_advertised_name_resolves_and_is_documented():
    undocumented = []
    for name in rl.__all__:
        obj = getattr(rl, name)
        if callable(obj) and not inspect.getdoc(obj):
            undocumented.append(name)
    assert undocumented == []
    assert set(rl.__all__) <= set(dir(rl))


def test_the_entry_points_show_a_call():
    """The names a researcher starts from carry an example call in their docstring."""
    starts = ["load_data", "load_spec", "evaluate", "task_status", "status_by_category", "score_table",
              "setup_plots", "progress_figure", "unit_code", "as_month"]
    missing = [n for n in starts if f"{n}(" not in (inspect.getdoc(getattr(rl, n)) or "").split("\n", 1)[-1]]
    assert missing == []


def test_importing_reformlib_loads_no_heavy_library():
    code = ("import sys, reformlib as rl; heavy = {'matplotlib', 'sklearn', 'statsmodels', 'docx', 'papermill'};"
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_names_are_refused():
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        rl.evaluat  # noqa: B018


@pytest.mark.parametrize("old, new", [("ledger", "reformlib.tasks.ledger"), ("io", "reformlib.data.io"),
                                      ("brief", "reformlib.briefs.content"), ("fonts", "reformlib.report.fonts")])
def test_01_module_names_still_resolve_with_a_warning(old, new):
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        module = getattr(rl, old)
    assert module.__name__ == new


def test_a_unit_code_is_the_same_as_int_or_text():
    assert rl.unit_code(430302) == rl.unit_code("430302") == rl.unit_code(" 430302 ") == "430302"
    with pytest.raises(ValueError, match="unit must be a unit code"):
        rl.unit_code(430302.5)


def test_changing_a_method_is_one_call():
    spec = rl.load_spec()
    assert spec.using(weighting="equal").weighting == "equal" and spec.weighting != "equal"
    with pytest.raises(ValueError, match="no setting"):
        spec.using(weighing="equal")


def test_a_month_is_full_matched():
    assert rl.as_month("2017-06") == rl.as_month(__import__("pandas").Period("2017-06", "M"))
    for bad in ("2017-06\n", " 2017-06", "2017-6", "２０１７-06", "June 2017"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            rl.as_month(bad)
