"""Schema patterns in RE2, DuckDB's regular expressions, for both engines: linear in a cell's length,
so no pattern backtracks for ever."""

from __future__ import annotations

import duckdb


def pattern_problem(pattern: str) -> str | None:
    """Why a schema pattern cannot be used; None if it can. Patterns run in RE2 (DuckDB's regular
    expressions) in both engines: linear in the cell's length, so no pattern backtracks for ever."""
    try:
        duckdb.connect().execute("SELECT regexp_full_match('', ?)", [pattern])
    except duckdb.Error as error:
        return str(error).removeprefix("Invalid Input Error: ")
    return None


def not_matching(pattern: str, cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The (line, cell) pairs whose cell does not match ``pattern`` whole, in RE2."""
    if not cells:
        return []
    lines, values = zip(*cells)
    return (
        duckdb.connect()
        .execute(
            "SELECT line, cell FROM (SELECT unnest(?) AS line, unnest(?) AS cell) "
            "WHERE NOT regexp_full_match(cell, ?) ORDER BY line",
            [list(lines), list(values), pattern],
        )
        .fetchall()
    )
