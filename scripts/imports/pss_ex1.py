"""``make import``: the official returns under ``raw/`` -> the tidy ``data/day-care-spend/`` package.

    python -m scripts.imports.pss_ex1 [--raw DIR] [--out DIR] [--check]

Reads every file listed in ``raw/pss-ex1/MANIFEST.csv`` (refusing one whose checksum differs), finds
the day-care values by their labels, checks the arithmetic each publisher states, and writes the
CSVs byte for byte the same on every run. ``--check`` writes nothing and exits 1 if the committed
CSVs differ from what the raw files give. Any problem is one line, ``file:line: message``, exit 1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from scripts.imports.deflators import financial_years
from scripts.imports.pss_ex1_read import Value, ascfr_values, ex1_values, unit_cost_values
from scripts.imports.pss_ex1_tables import MEASURE_ORDER, MEASURES
from scripts.imports.rawcsv import ImportProblem, read_sheet
from scripts.settings import ROOT

RAW = ROOT / "raw"
OUT = ROOT / "data" / "day-care-spend"
REFERENCE = ROOT / "scripts" / "reference"
ENGLAND_CODE = "E92000001"
ACCESSED = "2026-12-06"
OGL = "Open Government Licence v3.0"
COPY = "https://github.com/BenGoodair/adults_social_care_data/tree/2475d81f42d01e1f8ba0450964c7668bf80ac314/Raw_data/"


@dataclass(frozen=True)
class Year:
    """One financial year: its folder of raw/pss-ex1, how it is read, and what its figures mean."""

    financial_year: str
    folder: str
    kind: str  # ex1, unit-costs or ascfr
    publisher: str
    title: str
    client_group: str
    table: str
    overheads: str
    series_break: str  # empty where the definition carries on from the year before


EX1_TITLE = "Personal Social Services Expenditure and Unit Costs, England, {y}: PSS EX1 return, council sheets"
UC_TITLE = "Personal Social Services: Expenditure and Unit Costs, England, {y}: council-level unit costs"
EX1_PUBLISHER = "Department of Health (from 2005, the NHS Information Centre for health and social care)"
HSCIC = "Health and Social Care Information Centre (NHS Information Centre until 2013)"
UNDER_65 = "adults aged under 65 with mental health needs"
AGED_18_64 = "adults aged 18-64 with mental health needs"
SSMSS = "yes: the return allocates overhead (SSMSS) costs to service lines"
NOT_STATED = "not stated in the table"


def _years() -> tuple[Year, ...]:
    years = []
    for end in range(2001, 2016):
        fy = f"{end - 1}-{str(end)[2:]}"
        if end <= 2008:
            years.append(_ex1_year(fy, end))
        elif end <= 2014:
            years.append(_unit_cost_year(fy, end))
        else:
            years.append(_ascfr_year(fy, end))
    return tuple(years)


def _ex1_year(fy: str, end: int) -> Year:
    """A year of the PSS EX1 return (2000-01 to 2007-08)."""
    line = "line E7 Day care, section E" if end == 2008 else "line F7 Day care, section F"
    brk = (
        "First year of the series."
        if end == 2001
        else "The return's sections were renumbered (mental health is section E) and grants to voluntary "
        "organisations became a column of their own, counted in the gross cost."
        if end == 2008
        else ""
    )
    return Year(fy, str(end), "ex1", EX1_PUBLISHER, EX1_TITLE.format(y=fy), UNDER_65, f"PSS EX1, {line}", SSMSS, brk)


def _unit_cost_year(fy: str, end: int) -> Year:
    """A year of the unit-cost tables (2008-09 to 2013-14)."""
    brk = (
        "From 2008-09 the figures come from the unit-cost tables: the client group is adults aged 18-64 "
        "(not under 65), the service is 'day care or day services', and client counts are given."
        if end == 2009
        else ""
    )
    return Year(
        fy, str(end), "unit-costs", HSCIC, UC_TITLE.format(y=fy), AGED_18_64, "unit-cost table", NOT_STATED, brk
    )


def _ascfr_year(fy: str, end: int) -> Year:
    """The ASC-FR year (2014-15): not comparable with the day-care line before it."""
    return Year(
        fy,
        str(end),
        "ascfr",
        HSCIC,
        f"Personal Social Services: Expenditure and Unit Costs, England, {fy}: council-level expenditure (ASC-FR)",
        "adults aged 18 to 64 whose primary support reason is mental health support",
        "ASC-FR, long-term support, community: other long-term care",
        NOT_STATED,
        "The Adult Social Care Finance Return replaced PSS EX1 and has no day-care line; its nearest "
        "measure includes day care and more, so 2014-15 cannot be compared with earlier years.",
    )


YEARS = _years()


def source_id(year: Year) -> str:
    return f"pss-{year.financial_year}"


# --- reading --------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def check_manifest(raw: Path) -> list[str]:
    """The files the import reads, each as published: its checksum must match the manifest's."""
    listed = []
    for number, row in enumerate(read_csv(raw / "pss-ex1" / "MANIFEST.csv"), start=2):
        path = raw / "pss-ex1" / row["path"]
        if not path.is_file():
            raise ImportProblem("raw/pss-ex1/MANIFEST.csv", number, f"{row['path']} is missing")
        if hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
            raise ImportProblem(f"raw/pss-ex1/{row['path']}", None, "differs from its checksum in MANIFEST.csv")
        listed.append(row["path"])
    return listed


