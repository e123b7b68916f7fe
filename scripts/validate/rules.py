"""Project rules that a Table Schema cannot express.

Each rule is a function ``(package, settings) -> iterable of Problem`` listed in ``RULES``;
the README's rules table is checked against the docstrings' first lines.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from scripts.symbols import SYMBOLS
from scripts.validate import columnar, messages
from scripts.validate.problems import Problem
from scripts.validate.structure import LoadedPackage

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def _fields(package: LoadedPackage, predicate):
    """(table, field spec) for each readable table's fields that match predicate."""
    for name, table in package.tables.items():
        if name in package.broken or name in package.columnar:
            continue
        for spec in package.schema(name)["fields"]:
            if predicate(spec):
                yield table, spec


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def no_formula_injection(package, settings):
    """No text cell starts with =, +, -, @, a tab or a carriage return (spreadsheet formula injection)."""
    for table, spec in _fields(package, lambda f: f.get("type", "string") == "string"):
        for line, record in table.records():
            cell = record.get(spec["name"], "")
            if cell.startswith(FORMULA_STARTS):
                yield Problem(str(table.path), line, spec["name"], messages.formula(cell), "formula-injection")


def no_blank_numbers(package, settings):
    """A number cell is never blank: write [c], [x] or [z] to say why a value is missing."""
    for table, spec in _fields(package, lambda f: f.get("type") in ("number", "integer")):
        for line, record in table.records():
            if record.get(spec["name"]) == "":
                yield Problem(str(table.path), line, spec["name"], messages.BLANK_NUMBER, "blank-number")


def financial_years_run_on(package, settings):
    """A financial year's second part is the year after its first (2022-23, not 2022-24)."""
    for table, spec in _fields(package, lambda f: f["name"] == "financial_year"):
        for line, record in table.records():
            match = FINANCIAL_YEAR.match(record.get("financial_year", ""))
            if match and (int(match.group(1)) + 1) % 100 != int(match.group(2)):
                yield Problem(
                    str(table.path), line, "financial_year", messages.financial_year(match.group(0)), "financial-year"
                )


@cache
def _known_codes(path: Path) -> frozenset[str]:
    with open(path, newline="", encoding="utf-8") as file:
        return frozenset(row["code"] for row in csv.DictReader(file))


def authority_codes_known(package, settings):
    """Every authority_code is a known GSS code of the right form (listed in the GSS reference file)."""
    known = _known_codes(Path(settings["gss_codes"]))
    for table, spec in _fields(package, lambda f: f["name"] == "authority_code"):
        for line, record in table.records():
            code = record.get("authority_code", "")
            if messages.GSS_FORM.match(code) and code not in known:
                yield Problem(
                    str(table.path),
                    line,
                    "authority_code",
                    messages.unknown_gss(code, settings["gss_codes_display"]),
                    "unknown-gss-code",
                )


def shares_sum_to_100(package, settings):
    """Shares within one group (a field's sumsTo100Within, such as authority and month) sum to 100, within the tolerance."""
    tolerance = settings["share_tolerance"]
    for table, spec in _fields(package, lambda f: "sumsTo100Within" in f):
        groups: dict[tuple, list] = defaultdict(list)
        for line, record in table.records():
            groups[tuple(record.get(k, "") for k in spec["sumsTo100Within"])].append(
                (line, record.get(spec["name"], ""))
            )
        for key, members in groups.items():
            values = [_number(cell) for _, cell in members if cell not in SYMBOLS]
            if not values or None in values:
                continue  # a group with suppressed or malformed shares cannot be summed; types are checked elsewhere
            total = sum(values)
            if abs(total - 100) > tolerance:
                lines = ", ".join(str(line) for line, _ in members)
                yield Problem(
                    str(table.path),
                    members[0][0],
                    spec["name"],
                    messages.shares(spec["sumsTo100Within"], key, total, tolerance, lines),
                    "shares-sum",
                )


def small_counts_suppressed(package, settings):
    """Counts from 1 to the suppression threshold less one are published as [c] (disclosure control)."""
    threshold = settings["suppression_threshold"]
    for table, spec in _fields(package, lambda f: f.get("disclosureControl")):
        for line, record in table.records():
            value = _number(record.get(spec["name"], ""))
            if value is not None and 0 < value < threshold:
                yield Problem(
                    str(table.path),
                    line,
                    spec["name"],
                    messages.small_count(record[spec["name"]], threshold),
                    "unsuppressed-count",
                )


RULES = (
    no_formula_injection,
    no_blank_numbers,
    financial_years_run_on,
    authority_codes_known,
    shares_sum_to_100,
    small_counts_suppressed,
)


def check_rules(package: LoadedPackage, settings: dict) -> list[Problem]:
    problems = [problem for rule in RULES for problem in rule(package, settings)]
    if package.columnar:
        settings = {**settings, "known_codes": _known_codes(Path(settings["gss_codes"]))}
        for name in sorted(package.columnar):
            problems.extend(columnar.check_rules(package.engine, name, settings))
    return problems
