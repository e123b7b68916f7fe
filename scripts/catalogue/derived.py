"""Other formats of a package, made at build time from its published CSVs (which stay the reference):
a Parquet copy of each table, typed by its schema (numbers as numbers, the GSS symbols as nulls); and, for a
package with a long table of councils, years and measures (the official series), that table's gross cost in
wide form (one row per council, one column per year) and one JSON file per council with its whole series.

Written to /data/<package>/formats/ and listed on the dataset page with their sizes.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.datapackages import DataPackage, number
from scripts.formats import file_size
from scripts.symbols import MISSING_VALUES

LONG = ("authority_code", "authority_name", "financial_year", "measure", "value")  # what makes a long series table
WIDE_MEASURE = "gross-cost"


@dataclass(frozen=True)
class Derived:
    url: str
    text: str  # "spend.parquet (120 KB Parquet)"
    what: str


def _column(spec: dict) -> str:
    name = '"' + spec["name"].replace('"', '""') + '"'
    missing = ", ".join("'" + m.replace("'", "''") + "'" for m in MISSING_VALUES)
    kind = {"number": "DOUBLE", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}.get(spec.get("type"))
    if kind is None:
        return name
    return f"CASE WHEN {name} IN ({missing}) THEN NULL ELSE CAST({name} AS {kind}) END AS {name}"


def parquet(path: Path, schema: dict) -> bytes:
    """The CSV as Parquet, each column of the type its schema gives, in the file's row order."""
    columns = ", ".join(_column(spec) for spec in schema["fields"])
    with tempfile.TemporaryDirectory(prefix="parquet-") as folder:
        target = Path(folder) / "table.parquet"
        connection = duckdb.connect()
        try:
            connection.execute("SET preserve_insertion_order = true; SET threads = 1")
            source = str(path).replace("'", "''")
            connection.execute(
                f"COPY (SELECT {columns} FROM read_csv('{source}', all_varchar = true, header = true)) "
                f"TO '{str(target).replace(chr(39), chr(39) * 2)}' (FORMAT parquet, COMPRESSION zstd)"
            )
        finally:
            connection.close()
        return target.read_bytes()


def is_long_series(package: DataPackage) -> bool:
    spend = package.resources.get("spend")
    return bool(spend) and all(name in {f["name"] for f in spend.fields} for name in LONG)


def wide_csv(package: DataPackage) -> bytes:
    """The gross cost with one row per council and one column per financial year; cells as published."""
    rows = [r for r in package.resources["spend"].rows if r["measure"] == WIDE_MEASURE]
    years = sorted({r["financial_year"] for r in rows})
    councils: dict[str, dict] = {}
    for row in rows:
        councils.setdefault(
            row["authority_code"], {"authority_code": row["authority_code"], "authority_name": row["authority_name"]}
        )[row["financial_year"]] = row["value"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["authority_code", "authority_name", *years], restval="[x]", lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(councils.values(), key=lambda c: (c["authority_name"], c["authority_code"])))
    return buffer.getvalue().encode("utf-8")


def council_json(package: DataPackage, site_url: str) -> dict[str, bytes]:
    """{GSS code: JSON} for every council of the package's council table, with its whole long series."""
    by_code: dict[str, list[dict]] = {}
    for row in package.resources["spend"].rows:
        by_code.setdefault(row["authority_code"], []).append(row)
    councils = package.resources["council"].rows if "council" in package.resources else []
    licences = [licence.get("title", licence.get("name", "")) for licence in package.descriptor.get("licenses", [])]
    files = {}
    for council in councils:
        values = []
        for row in by_code.get(council["authority_code"], []):
            values.append(
                {
                    "financial_year": row["financial_year"],
                    "measure": row["measure"],
                    "value": number(row["value"]),
                    "symbol": row["value"] if number(row["value"]) is None else None,
                    "value_as_published": row["value_as_published"],
                    "locator": {k.removeprefix("locator_"): row[k] for k in row if k.startswith("locator_")},
                    "source_id": row["source_id"],
                }
            )
        record = {
            "council": {k: v for k, v in council.items() if k != "source_id"},
            "series": values,
            "dataset": f"{site_url}/data/{package.name}/",
            "licence": licences,
        }
        files[council["authority_code"]] = (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return files


def write_derived(package: DataPackage, output: Path, site_url: str) -> list[Derived]:
    folder = output / "data" / package.name
    found = []
    formats = folder / "formats"
    formats.mkdir(parents=True, exist_ok=True)
    for resource in package.resources.values():
        name = f"{resource.name}.parquet"
        data = parquet(package.folder / resource.filename, resource.descriptor["schema"])
        (formats / name).write_bytes(data)
        found.append(
            Derived(
                f"/data/{package.name}/formats/{name}",
                f"{name} ({file_size(len(data))} Parquet)",
                resource.descriptor.get("title", resource.name),
            )
        )
    if is_long_series(package):
        data = wide_csv(package)
        (formats / "gross-cost-wide.csv").write_bytes(data)
        found.append(
            Derived(
                f"/data/{package.name}/formats/gross-cost-wide.csv",
                f"gross-cost-wide.csv ({file_size(len(data))} CSV)",
                "the gross cost in wide form: one row per council, one column per financial year",
            )
        )
        councils = folder / "councils"
        councils.mkdir(exist_ok=True)
        files = council_json(package, site_url)
        for code, data in files.items():
            (councils / f"{code}.json").write_bytes(data)
        if files:
            total = sum(len(d) for d in files.values())
            found.append(
                Derived(
                    f"/data/{package.name}/councils/{next(iter(sorted(files)))}.json",
                    f"councils/<GSS code>.json ({len(files)} files, {file_size(total)} in all, JSON)",
                    "one file per council with its whole series and every value's locator (linked from each "
                    "council's page; the link here is the first)",
                )
            )
    return found
