"""Structural checks: the descriptor, the files it names, and frictionless's row checks.

Frictionless checks types, constraints and keys; this module reads its errors back as
``Problem``s that name the file, the editor's line and the field.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scripts.datapackages import primary_key, reference_target
from scripts.settings import value
from scripts.validate import columnar, messages
from scripts.validate.jsonpos import duplicate_keys, line_of, locate
from scripts.validate.problems import Problem
from scripts.validate.re2 import not_matching
from scripts.validate.shapes import MULTILINE, Shapes, depth, raw_depth
from scripts.validate.table import Table, TableError, read_table

FIELD_TYPES = [
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
]
SOURCES = "sources"


@dataclass
class LoadedPackage:
    """A package whose descriptor is sound, with the tables that could be read."""

    folder: Path
    descriptor: dict
    descriptor_path: str
    tables: dict[str, Table] = field(default_factory=dict)  # resource name -> table
    broken: set[str] = field(default_factory=set)  # resources whose rows cannot be checked
    large: set[str] = field(default_factory=set)  # resources read only as far as the header, for the columnar engine
    settings: dict = field(default_factory=dict)
    engine: columnar.ColumnarPackage | None = None  # the columnar engine, already reading the large files

    def resource(self, resource_name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == resource_name)

    def schema(self, resource_name: str) -> dict:
        return self.resource(resource_name)["schema"]


def limit(settings: dict | None, name: str):
    """A size limit from the settings given, or its default."""
    return value(name, settings)


LIMITS = (
    "max_cell_chars",
    "max_description_chars",
    "max_descriptor_bytes",
    "max_json_depth",
    "columnar_memory_mb",  # the columnar engine's DuckDB memory_limit and threads
    "columnar_threads",
)


class Refused(Exception):
    """The descriptor cannot be read any further: the one problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def load_package(
    folder: Path, columnar_threshold: int | None = None, settings: dict | None = None
) -> tuple[LoadedPackage | None, list[Problem]]:
    """Check the descriptor and read every file it names: the package (None if the descriptor is
    unusable) and the problems found.

    Files of ``columnar_threshold`` bytes or more whose schema the columnar engine supports
    are read only as far as their header: the engine that checks their rows is chosen in engines.py.
    """
    given, settings = settings, {name: limit(settings, name) for name in LIMITS}
    path = str(folder / "datapackage.json")
    try:
        text = _descriptor_text(folder, path, settings)
        descriptor = _parse(text, path, settings)
    except Refused as refused:
        return None, [refused.problem]
    positions = locate(text)
    problems = list(_descriptor_problems(folder, descriptor, text, positions, settings))
    if problems:
        return None, problems
    package = LoadedPackage(folder, descriptor, path, settings=settings)
    package.engine = columnar.ColumnarPackage(package, given)
    # The files its paths name are known safe now: DuckDB reads the large ones while frictionless checks the
    # descriptor and each file's header and lines are read (engines.py waits for it).
    large = [r["name"] for r in descriptor["resources"] if _large(package, r, columnar_threshold)]
    package.engine.start(large)
    problems = list(_frictionless_descriptor_problems(descriptor, path))
    if problems:
        package.engine.close()
        return None, problems
    return package, list(_read_tables(package, positions, set(large)))


def _descriptor_text(folder: Path, path: str, settings: dict) -> str:
    for link in (folder, folder / "datapackage.json"):
        if link.is_symlink():
            raise Refused(Problem(str(link), None, None, messages.PACKAGE_SYMLINK, "symlink"))
    try:
        size = (folder / "datapackage.json").stat().st_size
        if size > settings["max_descriptor_bytes"]:
            raise Refused(
                Problem(
                    path, None, None, messages.descriptor_too_large(size, settings["max_descriptor_bytes"]), "too-large"
                )
            )
        return (folder / "datapackage.json").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise Refused(Problem(path, None, None, messages.NO_DESCRIPTOR, "missing-file")) from None
    except OSError as error:
        raise Refused(Problem(path, None, None, messages.unreadable(error.strerror), "file-error")) from None
    except UnicodeDecodeError:
        raise Refused(Problem(path, None, None, messages.DESCRIPTOR_NOT_UTF8, "encoding-error")) from None


def _parse(text: str, path: str, settings: dict) -> dict:
    deepest = settings["max_json_depth"]
    if raw_depth(text) > deepest:
        raise Refused(Problem(path, None, None, messages.too_deep(deepest), "too-deep"))
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        message = messages.bad_json(error.msg, error.colno)
        raise Refused(Problem(path, error.lineno, None, message, "descriptor-error", error.colno)) from None
    if depth(descriptor, deepest) > deepest:  # belt and braces
        raise Refused(Problem(path, None, None, messages.NESTS_TOO_DEEP, "too-deep"))
    return descriptor


