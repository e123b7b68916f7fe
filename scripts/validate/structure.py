"""Structural checks: the descriptor, the files it names, and frictionless's row checks.

Frictionless checks types, constraints and keys; this module reads its errors back as
``Problem``s that name the file, the editor's line and the field.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts.datapackages import primary_key
from scripts.settings import default
from scripts.validate import columnar, messages
from scripts.validate.jsonpos import duplicate_keys, line_of, locate
from scripts.validate.problems import Problem
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
    columnar: set[str] = field(default_factory=set)  # resources the columnar engine checks
    engine: columnar.ColumnarPackage | None = None
    settings: dict = field(default_factory=dict)

    def resource(self, resource_name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == resource_name)

    def schema(self, resource_name: str) -> dict:
        return self.resource(resource_name)["schema"]


def limit(settings: dict | None, name: str):
    """A size limit from the settings given, or its default."""
    return (settings or {}).get(name, default(name))


def load_package(
    folder: Path, problems: list[Problem], columnar_threshold: int | None = None, settings: dict | None = None
) -> LoadedPackage | None:
    """Check the descriptor and read every file it names; None if the descriptor is unusable.

    Files of ``columnar_threshold`` bytes or more whose schema the columnar engine supports
    are read only as far as their header: their rows are checked in DuckDB.
    """
    settings = {
        name: limit(settings, name)
        for name in (
            "max_cell_chars",
            "max_description_chars",
            "max_descriptor_bytes",
            "max_json_depth",
            "columnar_memory_mb",
            "columnar_threads",
        )
    }
    descriptor_path = str(folder / "datapackage.json")
    for path in (folder, folder / "datapackage.json"):
        if path.is_symlink():
            problems.append(
                Problem(str(path), None, None, "is a symbolic link: put the package itself here", "symlink")
            )
            return None
    try:
        size = (folder / "datapackage.json").stat().st_size
        if size > settings["max_descriptor_bytes"]:
            problems.append(
                Problem(
                    descriptor_path,
                    None,
                    None,
                    f"is {size:,} bytes: the most allowed is {settings['max_descriptor_bytes']:,} "
                    "(setting max_descriptor_bytes)",
                    "too-large",
                )
            )
            return None
        text = (folder / "datapackage.json").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        problems.append(
            Problem(
                descriptor_path,
                None,
                None,
                "file not found: every package folder needs a datapackage.json",
                "missing-file",
            )
        )
        return None
    except OSError as error:
        problems.append(Problem(descriptor_path, None, None, f"cannot be read: {error.strerror}", "file-error"))
        return None
    except UnicodeDecodeError:
        problems.append(
            Problem(descriptor_path, None, None, "not UTF-8: save the descriptor as UTF-8", "encoding-error")
        )
        return None
    if raw_depth(text) > settings["max_json_depth"]:
        problems.append(
            Problem(
                descriptor_path,
                None,
                None,
                f"nests objects and lists more than {settings['max_json_depth']} deep (setting max_json_depth)",
                "too-deep",
            )
        )
        return None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                descriptor_path,
                error.lineno,
                None,
                f"not valid JSON: {error.msg} (column {error.colno})",
                "descriptor-error",
                error.colno,
            )
        )
        return None

    from frictionless import Package  # imported here: large files may never need it

    if depth(descriptor, settings["max_json_depth"]) > settings["max_json_depth"]:  # belt and braces
        problems.append(Problem(descriptor_path, None, None, "nests too deep", "too-deep"))
        return None
    positions = locate(text)
    before = len(problems)
    for line, _, key in duplicate_keys(text):
        problems.append(
            Problem(
                descriptor_path,
                line,
                None,
                f"the key {key!r} appears twice in one object: JSON readers keep only one of the two values, "
                "and not all the same one",
                "descriptor-error",
            )
        )
    _check_descriptor(descriptor, descriptor_path, positions, problems)
    for where, message, field_name in Shapes(descriptor, folder, settings).check():
        problems.append(Problem(descriptor_path, line_of(positions, where), field_name, message, "descriptor-error"))
    problems.extend(_links_in(folder, descriptor))
    if len(problems) > before:
        return None
    report = Package.validate_descriptor(descriptor)
    if not report.valid:
        for error in report.flatten(["note"]):
            problems.append(
                Problem(
                    descriptor_path, None, None, f"not a valid data package descriptor: {error[0]}", "descriptor-error"
                )
            )
        return None

    package = LoadedPackage(folder, descriptor, descriptor_path, settings=settings)
    for index, resource in enumerate(descriptor["resources"]):
        csv_path = folder / resource["path"]
        large = (
            columnar_threshold is not None
            and csv_path.is_file()
            and csv_path.stat().st_size >= columnar_threshold
            and columnar.supports(resource["schema"])
        )
        try:
            table = read_table(csv_path, header_only=large)
        except TableError as error:
            package.broken.add(resource["name"])
            if error.code == "missing-file":
                problems.append(
                    Problem(
                        descriptor_path,
                        line_of(positions, ("resources", index, "path")),
                        None,
                        f"resource '{resource['name']}' names {resource['path']}, which does not exist",
                        "missing-file",
                    )
                )
            else:
                problems.append(Problem(str(csv_path), error.line, error.field, error.message, error.code))
            continue
        package.tables[resource["name"]] = table
        if _check_header(table, resource["schema"], problems):
            package.broken.add(resource["name"])
        elif large:
            package.columnar.add(resource["name"])
        else:
            problems.extend(check_cells(table, resource["schema"], settings))
    return package


def _links_in(folder: Path, descriptor: dict) -> list[Problem]:
    """Symbolic links anywhere in the package folder but a resource's (refused with its descriptor line)."""
    named = {
        folder / r["path"]
        for r in descriptor.get("resources", [])
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    }
    found = []
    for parent, folders, files in os.walk(folder):
        for name in sorted(folders + files):
            path = Path(parent) / name
            if path.is_symlink() and path not in named:
                found.append(Problem(str(path), None, None, "is a symbolic link: put the file itself here", "symlink"))
    return found


