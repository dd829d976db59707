"""The README's embedding example and every example file run, so they never rot."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_readme_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's Python block runs and prints what its comment says."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Embedding\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    code = block.group(1)
    assert len(code.strip().splitlines()) <= 12
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    assert capsys.readouterr().out.strip() == "18.00"


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name)
def test_example_runs(example: Path) -> None:
    """Each example runs to the end in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, str(example)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_quick_start_has_exactly_two_commands() -> None:
    """The README's Quick start is two commands: the demo and the test suite."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start")[1].split("\n## ")[0]
    commands = re.findall(r"```bash\n(.*?)\n```", section, re.S)
    assert len(commands) == 2
    assert commands[0].endswith("clientcrm demo")
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_docs_pages_are_linked_from_the_index() -> None:
    """Every page in docs/ is reachable from docs/index.md."""
    index = (ROOT / "docs" / "index.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in index, page.name
