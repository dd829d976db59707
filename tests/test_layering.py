"""Dependencies flow one way: the core imports no store, driver or command-line library."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = [
    "clientcrm",
    "clientcrm.models",
    "clientcrm.rules.figures",
    "clientcrm.rules.query",
    "clientcrm.ports",
    "clientcrm.service",
    "clientcrm.serialization",
    "clientcrm.matching",
    "clientcrm.io",
    "clientcrm.analytics",
]
FORBIDDEN = ["sqlalchemy", "alembic", "click", "rich", "pytest", "hypothesis", "clientcrm.stores"]


@pytest.mark.parametrize("module", CORE)
def test_core_imports_nothing_outside_the_core(module: str) -> None:
    """Importing a core module in a fresh interpreter loads no store, driver or CLI module."""
    probe = (
        f"import sys, {module}; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} "
        f"or m.startswith('clientcrm.stores')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


LAYERS = {
    "models": ("clientcrm.rules", "clientcrm.ports", "clientcrm.service", "clientcrm.stores"),
    "rules": ("clientcrm.ports", "clientcrm.service", "clientcrm.stores"),
    "matching": ("clientcrm.ports", "clientcrm.service", "clientcrm.stores", "clientcrm.testing"),
    "service": ("clientcrm.stores", "clientcrm.cli", "clientcrm.testing", "clientcrm.io"),
    "io": ("clientcrm.stores", "clientcrm.cli", "clientcrm.testing"),
    "analytics": ("clientcrm.stores", "clientcrm.cli", "clientcrm.testing", "clientcrm.io"),
    "messaging": ("clientcrm.stores", "clientcrm.cli", "clientcrm.testing", "clientcrm.service"),
    "payments": ("clientcrm.stores", "clientcrm.cli", "clientcrm.testing", "clientcrm.service"),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_lower_layers_never_import_higher_ones(layer: str) -> None:
    """Models import no rules; rules no ports or service; the service no store or CLI."""
    src = Path(__file__).parents[1] / "src" / "clientcrm"
    for path in (src / layer).glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not {m for m in imported if m.startswith(LAYERS[layer])}, path
