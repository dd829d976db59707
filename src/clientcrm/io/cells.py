"""Cells written for spreadsheets: text that a spreadsheet would run as a formula is
neutralised (OWASP's CSV injection advice)."""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "plain_cell", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What a formula may start with: the ASCII triggers, the control characters some
spreadsheets strip first, and their full-width forms, which some spreadsheets normalise."""

_MAY_NEED_QUOTE = frozenset((" ", *FORMULA_STARTS))
"""The first characters of the text `safe_cell` may change (exports write millions of cells)."""


def safe_cell(value: str) -> str:
    """``value``, prefixed with a single quote when a spreadsheet would read it (once its
    leading spaces are gone) as a formula: it then shows as the text it is."""
    if value[:1] not in _MAY_NEED_QUOTE:  # most text: one set lookup
        return value
    if value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_cell(value: str) -> str:
    """What `safe_cell` was given: the quote it added taken off again (so that an export
    imports back as it was)."""
    if value.startswith("'") and value[1:].lstrip(" ").startswith(FORMULA_STARTS):
        return value[1:]
    return value
