"""The task-ledger and trend notebooks, executed by papermill on the demonstration data: no error,
no deprecated name, no missing glyph, and nothing written beside the executed copy."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reformlib.data.paths import ROOT

NOTEBOOKS = ROOT / "notebooks"


def _outputs(nb: dict) -> str:
    text = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                text.append("ERROR " + out.get("ename", ""))
            stderr = "".join(out.get("text", "")) if out.get("name") == "stderr" else ""
            if "DeprecationWarning" in stderr or "missing from font" in stderr:  # an old name, or boxes for glyphs
                text.append("WARNING " + stderr)
            text.append("".join(out.get("text", "")))
            for kind in ("text/markdown", "text/plain", "text/html"):
                text.append("".join(out.get("data", {}).get(kind, "")))
    return "\n".join(text)


@pytest.mark.parametrize("name", ["tasks", "trends"])
def test_template_shape(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    assert nb["metadata"]["kernelspec"]["name"] == "reformlib"
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "def " not in code and "class " not in code
    assert "plt." not in code and "sns." not in code  # figures come from reformlib.report
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.slow
@pytest.mark.parametrize("name, expected", [
    ("tasks", ["截至2017年9月底", "ROC AUC", "提前半年以上出台", "逾期概率"]),
    ("trends", ["可估计", "水平变化", "image/png"]),
])
def test_notebook_runs(name: str, expected: list[str], tmp_path: Path, demo):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), kernel_name="reformlib",
                               parameters=dict(month="2017-09", lang="zh"), cwd=str(tmp_path), progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    text = _outputs(nb) + json.dumps([o.get("data", {}).keys() and list(o["data"]) for c in nb["cells"] for o in c.get("outputs", [])])
    assert "ERROR" not in text
    assert "WARNING" not in text, text[text.find("WARNING"):][:500]
    assert nb["metadata"]["papermill"]["exception"] is not True
    for snippet in expected:
        assert snippet in text, snippet
    images = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    assert images >= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.ipynb"]
