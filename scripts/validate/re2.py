"""Schema patterns in RE2, DuckDB's regular expressions, for both engines: linear in a cell's length,
so no pattern backtracks for ever."""

from __future__ import annotations

import threading
from functools import cache

import duckdb

_LOCK = threading.Lock()  # a DuckDB connection serves one thread at a time


@cache
def _connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for every pattern of the process: making one takes about 12 ms, and a package's schemas
    may have a pattern on every field."""
    return duckdb.connect(config={"threads": 1})


def _run(sql: str, parameters: list) -> list[tuple]:
    with _LOCK:
        return _connection().execute(sql, parameters).fetchall()


def pattern_problem(pattern: str) -> str | None:
    """Why a schema pattern cannot be used; None if it can. Patterns run in RE2 (DuckDB's regular
    expressions) in both engines: linear in the cell's length, so no pattern backtracks for ever."""
    try:
        _run("SELECT regexp_full_match('', ?)", [pattern])
    except duckdb.Error as error:
        return str(error).removeprefix("Invalid Input Error: ")
    return None


def not_matching(pattern: str, cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The (line, cell) pairs whose cell does not match ``pattern`` whole, in RE2."""
    if not cells:
        return []
    lines, values = zip(*cells)
    return _run(
        "SELECT line, cell FROM (SELECT unnest(?) AS line, unnest(?) AS cell) "
        "WHERE NOT regexp_full_match(cell, ?) ORDER BY line",
        [list(lines), list(values), pattern],
    )