def councils_by_name() -> dict[str, str]:
    return {r["name_as_published"]: r["cassr_code"] for r in read_csv(REFERENCE / "pss-ex1-names.csv")}


def ex1_area(path: str, names: dict[str, str]) -> str:
    stem = path.rsplit("/", 1)[-1].removeprefix("output_").removesuffix(".csv")
    if stem.startswith("TOTAL "):
        return stem.removeprefix("TOTAL ")
    code, _, _ = stem.partition("-")
    if code.isdigit():
        return code
    if stem not in names:
        raise ImportProblem(path, None, f"no CASSR code for {stem!r}: add it to scripts/reference/pss-ex1-names.csv")
    return names[stem]


def read_year(raw: Path, year: Year, files: list[str]) -> list[Value]:
    mine = sorted(f for f in files if f.startswith(f"{year.folder}/"))
    values: list[Value] = []
    root = raw / "pss-ex1"
    if year.kind == "ex1":
        names = councils_by_name()
        for path in mine:
            values += ex1_values(read_sheet(root, path), ex1_area(path, names))
    else:
        if len(mine) != 1:
            raise ImportProblem(f"raw/pss-ex1/{year.folder}", None, f"{len(mine)} files listed; expected one")
        sheet = read_sheet(root, mine[0])
        values = ascfr_values(sheet) if year.kind == "ascfr" else unit_cost_values(sheet)
    return values


# --- checks ---------------------------------------------------------------------------------------


ADDITIVE_UNITS = ("GBP thousands", "clients", "client weeks")
ADDITIVE = {m.id for m in MEASURES if m.unit in ADDITIVE_UNITS}


