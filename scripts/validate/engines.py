"""Which engine checks each resource, chosen once, and the checks it then runs: rows, then the project rules.

A large file (``columnar_threshold_bytes``) whose schema the columnar engine supports is checked in
DuckDB (columnar.py) unless it declines the file; every other readable file is read whole and checked
by frictionless (structure.py) and the Python half of each rule (rules.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from scripts.datapackages import reference_target
from scripts.settings import value
from scripts.validate import columnar, messages, rules
from scripts.validate.problems import Problem
from scripts.validate.structure import LoadedPackage, check_cells, frictionless_rows
from scripts.validate.table import TableError, read_table


def choose(package: LoadedPackage, engine: columnar.ColumnarPackage) -> tuple[list[str], list[str], list[Problem]]:
    """The resources the columnar engine checks, those the Python engine checks, and the problems of
    reading whole a large file the columnar engine declined."""
    in_columns, problems = [], []
    for name in sorted(package.large):
        try:
            package.tables[name].counted = engine.prepare(name)
            in_columns.append(name)
        except columnar.Declined:
            problems.extend(_read_whole(package, name))
        except columnar.OutOfMemory:
            package.broken.add(name)
            limit = int(value("columnar_memory_mb", package.settings))
            problems.append(
                Problem(str(package.tables[name].path), None, None, messages.out_of_memory(limit), "memory")
            )
    engine.drop_unused(_read_by(package, in_columns))
    in_python = [n for n in package.tables if n not in package.broken and n not in in_columns]
    return in_columns, in_python, problems


def _read_by(package: LoadedPackage, in_columns: list[str]) -> set[str]:
    """The tables the columnar engine's checks read: its resources' and those their foreign keys name."""
    targets = {reference_target(fk, n) for n in in_columns for fk in package.schema(n).get("foreignKeys", [])}
    return {*in_columns, *(targets - package.broken)}


def _read_whole(package: LoadedPackage, name: str) -> Iterator[Problem]:
    try:
        package.tables[name] = read_table(package.tables[name].path)
    except TableError as error:
        package.broken.add(name)
        yield Problem(str(package.tables[name].path), error.line, error.field, error.message, error.code)
        return
    yield from check_cells(package.tables[name], package.schema(name), package.settings)


def check_package(package: LoadedPackage, settings: dict) -> Iterator[Problem]:
    """Every row and rule problem of a loaded package, each resource in its engine."""
    engine = package.engine
    if engine is None or engine.settings != settings:  # its rows are marked for the cell rules these settings set
        if engine is not None:
            engine.close()
        engine = columnar.ColumnarPackage(package, settings)
    try:
        in_columns, in_python, problems = choose(package, engine)
        yield from problems
        for name in in_columns:
            yield from columnar.check_rows(engine, name)
        yield from frictionless_rows(package, in_python)
        for name in in_python:
            yield from rules.check_table(package.tables[name], package.schema(name), settings)
        for name in in_columns:
            yield from columnar.check_rules(engine, name, settings)
    finally:  # the tables go with the check, not with the package, which the next package's check outlives
        engine.close()
        package.engine = None
