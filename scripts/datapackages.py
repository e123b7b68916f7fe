"""Load the data packages once, for every part of the build that shows them.

Cells stay as published (strings, with the GSS symbols [c], [x] and [z] as they are);
``number()`` reads a value where a page or chart needs one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path


def record_count(data: bytes) -> int:
    """Rows in a CSV file's bytes, not counting the header; by counting lines when no cell can span them."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data:
        return 0
    if b'"' not in data and b"\n\n" not in data and b"\r" not in data:
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))) - 1


def file_record_count(path: Path, chunk_size: int = 1 << 20) -> int:
    """``record_count`` of a file, read a chunk at a time so a large file is never held whole."""
    lines, tail, simple, empty = 0, b"", True, True
    with open(path, "rb") as file:
        while chunk := file.read(chunk_size):
            if empty:
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                empty = not chunk
            lines += chunk.count(b"\n")
            simple = simple and b'"' not in chunk and b"\r" not in chunk and b"\n\n" not in tail + chunk
            tail = (tail + chunk)[-1:]
    if empty:
        return 0
    if simple:
        return lines + (0 if tail == b"\n" else 1) - 1
    with open(path, newline="", encoding="utf-8-sig") as file:
        return sum(1 for _ in csv.reader(file)) - 1


def authority_names(gss_codes: Path) -> dict[str, str]:
    """GSS code -> authority name, from the GSS reference file."""
    with open(gss_codes, newline="", encoding="utf-8-sig") as file:
        return {row["code"]: row["name"] for row in csv.DictReader(file)}


def reference_target(fk: dict, own: str) -> str:
    """The resource a foreign key points at: ``own``, the resource that holds it, when its reference names none
    (Table Schema's "" for a key into its own table)."""
    return fk.get("reference", {}).get("resource") or own


def primary_key(schema: dict) -> list[str]:
    """A schema's primary key as a list of field names, however the descriptor writes it."""
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def number(cell: str) -> float | None:
    """A cell as a number, or None for a symbol or blank."""
    try:
        return float(cell)
    except (TypeError, ValueError):
        return None


@dataclass
class Resource:
    package: DataPackage
    descriptor: dict

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @property
    def filename(self) -> str:
        return self.descriptor["path"]

    @property
    def path(self) -> Path:
        return self.package.folder / self.filename

    @property
    def fields(self) -> list[dict]:
        return self.descriptor["schema"]["fields"]

    @property
    def primary_key(self) -> list[str]:
        return primary_key(self.descriptor["schema"])

    @cached_property
    def rows(self) -> list[dict]:
        with open(self.path, newline="", encoding="utf-8-sig") as file:
            return list(csv.DictReader(file))

    # Large files (a million spend transactions) are read a few rows at a time, or streamed for a column's
    # distinct values, never held as a million dicts or a million-cell column, unless something asks for .rows.

    @cached_property
    def row_count(self) -> int:
        if "rows" in self.__dict__:
            return len(self.rows)
        return file_record_count(self.path)

    def head(self, n: int) -> list[dict]:
        if "rows" in self.__dict__:
            return self.rows[:n]
        with open(self.path, newline="", encoding="utf-8-sig") as file:
            return list(islice(csv.DictReader(file), n))

    def distinct(self, name: str) -> list[str]:
        """Each value of one field once, in the order of its first row."""
        return self.distinct_each([name])[name]

    def distinct_each(self, names: Iterable[str]) -> dict[str, list[str]]:
        """``distinct`` of several fields, those not asked for before read in one pass over the file (a dataset
        page asks for every time and area field: one pass, not one per field, over a million rows)."""
        if "rows" in self.__dict__:
            return {name: list(dict.fromkeys(row[name] for row in self.rows)) for name in names}
        cached = self.__dict__.setdefault("_distinct", {})
        wanted = [name for name in dict.fromkeys(names) if name not in cached]
        if wanted:
            cached.update(_distinct_in_file(self.path, wanted))
        return {name: cached[name] for name in names}

    def find(self, **where) -> list[dict]:
        return [row for row in self.rows if all(row.get(k) == v for k, v in where.items())]


DISTINCT_CHUNK_ROWS = 20_000  # about 8 MB of cells at a time; larger chunks were no faster


def _distinct_in_file(path: Path, names: list[str]) -> dict[str, list[str]]:
    """Each field's values once, in the order of their first row, read a chunk of rows at a time by pandas' C
    parser (three times the speed of the csv module's loop over a million rows). A row too short to hold a field
    has no value for it."""
    import pandas

    seen: dict[str, dict[str, None]] = {name: {} for name in names}  # a dict keeps the order values were first seen
    chunks = pandas.read_csv(
        path,
        usecols=names,
        dtype=str,
        keep_default_na=False,
        index_col=False,  # a row longer than the header is not taken for one with row names
        encoding="utf-8-sig",
        chunksize=DISTINCT_CHUNK_ROWS,
    )
    for chunk in chunks:
        for name, values in seen.items():
            values.update(dict.fromkeys(pandas.unique(chunk[name].dropna().to_numpy())))
    return {name: list(values) for name, values in seen.items()}


@dataclass
class DataPackage:
    folder: Path
    descriptor: dict
    resources: dict[str, Resource] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @property
    def title(self) -> str:
        return self.descriptor.get("title", self.name)

    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    @property
    def sources(self) -> dict[str, dict]:
        """source_id -> the row of sources.csv."""
        if "sources" not in self.resources:
            return {}
        return {row["source_id"]: row for row in self.resources["sources"].rows}

    def source_of(self, row: dict) -> dict | None:
        return self.sources.get(row.get("source_id", ""))

    @property
    def data_resources(self) -> list[Resource]:
        """Every resource but the sources list, in descriptor order."""
        return [r for r in self.resources.values() if r.name != "sources"]


def load_package(folder: Path) -> DataPackage:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    package = DataPackage(folder=folder, descriptor=descriptor)
    for spec in descriptor["resources"]:
        package.resources[spec["name"]] = Resource(package, spec)
    return package


def load_packages(data_dir: Path) -> dict[str, DataPackage]:
    """Every package under ``data_dir``, by name, in folder order."""
    packages = (load_package(p.parent) for p in sorted(data_dir.glob("*/datapackage.json")))
    return {p.name: p for p in packages}
