"""The exploration notebook (the one ``make lab`` opens on) runs top to bottom under papermill
on the demonstration data, quickly, and shows what it promises: the synthetic-data notice,
the score table, ranks under two weightings, rank intervals, the task ledger, a statistic and
a hand-made figure with Chinese glyphs."""
from __future__ import annotations

import nbformat
import pytest

from reformlib.data.paths import NOTEBOOKS

pytestmark = pytest.mark.slow
NOTEBOOK = NOTEBOOKS / "explore.ipynb"


def _texts(nb) -> tuple[str, str]:
    """(everything shown, what went to stderr) of an executed notebook."""
    shown, stderr = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                shown.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
            if out.get("name") == "stderr":
                stderr.append(out.get("text", ""))
            else:
                shown.append(out.get("text", ""))
            for kind in ("text/plain", "text/html", "text/markdown"):
                shown.append(out.get("data", {}).get(kind, ""))
    return "\n".join(shown), "\n".join(stderr)


def test_explore_runs_and_shows_what_it_promises(tmp_path, demo):
    import papermill

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="reformlib", cwd=str(tmp_path),
                               progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata["papermill"]["exception"] in (None, False)
    assert all(c.metadata.get("papermill", {}).get("status") == "completed" for c in nb.cells if c.cell_type == "code")
    shown, stderr = _texts(nb)
    assert "ERROR" not in shown
    assert "Glyph" not in stderr and "missing from font" not in stderr, stderr
    assert "DeprecationWarning" not in stderr, stderr
    for expected in ("合成演示数据",  # the synthetic-data notice
                     "综合得分", "等次", "同类排名",  # the score table
                     "expert", "entropy_cn",  # ranks under the two weightings
                     "排名5%分位", "排名95%分位",  # rank intervals
                     "completion_rate",  # the ledger by category
                     "ci_low", "p_value"):  # the trend and the pilot effects
        assert expected in shown, expected
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 2  # the ledger figure and the hand-made one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["explore.ipynb"]
