"""Every notebook is a thin template: one parameters cell, no outputs, no def or class,
the project kernel, and logic left to reformlib."""
from __future__ import annotations

import re

import nbformat
import pytest

from reformlib.data.paths import NOTEBOOKS

NOTEBOOK_FILES = sorted(p for p in NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks():
    assert any(p.name == "brief.ipynb" for p in NOTEBOOK_FILES)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_is_a_clean_template(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert code.index(tagged[0]) == 0, "the parameters cell comes before any other code"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "outputs must be stripped"
    for c in code:
        assert not re.search(r"^\s*(def|class)\s", c.source, re.M), f"define functions in reformlib, not in:\n{c.source}"
    assert nb.metadata["kernelspec"]["name"] == "reformlib"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_parameters_are_plain_literals(path):
    import papermill

    params = papermill.inspect_notebook(str(path))
    assert params, "declares parameters"
    for name, info in params.items():
        assert info["inferred_type_name"] in ("str", "int", "float", "bool"), (name, info)
