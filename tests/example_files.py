"""Loading an example file (they live outside the package) as a module."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).parents[1] / "examples"


def load_example(relative: str, name: str) -> ModuleType:
    """Import ``examples/<relative>`` as the module ``name``."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / relative)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
