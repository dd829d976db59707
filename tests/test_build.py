"""The compiled build: the modules it compiles, and which build an installation runs.

CI installs the wheel the ``mypyc`` build hook makes and runs these tests, and the fold's,
with ``CLIENTCRM_REQUIRE_COMPILED=1``; from a source checkout they check the pure build.
"""

import os
import tomllib
from pathlib import Path

from click.testing import CliRunner

from clientcrm import __version__
from clientcrm.cli.app import cli
from clientcrm.compiled import COMPILABLE, compiled_modules

ROOT = Path(__file__).parents[1]
COMPILED = os.environ.get("CLIENTCRM_REQUIRE_COMPILED") == "1"


def test_the_build_hook_compiles_exactly_the_compilable_modules() -> None:
    """pyproject.toml's hook and `COMPILABLE` name the same modules, and the hook is opt-in
    (an editable install must run the sources it edits)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    hook = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    assert hook["include"] == [f"/src/{name.replace('.', '/')}.py" for name in COMPILABLE]
    assert hook["enable-by-default"] is False


def test_the_installation_runs_the_build_it_was_given() -> None:
    """Every compilable module runs compiled in the compiled build, and none otherwise."""
    expected = COMPILABLE if COMPILED else ()
    assert compiled_modules() == expected, "a wheel built in place leaves .so files in src/"


def test_version_names_the_build() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    named = "journey fold compiled" if COMPILED else "pure Python"
    assert result.output == f"clientcrm {__version__} ({named})\n"
