"""The evaluation notebook runs top to bottom under papermill on the demonstration data,
in English and Chinese, uses no deprecated name, draws every glyph, and writes nothing
outside its working folder."""
from __future__ import annotations

import nbformat
import pytest

from reformlib.data.paths import NOTEBOOKS, ROOT

pytestmark = pytest.mark.slow
NOTEBOOK = NOTEBOOKS / "evaluation.ipynb"


def _snapshot() -> dict:
    """Files the notebook could touch by mistake: the notebooks folder and the model's data."""
    folders = (NOTEBOOKS, ROOT / "data" / "model", ROOT / "data" / "demo_synthetic")
    return {p: p.stat().st_mtime_ns for folder in folders for p in folder.rglob("*")
            if p.is_file() and (p.suffix != ".ipynb" or p == NOTEBOOK)}


#: One run in Chinese that leaves every default but the phase: the quarter of June (six monthly
#: assessments rather than twelve and the year) with a data-driven weighting and the
#: percentile normalisation. The year-end phase and the English tables are checked on the
#: library's functions (tests/model/test_evaluate.py, tests/report/test_evaluation_display.py).
RUN = {"phase": "quarter", "period": "2017-06", "weighting": "critic", "normalisation": "percentile"}


def test_notebook_runs_under_papermill(tmp_path, demo):
    params = RUN
    import papermill

    before = _snapshot()
    out = tmp_path / "evaluation.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=params, kernel_name="reformlib",
                               cwd=str(tmp_path), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata["papermill"]["exception"] in (None, False)
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 5
    text = "\n".join(o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", []))
    stderr = "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr")
    assert "DeprecationWarning" not in stderr and "missing from font" not in stderr, stderr
    assert "综合得分" in text and "Score" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evaluation.ipynb"]
    assert _snapshot() == before