def england_differences(rows: list[dict], totals: list[dict]) -> list[dict]:
    """Per year and additive measure: the councils' sum beside the England total the source prints."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    missing: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        key = (row["financial_year"], row["measure"])
        if row["value"].startswith("["):
            missing[key] += 1
        else:
            sums[key].append(float(row["value"]))
    found = []
    for total in totals:
        key = (total["financial_year"], total["measure"])
        if total["area"] != "England" or total["value"].startswith("[") or key not in sums or key[1] not in ADDITIVE:
            continue
        found.append(
            {
                "financial_year": key[0],
                "measure": key[1],
                "councils": len(sums[key]),
                "missing": missing[key],
                "sum": sum(sums[key]),
                "england": float(total["value"]),
                "file": total["locator_file"],
                "line": int(total["locator_line"]),
            }
        )
    return found


def england_problems(rows: list[dict], totals: list[dict]) -> list[ImportProblem]:
    """Councils add up to England within the rounding of their values (half a unit each); where some
    councils have no value the publisher's England total includes its estimates for them, so it may only
    be larger. Each problem names the England total's file and line."""
    problems = []
    for d in england_differences(rows, totals):
        slack = 0.5 * d["councils"] + 1e-6
        short = d["england"] - d["sum"]
        if short < -slack or (not d["missing"] and short > slack):
            message = (
                f"{d['financial_year']} {d['measure']}: the councils add up to {d['sum']:g}, "
                f"England is printed as {d['england']:g} ({d['missing']} councils without a value)"
            )
            problems.append(ImportProblem(d["file"], d["line"], message))
    return problems


def check_crosswalk(raw: Path, councils: dict[str, dict]) -> None:
    """Every council the 2016-17 ASC-FR file codes has that GSS code in our crosswalk."""
    path = raw / "pss-ex1" / "2017" / "CSV ASCFR Totals.csv"
    with open(path, newline="", encoding="utf-8-sig") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            ours = councils.get(row["CASSR_CODE"])
            if row["CASSR_CODE"] and (ours is None or ours["gss_code"] != row["GEOGRAPHY_CODE"]):
                raise ImportProblem(
                    "scripts/reference/cassr-councils.csv",
                    None,
                    f"CASSR {row['CASSR_CODE']} is {row['GEOGRAPHY_CODE']} in raw/pss-ex1/2017/{path.name}:{line}",
                )


# --- writing --------------------------------------------------------------------------------------

SPEND_FIELDS = (
    "authority_code",
    "authority_name",
    "cassr_code",
    "financial_year",
    "measure",
    "value",
    "value_as_published",
    "locator_file",
    "locator_line",
    "locator_row",
    "locator_column",
    "locator_column_label",
    "source_id",
)
TOTAL_FIELDS = ("area", "area_code") + SPEND_FIELDS[3:]


def _locator(v: Value, prefix: str = "raw/pss-ex1/") -> dict[str, str]:
    return {
        "value": v.value,
        "value_as_published": v.published,
        "locator_file": prefix + v.path,
        "locator_line": str(v.line),
        "locator_row": " ".join(v.row_label.split()),
        "locator_column": v.column,
        "locator_column_label": " ".join(v.column_label.split()),
    }


def tidy(raw: Path) -> dict[str, list[dict]]:
    files = check_manifest(raw)
    councils = {r["cassr_code"]: r for r in read_csv(REFERENCE / "cassr-councils.csv")}
    check_crosswalk(raw, councils)
    spend, totals = [], []
    for year in YEARS:
        for v in read_year(raw, year, files):
            common = {
                "financial_year": year.financial_year,
                "measure": v.measure,
                **_locator(v),
                "source_id": source_id(year),
            }
            if v.area.isdigit():
                council = councils.get(v.area)
                if council is None:
                    raise ImportProblem(
                        v.path, v.line, f"CASSR code {v.area} is not in scripts/reference/cassr-councils.csv"
                    )
                spend.append(
                    {
                        "authority_code": council["gss_code"],
                        "authority_name": council["name"],
                        "cassr_code": v.area,
                        **common,
                    }
                )
            else:
                code = ENGLAND_CODE if v.area == "England" else "[z]"
                totals.append({"area": v.area, "area_code": code, **common})
    order = lambda r: (r["financial_year"], r.get("authority_name", r.get("area")), MEASURE_ORDER[r["measure"]])
    _no_duplicates(spend, ("authority_code", "financial_year", "measure"))
    _no_duplicates(totals, ("area", "financial_year", "measure"))
    for problem in england_problems(spend, totals):
        raise problem
    return {
        "spend": sorted(spend, key=order),
        "published_total": sorted(totals, key=order),
        "measure": _measures(spend),
        "definition": [_definition(y) for y in YEARS],
        "council": _councils(councils, spend),
        "deflator": _deflators(raw),
        "sources": _sources(),
    }