def _descriptor_problems(folder: Path, descriptor, text: str, positions, settings: dict) -> Iterator[Problem]:
    path = str(folder / "datapackage.json")
    for line, _, key in duplicate_keys(text):
        yield Problem(path, line, None, messages.duplicate_json_key(key), "descriptor-error")
    for where, message, field_name in _check_descriptor(descriptor):
        yield Problem(path, line_of(positions, where), field_name, message, "descriptor-error")
    for where, message, field_name in Shapes(descriptor, folder, settings).check():
        yield Problem(path, line_of(positions, where), field_name, message, "descriptor-error")
    yield from _links_in(folder, descriptor)


def _frictionless_descriptor_problems(descriptor: dict, path: str) -> Iterator[Problem]:
    from frictionless import Package  # imported here: large files may never need it

    report = Package.validate_descriptor(descriptor)
    for error in report.flatten(["note"]):
        yield Problem(path, None, None, messages.bad_descriptor(error[0]), "descriptor-error")


def _large(package: LoadedPackage, resource: dict, columnar_threshold: int | None) -> bool:
    """Whether a resource's file is large enough for the columnar engine, and of a schema it supports."""
    csv_path = package.folder / resource["path"]
    return (
        columnar_threshold is not None
        and csv_path.is_file()
        and csv_path.stat().st_size >= columnar_threshold
        and columnar.supports(resource["schema"])
    )


def _read_tables(package: LoadedPackage, positions, large_files: set[str]) -> Iterator[Problem]:
    """Read each resource's file: those in ``large_files`` (``_large``) only as far as their header."""
    for index, resource in enumerate(package.descriptor["resources"]):
        csv_path = package.folder / resource["path"]
        large = resource["name"] in large_files
        try:
            table = read_table(csv_path, header_only=large)
        except TableError as error:
            package.broken.add(resource["name"])
            if error.code == "missing-file":
                where = line_of(positions, ("resources", index, "path"))
                message = messages.missing_resource_file(resource["name"], resource["path"])
                yield Problem(package.descriptor_path, where, None, message, "missing-file")
            else:
                yield Problem(str(csv_path), error.line, error.field, error.message, error.code)
            continue
        package.tables[resource["name"]] = table
        header = list(_check_header(table, resource["schema"]))
        yield from header
        if header:
            package.broken.add(resource["name"])
        elif large:
            package.large.add(resource["name"])
        else:
            yield from check_cells(table, resource["schema"], package.settings)


def _links_in(folder: Path, descriptor: dict) -> Iterator[Problem]:
    """Symbolic links anywhere in the package folder but a resource's (refused with its descriptor line)."""
    named = {
        folder / r["path"]
        for r in descriptor.get("resources", [])
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    }
    for parent, folders, files in os.walk(folder):
        for name in sorted(folders + files):
            path = Path(parent) / name
            if path.is_symlink() and path not in named:
                yield Problem(str(path), None, None, messages.FILE_SYMLINK, "symlink")


