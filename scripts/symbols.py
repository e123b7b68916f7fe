"""The GSS symbols a cell may hold instead of a value, and what each means: their one home.

The validator, the pages, the charts and the download snippets all read them from here.
"""

from __future__ import annotations

SYMBOLS = {
    "[c]": "confidential: suppressed so that no one can be identified",
    "[x]": "not available",
    "[z]": "not applicable",
}
# The same, in a word or two: for messages, chart labels and table keys.
SHORT = {"[c]": "suppressed", "[x]": "not available", "[z]": "not applicable"}
SUPPRESSED = "[c]"
# What a reader of our CSVs should treat as missing: the symbols and an empty cell.
MISSING_VALUES = ("", *SYMBOLS)


def is_missing(cell: str | None) -> bool:
    return cell is None or cell in MISSING_VALUES


def known(cell: str | None) -> str:
    """The cell, or '' for a GSS symbol or a blank."""
    return "" if cell is None or is_missing(cell.strip()) else cell.strip()


def meaning(cell: str) -> str:
    """What a symbol means, or "missing" for anything else that holds no value."""
    return SYMBOLS.get(cell, "missing")


def suppressed_range(threshold: int) -> str:
    """The counts a threshold suppresses, in words: "1 to 4" for 5."""
    return f"1 to {threshold - 1}" if threshold > 2 else "1"
