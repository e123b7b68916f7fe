"""SQL text for the columnar engine: identifiers and values quoted safely."""

from __future__ import annotations


def quote(name: str) -> str:
    """An identifier (a field name, whatever it holds) as DuckDB reads it."""
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    """A number as itself, anything else as a quoted string."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