def check_cells(table: Table, schema: dict, settings: dict) -> Iterator[Problem]:
    """Cells that span lines where the field does not allow it, and cells over the size limit."""
    specs = {spec["name"]: spec for spec in schema["fields"]}
    longest = settings["max_cell_chars"]
    path = str(table.path)
    for line, record in table.records():
        for name, cell in record.items():
            if ("\n" in cell or "\r" in cell) and not specs.get(name, {}).get(MULTILINE):
                spans = len(cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
                yield Problem(path, line, name, messages.multiline(spans, line, MULTILINE), "multiline-cell")
            if len(cell) > longest:
                yield Problem(path, line, name, messages.too_long(len(cell), longest), "cell-too-large")


def _check_descriptor(descriptor) -> Iterator[tuple[tuple, str, str | None]]:
    """(where, message, field) for every resource the descriptor lacks or leaves incomplete."""
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        yield ("resources",), messages.NO_RESOURCES, None
        return
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for index, resource in enumerate(resources):
        yield from _check_resource(resource, ("resources", index), SOURCES in names)


def _check_resource(resource, where: tuple, has_sources: bool) -> Iterator[tuple[tuple, str, str | None]]:
    if not isinstance(resource, dict) or not all(k in resource for k in ("name", "path", "schema")):
        yield where, messages.INCOMPLETE_RESOURCE, None
        return
    fields = resource["schema"].get("fields") if isinstance(resource["schema"], dict) else None
    if not isinstance(fields, list) or not fields:
        yield where + ("schema",), messages.no_fields(resource["name"]), None
        return
    for number, spec in enumerate(fields):
        kind = spec.get("type", "string") if isinstance(spec, dict) else None
        if kind not in FIELD_TYPES:
            name = spec.get("name") if isinstance(spec, dict) else None
            yield (
                where + ("schema", "fields", number, "type"),
                messages.unknown_type(resource["name"], kind, FIELD_TYPES),
                name,
            )
    if resource["name"] != SOURCES and isinstance(resource["name"], str) and not (has_sources and _cites(resource)):
        yield where + ("schema",), messages.uncited(resource["name"]), None


def _cites(resource: dict) -> bool:
    """Whether a resource has a source_id field with a foreign key to the sources resource."""
    fields = resource["schema"]["fields"]
    field_names = {f.get("name") for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}
    keys = resource["schema"].get("foreignKeys", [])
    return "source_id" in field_names and any(
        isinstance(fk, dict)
        and isinstance(fk.get("reference"), dict)
        and fk.get("fields") in (["source_id"], "source_id")
        and fk["reference"].get("resource") == SOURCES
        for fk in (keys if isinstance(keys, list) else [])
    )


def _check_header(table: Table, schema: dict) -> Iterator[Problem]:
    """Every way the header differs from the schema."""
    expected = [f["name"] for f in schema["fields"]]
    actual = table.header
    if actual == expected:
        return
    path = str(table.path)
    for name in actual:
        if name not in expected:
            yield Problem(path, 1, name, messages.extra_column(name), "extra-column")
    for name in expected:
        if name not in actual:
            yield Problem(path, 1, name, messages.missing_column(name, expected), "missing-column")
    repeated = [name for position, name in enumerate(actual) if name in actual[:position]]
    for name in repeated:
        yield Problem(path, 1, name, messages.duplicate_column(name), "duplicate-column")
    if sorted(actual) == sorted(expected) and not repeated:
        got, want, position = next((g, w, p) for p, (g, w) in enumerate(zip(actual, expected), start=1) if g != w)
        yield Problem(path, 1, got, messages.column_order(position, got, want, expected), "column-order")


def frictionless_rows(package: LoadedPackage, names: list[str]) -> Iterator[Problem]:
    """Type, constraint and key checks on the tables ``names``, read whole, by frictionless."""
    if not names:
        return
    from frictionless import FrictionlessException, Package

    descriptor, patterns = _without_patterns(package)
    try:
        frictionless_package = Package(descriptor, basepath=str(package.folder))
    except FrictionlessException as error:
        yield Problem(
            package.descriptor_path, None, None, messages.bad_descriptor(error.error.note), "descriptor-error"
        )
        return
    for resource in descriptor["resources"]:
        if resource["name"] in names:
            report = frictionless_package.get_resource(resource["name"]).validate()
            yield from _read_report(report, package.tables[resource["name"]], resource, descriptor)
            yield from _pattern_problems(
                package.tables[resource["name"]], package.schema(resource["name"]), patterns, resource["name"]
            )


def _without_patterns(package: LoadedPackage) -> tuple[dict, dict]:
    """A copy of the descriptor for frictionless: without patterns, which are checked in RE2 (re2.not_matching),
    never by Python's backtracking re in frictionless, and without foreign keys to broken resources."""
    descriptor = json.loads(json.dumps(package.descriptor))
    patterns = {}
    for resource in descriptor["resources"]:
        for spec in resource["schema"]["fields"]:
            if "pattern" in spec.get("constraints", {}):
                patterns[(resource["name"], spec["name"])] = spec["constraints"].pop("pattern")
        keys = resource["schema"].get("foreignKeys", [])
        resource["schema"]["foreignKeys"] = [
            fk for fk in keys if fk.get("reference", {}).get("resource", "") not in package.broken
        ]
    return descriptor, patterns


def _read_report(report, table: Table, resource: dict, descriptor: dict) -> Iterator[Problem]:
    schema = resource["schema"]
    unplain = _unplain_cells(table, schema)
    for task in report.tasks:
        for error in task.errors:
            where = (getattr(error, "row_number", None), getattr(error, "field_name", None))
            if error.type in ("type-error", "constraint-error") and where in unplain:
                continue  # reported once below, as the columnar engine reports it
            yield _from_frictionless(error, table, resource, descriptor)
    for (_, field_name), (line, cell, spec) in unplain.items():
        yield Problem(str(table.path), line, field_name, messages.type_error(cell, spec), "type-error")


def _pattern_problems(table: Table, schema: dict, patterns: dict, resource_name: str) -> Iterator[Problem]:
    missing = schema.get("missingValues", [""])
    for spec in schema["fields"]:
        pattern = patterns.get((resource_name, spec["name"]))
        if pattern is None:
            continue
        skip = set(spec.get("missingValues", missing))
        cells = [(line, r[spec["name"]]) for line, r in table.records() if r.get(spec["name"], "") not in skip]
        for line, cell in not_matching(pattern, cells):
            message = messages.constraint("pattern", pattern, cell, spec)
            yield Problem(str(table.path), line, spec["name"], message, "constraint-error")


def _unplain_cells(table: Table, schema: dict) -> dict[tuple[int, str], tuple[int, str, dict]]:
    """(row position, field) -> (line, cell, spec) of number, integer and date cells not written plainly
    (messages.PLAIN), which frictionless reads or refuses in its own ways."""
    missing = set(schema.get("missingValues", [""]))
    specs = [spec for spec in schema["fields"] if spec.get("type") in messages.PLAIN]
    found = {}
    for position, (line, record) in enumerate(table.records(), start=2):
        for spec in specs:
            cell = record.get(spec["name"])
            missing_here = set(spec.get("missingValues", missing))
            if cell is not None and cell not in missing_here and not messages.is_plain(cell, spec["type"]):
                found[(position, spec["name"])] = (line, cell, spec)
    return found


_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)
_SAME_ROW = re.compile(r"row at position (\d+)")


