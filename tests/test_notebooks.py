"""Every notebook is a thin template: one parameters cell, no outputs, the project kernel, and
logic, words and drawing left to reformlib (no def or class, no pyplot or seaborn calls, no
zh/en dictionaries, no branching on the language). Every notebook is executed by papermill
in one of the tests named in EXECUTED_BY."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from reformlib.data.paths import NOTEBOOKS, ROOT

NOTEBOOK_FILES = sorted(p for p in NOTEBOOKS.glob("*.ipynb"))
#: Each notebook -> the test module that runs it under papermill on the demonstration data.
EXECUTED_BY = {
    "brief.ipynb": "tests/test_brief.py",
    "evaluation.ipynb": "tests/test_evaluation_notebook.py",
    "explore.ipynb": "tests/test_explore_notebook.py",
    "tasks.ipynb": "tests/test_ledger_notebooks.py",
    "trends.ipynb": "tests/test_ledger_notebooks.py",
    "units.ipynb": "tests/test_ingest_to_brief.py",
}
#: Text a thin notebook's code never contains, and why.
FORBIDDEN = {
    r"^\s*def\s": "a function definition (put it in reformlib)",
    r"^\s*class\s": "a class definition (put it in reformlib)",
    r"\bimport\s+matplotlib\.pyplot\b|\bfrom\s+matplotlib\s+import\s+pyplot\b": "pyplot imported (draw in reformlib.report)",
    r"\bplt\.": "a pyplot call (draw in reformlib.report)",
    r"\bsns\.": "a seaborn call (draw in reformlib.report)",
}


def _python(source: str) -> str:
    """A code cell as plain Python: IPython magics and shell lines commented out."""
    return "\n".join("#" + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _language_problems(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(_python(source))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"zh", "en"} <= keys:
                problems.append(f"line {node.lineno}: a dict with 'zh' and 'en' keys (words go in reformlib.i18n)")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Name) and s.id == "lang" for s in sides) and \
                    any(isinstance(s, ast.Constant) and s.value in ("zh", "en") for s in sides):
                problems.append(f"line {node.lineno}: branches on the language (words go in reformlib.i18n)")
    return problems


def thin_problems(notebook: dict) -> list[str]:
    """Why a notebook (its JSON as a dict) is not thin: one line per problem, empty when it is."""
    problems = []
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for pattern, why in FORBIDDEN.items():
            for match in re.finditer(pattern, source, re.M):
                line = source[: match.start()].count("\n") + 1
                problems.append(f"cell {i}, line {line}: {why}")
        problems += [f"cell {i}, {p}" for p in _language_problems(source)]
    return problems


def test_there_are_notebooks():
    assert any(p.name == "brief.ipynb" for p in NOTEBOOK_FILES)
    assert any(p.name == "explore.ipynb" for p in NOTEBOOK_FILES)


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
def test_notebook_is_thin(path: Path):
    problems = thin_problems(json.loads(path.read_text(encoding="utf-8")))
    assert problems == [], f"{path.name} is not thin:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, expected", [
    ("def helper(x):\n    return x", "a function definition"),
    ("class Table:\n    pass", "a class definition"),
    ("import matplotlib.pyplot as plt", "pyplot imported"),
    ("from matplotlib import pyplot", "pyplot imported"),
    ("fig, ax = plt.subplots(figsize=(8, 4))", "a pyplot call"),
    ("sns.barplot(data=long, y='unit', x='n', ax=ax)", "a seaborn call"),
    ('T = {"zh": {"rank": "排名"}, "en": {"rank": "Rank"}}[lang]', "'zh' and 'en' keys"),
    ('zh = lang == "zh"', "branches on the language"),
    ('%config InlineBackend.figure_formats = ["png"]\nx = {"en": 1, "zh": 2}', "'zh' and 'en' keys"),
], ids=["def", "class", "import-pyplot", "from-pyplot", "plt", "sns", "zh-en-dict", "lang-branch", "after-magic"])
def test_the_thin_check_catches_each_pattern(source: str, expected: str):
    notebook = {"cells": [{"cell_type": "markdown", "source": ["def and class in prose are fine"]},
                          {"cell_type": "code", "source": [source]}]}
    problems = thin_problems(notebook)
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_thin_check_passes_library_calls():
    source = ('import reformlib as rl\nfig = rl.progress_figure(by_category, lang=lang)\n'
              'ax = rl.plot_event_study(es, lang=lang, labels={"title": names[code]})')
    assert thin_problems({"cells": [{"cell_type": "code", "source": [source]}]}) == []


def test_every_notebook_is_executed_by_a_test():
    assert sorted(EXECUTED_BY) == [p.name for p in NOTEBOOK_FILES], "name the test that runs each notebook"
    for name, test in EXECUTED_BY.items():
        text = (ROOT / test).read_text(encoding="utf-8")
        assert "papermill" in text or "run_brief" in text, test
        assert name.removesuffix(".ipynb") in text, (name, test)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_parameters_are_plain_literals(path):
    import papermill

    params = papermill.inspect_notebook(str(path))
    assert params, "declares parameters"
    for name, info in params.items():
        assert info["inferred_type_name"] in ("str", "int", "float", "bool"), (name, info)