def _measures(spend: list[dict]) -> list[dict[str, str]]:
    """Each measure, citing the publication of the first year that gives it."""
    first = {}
    for row in sorted(spend, key=lambda r: r["financial_year"]):
        first.setdefault(row["measure"], row["source_id"])
    return [
        {"id": m.id, "name": m.name, "unit": m.unit, "definition": m.definition, "source_id": first[m.id]}
        for m in MEASURES
    ]


def _no_duplicates(rows: list[dict], key: tuple[str, ...]) -> None:
    seen = {}
    for row in rows:
        k = tuple(row[f] for f in key)
        if k in seen:
            raise ImportProblem(row["locator_file"], int(row["locator_line"]), f"{k} was read before, from {seen[k]}")
        seen[k] = f"{row['locator_file']}:{row['locator_line']}"


def _definition(year: Year) -> dict[str, str]:
    return {
        "financial_year": year.financial_year,
        "client_group": year.client_group,
        "table": year.table,
        "overheads_included": year.overheads,
        "series_break": "true" if year.series_break else "false",
        "break_note": year.series_break or "[z]",
        "source_id": source_id(year),
    }


SUCCESSOR = re.compile(r"^(E\d{8}) (.+?) from (\d{4}-\d{2}-\d{2})")
CODE_HISTORY = "ons-code-history-2024-07"


def _councils(councils: dict[str, dict], spend: list[dict]) -> list[dict[str, str]]:
    """Every council in the series: its code, region, type, years and the councils that replaced it."""
    present = {row["cassr_code"] for row in spend}
    rows = []
    for cassr, c in sorted(councils.items(), key=lambda item: item[1]["name"]):
        if cassr not in present:
            continue
        parts = [SUCCESSOR.match(part.strip()) for part in c["successors"].split(";") if part.strip()]
        parts = [m for m in parts if m]
        rows.append(
            {
                "authority_code": c["gss_code"],
                "authority_name": c["name"],
                "cassr_code": cassr,
                "council_type": c["council_type"],
                "region_code": c["region_code"],
                "region_name": c["region_name"],
                "first_year": c["first_year"],
                "last_year": c["last_year"],
                "successor_codes": " ".join(m.group(1) for m in parts) or "[z]",
                "successor_names": "; ".join(m.group(2) for m in parts) or "[z]",
                "successors_from": parts[0].group(3) if parts else "[z]",
                "source_id": CODE_HISTORY,
            }
        )
    return rows


DEFLATOR_FILE = "hmt-gdp-deflators/GDP_Deflators_Budget_March_2020_update.xlsx"


def _deflators(raw: Path) -> list[dict[str, str]]:
    base, rows = financial_years(raw / DEFLATOR_FILE, f"raw/{DEFLATOR_FILE}", YEARS[0].financial_year, "2018-19")
    return [
        {
            "financial_year": fy,
            "index": index,
            "base_year": base,
            "locator": f"raw/{DEFLATOR_FILE}, first sheet, cell {ref}",
            "source_id": "hmt-gdp-deflators-2020-03",
        }
        for fy, index, ref in rows
    ]