def _from_frictionless(error, table: Table, resource: dict, descriptor: dict) -> Problem:
    path, schema = str(table.path), resource["schema"]
    row = getattr(error, "row_number", None)
    line = table.line_of_position(row) if row else None
    field_name = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    spec = next((f for f in schema["fields"] if f["name"] == field_name), {})
    kind = error.type
    previous = _SAME_ROW.search(error.note or "")
    previous_line = table.line_of_position(int(previous.group(1))) if previous else "?"
    if kind == "type-error":
        message = messages.type_error(cell, spec)
    elif kind == "constraint-error":
        index = row - 2 if row else -1
        short = 0 <= index < len(table.rows) and field_name in table.header
        if short and table.header.index(field_name) >= len(table.rows[index]):
            cell = None  # the row is short: frictionless shows the absent cell as "None"
        match = _CONSTRAINT.search(error.note)
        name, limit = match.groups() if match else ("", "")
        message = messages.constraint(name, limit, cell, spec) or error.note
    elif kind == "unique-error":
        message = messages.unique(cell, previous_line)
    elif kind == "primary-key":
        key = primary_key(schema)
        field_name = ",".join(key)
        if 'all "None"' in (error.note or ""):
            message = messages.empty_key(key)
        else:
            message = messages.duplicate_key(_cells(error, table, key), key, previous_line)
    elif kind == "foreign-key":
        field_name, message = _foreign_key_problem(error, table, resource, descriptor)
    elif kind == "blank-row":
        message = messages.BLANK_ROW
    elif kind in ("extra-cell", "missing-cell"):
        message = messages.row_length(kind)
    else:
        message = error.note or error.message
    return Problem(path, line, field_name, message, kind)


def _foreign_key_problem(error, table: Table, resource: dict, descriptor: dict) -> tuple[str | None, str]:
    """A foreign-key error's fields and words, for the key frictionless names: by the key's own fields, never a
    substring of the note ("source_id" is inside "website_source_id"), and, when two keys share their fields, by
    the reference frictionless names."""
    named = list(getattr(error, "field_names", None) or [])
    same_fields = [k for k in resource["schema"].get("foreignKeys", []) if messages.key_fields(k) == named]
    refers = (getattr(error, "reference_name", None), list(getattr(error, "reference_field_names", None) or []))
    fk = next(
        (k for k in same_fields if (k["reference"].get("resource", ""), messages.key_fields(k["reference"])) == refers),
        same_fields[0] if same_fields else None,
    )
    fields = messages.key_fields(fk) if fk else []
    target = reference_target(fk, resource["name"]) if fk else "?"
    target_path = next((r["path"] for r in descriptor["resources"] if r["name"] == target), target)
    message = messages.foreign_key(
        _cells(error, table, fields), target, target_path, messages.key_fields(fk["reference"]) if fk else []
    )
    return ",".join(fields) or None, message


def _cells(error, table: Table, names: list[str]) -> list[str]:
    cells = getattr(error, "cells", None) or []
    return [cells[table.header.index(n)] for n in names if n in table.header and table.header.index(n) < len(cells)]