def check_cells(table: Table, schema: dict, settings: dict) -> list[Problem]:
    """Cells that span lines where the field does not allow it, and cells over the size limit."""
    found = []
    specs = {spec["name"]: spec for spec in schema["fields"]}
    longest = settings["max_cell_chars"]
    path = str(table.path)
    for line, record in table.records():
        for name, cell in record.items():
            if ("\n" in cell or "\r" in cell) and not specs.get(name, {}).get(MULTILINE):
                spans = len(cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
                found.append(
                    Problem(
                        path,
                        line,
                        name,
                        f"a quoted cell runs over {spans} lines, from line {line}, but this field does not allow "
                        "text over several lines: close the quote on that line (or, for text that is meant to "
                        f'span lines, mark the field "{MULTILINE}": true in datapackage.json)',
                        "multiline-cell",
                    )
                )
            if len(cell) > longest:
                found.append(Problem(path, line, name, messages.too_long(len(cell), longest), "cell-too-large"))
    return found


def _check_descriptor(descriptor, path: str, positions, problems: list[Problem]) -> None:
    def add(where: tuple, message: str, field_name: str | None = None):
        problems.append(Problem(path, line_of(positions, where), field_name, message, "descriptor-error"))

    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        add(("resources",), "the descriptor needs a list of resources")
        return
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for index, resource in enumerate(resources):
        where = ("resources", index)
        if not isinstance(resource, dict) or not all(k in resource for k in ("name", "path", "schema")):
            add(where, "each resource needs a name, a path and a schema")
            continue
        fields = resource["schema"].get("fields") if isinstance(resource["schema"], dict) else None
        if not isinstance(fields, list) or not fields:
            add(where + ("schema",), f"resource '{resource['name']}' needs schema.fields")
            continue
        for number, spec in enumerate(fields):
            kind = spec.get("type", "string") if isinstance(spec, dict) else None
            if kind not in FIELD_TYPES:
                add(
                    where + ("schema", "fields", number, "type"),
                    f"resource '{resource['name']}': unknown field type '{kind}'; use one of {', '.join(FIELD_TYPES)}",
                    spec.get("name") if isinstance(spec, dict) else None,
                )
        if resource["name"] == SOURCES or not isinstance(resource["name"], str):
            continue
        field_names = {f.get("name") for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}
        keys = resource["schema"].get("foreignKeys", [])
        cites = any(
            isinstance(fk, dict)
            and isinstance(fk.get("reference"), dict)
            and fk.get("fields") in (["source_id"], "source_id")
            and fk["reference"].get("resource") == SOURCES
            for fk in (keys if isinstance(keys, list) else [])
        )
        if "source_id" not in field_names or not cites or SOURCES not in names:
            add(
                where + ("schema",),
                f"resource '{resource['name']}' must cite a source: a source_id field with a foreign key to the sources resource",
            )


def _check_header(table: Table, schema: dict, problems: list[Problem]) -> bool:
    """Report every way the header differs from the schema; True if it differs."""
    expected = [f["name"] for f in schema["fields"]]
    actual = table.header
    if actual == expected:
        return False
    path = str(table.path)
    wanted = ",".join(expected)
    for name in actual:
        if name not in expected:
            problems.append(
                Problem(
                    path,
                    1,
                    name,
                    f"column '{name}' is not in the schema: remove it, or describe it in datapackage.json",
                    "extra-column",
                )
            )
    for name in expected:
        if name not in actual:
            problems.append(
                Problem(path, 1, name, f"column '{name}' is missing: the header must be {wanted}", "missing-column")
            )
    seen = set()
    for name in actual:
        if name in seen:
            problems.append(Problem(path, 1, name, f"column '{name}' appears more than once", "duplicate-column"))
        seen.add(name)
    if sorted(actual) == sorted(expected) and len(seen) == len(actual):
        for position, (got, want) in enumerate(zip(actual, expected), start=1):
            if got != want:
                problems.append(
                    Problem(
                        path,
                        1,
                        got,
                        f"column {position} is '{got}' but the schema puts '{want}' there: the header must be {wanted}",
                        "column-order",
                    )
                )
                break
    return True


def check_rows(package: LoadedPackage, problems: list[Problem]) -> None:
    """Type, constraint and key checks on every readable table: large ones in the columnar
    engine (falling back to frictionless where it declines), the rest with frictionless."""
    if package.columnar:
        package.engine = columnar.ColumnarPackage(package)
    for name in sorted(package.columnar):
        try:
            found = columnar.check_rows(package.engine, name)
        except columnar.Declined:
            package.columnar.discard(name)
            try:
                package.tables[name] = read_table(package.tables[name].path)
            except TableError as error:
                package.broken.add(name)
                path = str(package.tables[name].path)
                problems.append(Problem(path, error.line, error.field, error.message, error.code))
                continue
            problems.extend(check_cells(package.tables[name], package.schema(name), package.settings))
            continue
        (package.tables[name].counted,) = package.engine.query(f"SELECT count(*) FROM {package.engine.loaded[name]}")[0]
        problems.extend(found)
    if not set(package.tables) - package.broken - package.columnar:
        return
    from frictionless import FrictionlessException, Package

    descriptor = json.loads(json.dumps(package.descriptor))
    patterns = {}  # checked in RE2 (columnar.not_matching), never by Python's backtracking re in frictionless
    for resource in descriptor["resources"]:
        for spec in resource["schema"]["fields"]:
            if "pattern" in spec.get("constraints", {}):
                patterns[(resource["name"], spec["name"])] = spec["constraints"].pop("pattern")
        keys = resource["schema"].get("foreignKeys", [])
        resource["schema"]["foreignKeys"] = [
            fk for fk in keys if fk.get("reference", {}).get("resource", "") not in package.broken
        ]
    try:
        frictionless_package = Package(descriptor, basepath=str(package.folder))
    except FrictionlessException as error:
        problems.append(
            Problem(
                package.descriptor_path,
                None,
                None,
                f"not a valid data package descriptor: {error.error.note}",
                "descriptor-error",
            )
        )
        return
    for resource in descriptor["resources"]:
        name = resource["name"]
        if name in package.broken or name in package.columnar:
            continue
        report = frictionless_package.get_resource(name).validate()
        table = package.tables[name]
        unplain = _unplain_cells(table, resource["schema"])
        for task in report.tasks:
            for error in task.errors:
                where = (getattr(error, "row_number", None), getattr(error, "field_name", None))
                if error.type in ("type-error", "constraint-error") and where in unplain:
                    continue  # reported once below, as the columnar engine reports it
                problems.append(_from_frictionless(error, table, resource["schema"], descriptor))
        for (row, field_name), (line, cell, spec) in unplain.items():
            problems.append(Problem(str(table.path), line, field_name, messages.type_error(cell, spec), "type-error"))
        problems.extend(_pattern_problems(table, package.schema(name), patterns, name))


def _pattern_problems(table: Table, schema: dict, patterns: dict, resource_name: str) -> list[Problem]:
    found = []
    missing = schema.get("missingValues", [""])
    for spec in schema["fields"]:
        pattern = patterns.get((resource_name, spec["name"]))
        if pattern is None:
            continue
        skip = set(spec.get("missingValues", missing))
        cells = [(line, r[spec["name"]]) for line, r in table.records() if r.get(spec["name"], "") not in skip]
        for line, cell in columnar.not_matching(pattern, cells):
            message = messages.constraint("pattern", pattern, cell, spec)
            found.append(Problem(str(table.path), line, spec["name"], message, "constraint-error"))
    return found


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


def _from_frictionless(error, table: Table, schema: dict, descriptor: dict) -> Problem:
    path = str(table.path)
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
        # By the key's own fields, never a substring of the note: "source_id" is inside "website_source_id".
        named = list(getattr(error, "field_names", None) or [])
        fk = next((k for k in schema.get("foreignKeys", []) if messages.key_fields(k) == named), None)
        fields = messages.key_fields(fk) if fk else []
        field_name = ",".join(fields) or None
        target = fk["reference"]["resource"] if fk else "?"
        target_path = next((r["path"] for r in descriptor["resources"] if r["name"] == target), target)
        message = messages.foreign_key(
            _cells(error, table, fields), target, target_path, messages.key_fields(fk["reference"]) if fk else []
        )
    elif kind == "blank-row":
        message = "blank row: remove it"
    elif kind in ("extra-cell", "missing-cell"):
        message = f"this row has {'more' if kind == 'extra-cell' else 'fewer'} cells than the header has columns"
    else:
        message = error.note or error.message
    return Problem(path, line, field_name, message, kind)


def _cells(error, table: Table, names: list[str]) -> list[str]:
    cells = getattr(error, "cells", None) or []
    return [cells[table.header.index(n)] for n in names if n in table.header and table.header.index(n) < len(cells)]
