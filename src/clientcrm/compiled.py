"""Which build is running: the journey fold compiled with mypyc, or all pure Python.

A wheel built with the ``mypyc`` build hook (see ``docs/performance.md``) carries a compiled
extension of each module in `COMPILABLE` beside its source, and Python imports the
extension. A source or editable install runs every module as Python.
"""

from __future__ import annotations

from importlib import import_module
from importlib.machinery import EXTENSION_SUFFIXES

__all__ = ["COMPILABLE", "build", "compiled_modules"]

COMPILABLE = ("clientcrm.rules.journey", "clientcrm.rules.loyalty")
"""The modules the compiled build compiles: the journey fold, which runs for every event."""


def compiled_modules() -> tuple[str, ...]:
    """The modules of `COMPILABLE` this installation runs compiled (all or none)."""
    suffixes = tuple(EXTENSION_SUFFIXES)
    return tuple(
        name for name in COMPILABLE if (import_module(name).__file__ or "").endswith(suffixes)
    )


def build() -> str:
    """The build running, as ``clientcrm --version`` and the benchmarks name it:
    ``"journey fold compiled"`` or ``"pure Python"``."""
    return "journey fold compiled" if compiled_modules() else "pure Python"
