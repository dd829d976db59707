"""The example notebook runs top to bottom in a real kernel, so it never rots."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).parents[1]


def test_the_insights_notebook_runs_and_shows_its_plots(tmp_path: Path) -> None:
    notebook = nbformat.read(ROOT / "examples" / "insights.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute(cwd=str(tmp_path))
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 5  # one per plot
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 4  # the DataFrames
    text = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "Overview(clients=" in text