def _sources() -> list[dict[str, str]]:
    rows = [
        {
            "source_id": source_id(y),
            "publisher": y.publisher,
            "title": y.title,
            "url": COPY + y.folder,
            "date_published": "[x]",
            "date_accessed": ACCESSED,
            "licence": OGL,
            "note": "Official statistics. The files were obtained from a public copy of the official files "
            "(BenGoodair/adults_social_care_data, commit 2475d81f, folder Raw_data/" + y.folder + "), kept unchanged "
            "in raw/pss-ex1/" + y.folder + " with their checksums in raw/pss-ex1/MANIFEST.csv.",
        }
        for y in YEARS
    ]
    rows.append(
        {
            "source_id": CODE_HISTORY,
            "publisher": "Office for National Statistics",
            "title": "Code History Database (July 2024): GSS codes of local authorities, their names, dates and successors",
            "url": "https://github.com/open-innovations/geography-code-adder/tree/5c33e2d9f4c969d9c9b69d2fe6c8a07ba0e58b7b/docs/data",
            "date_published": "2024-07",
            "date_accessed": ACCESSED,
            "licence": OGL,
            "note": "Read as re-published by open-innovations/geography-code-adder (commit 5c33e2d9); the ONS page is "
            "https://geoportal.statistics.gov.uk/datasets/d7be63c8bd144ae0a26c6593eb5e00b7/about. Councils' codes and "
            "regions were checked against the 2016-17 ASC-FR file (raw/pss-ex1/2017); successor councils against the "
            "structural changes orders (for example SI 2008/907 Bedfordshire, SI 2008/634 Cheshire, SI 2022/331 Cumbria).",
        }
    )
    rows.append(
        {
            "source_id": "hmt-gdp-deflators-2020-03",
            "publisher": "HM Treasury",
            "title": "GDP deflators at market prices, and money GDP March 2020 (Budget 2020)",
            "url": "https://github.com/HFAnalyticsLab/ICCONIC-English-results/blob/112d2d9764777d9ab3c613a5c5e94a75c4f845ce/Reference_data/GDP_Deflators_Budget_March_2020_update.xlsx",
            "date_published": "2020-03-11",
            "date_accessed": ACCESSED,
            "licence": OGL,
            "note": "HM Treasury's workbook, obtained from a public copy and kept unchanged in raw/"
            + DEFLATOR_FILE
            + ". "
            "Financial years to 2018-19 are outturn (ONS series L8GG); the date is the one the sheet's name and notes give.",
        }
    )
    return rows


def render(rows: list[dict], fields: tuple[str, ...] | list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


FIELDS = {
    "spend": SPEND_FIELDS,
    "published_total": TOTAL_FIELDS,
    "measure": ("id", "name", "unit", "definition", "source_id"),
    "definition": (
        "financial_year",
        "client_group",
        "table",
        "overheads_included",
        "series_break",
        "break_note",
        "source_id",
    ),
    "council": (
        "authority_code",
        "authority_name",
        "cassr_code",
        "council_type",
        "region_code",
        "region_name",
        "first_year",
        "last_year",
        "successor_codes",
        "successor_names",
        "successors_from",
        "source_id",
    ),
    "deflator": ("financial_year", "index", "base_year", "locator", "source_id"),
    "sources": ("source_id", "publisher", "title", "url", "date_published", "date_accessed", "licence", "note"),
}


def outputs(raw: Path) -> dict[str, bytes]:
    tables = tidy(raw)
    return {f"{name}.csv": render(tables[name], FIELDS[name]) for name in FIELDS}


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.imports.pss_ex1", description=__doc__.split("\n\n")[0])
    cli.add_argument("--raw", type=Path, default=RAW, help="the folder of raw sources (default: raw/)")
    cli.add_argument("--out", type=Path, default=OUT, help="where the tidy CSVs go (default: data/day-care-spend/)")
    cli.add_argument("--check", action="store_true", help="write nothing; exit 1 if the committed CSVs differ")
    args = cli.parse_args(argv)
    try:
        files = outputs(args.raw)
    except ImportProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    stale = [
        name
        for name, data in files.items()
        if not (args.out / name).is_file() or (args.out / name).read_bytes() != data
    ]
    if args.check:
        for name in stale:
            print(f"{args.out / name}: differs from what the raw files give (run make import)", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        temporary = args.out / f".{name}.tmp"
        temporary.write_bytes(files[name])
        temporary.replace(args.out / name)
    print(f"Wrote {len(stale)} of {len(files)} files in {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
