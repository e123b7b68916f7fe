"""Project rules that a Table Schema cannot express.

Each rule is a function ``(package, settings) -> iterable of Problem`` listed in ``RULES``;
the README's rules table is checked against the docstrings' first lines.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path

from scripts.symbols import SYMBOLS
from scripts.validate import columnar, messages
from scripts.validate.problems import Problem, show
from scripts.validate.shapes import url_problem
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
    """A plainly written number's value (messages.PLAIN); None for any other cell, reported by the type check."""
    return float(cell) if messages.is_plain(cell, "number") else None


def no_formula_injection(package, settings):
    """No text cell starts with =, +, -, @, a tab or a carriage return (spreadsheet formula injection),
    but for a negative number or a lone - as printed (-31.26, -)."""
    for table, spec in _fields(package, lambda f: f.get("type", "string") == "string"):
        for line, record in table.records():
            cell = record.get(spec["name"], "")
            if cell.startswith(FORMULA_STARTS) and not re.match(messages.PRINTED_NEGATIVE, cell):
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
                continue  # a group with malformed shares cannot be summed; types are checked elsewhere
            total = sum(values)
            if len(values) < len(members):
                # [c], [x] or [z] hide a share: the known ones cannot be said to add up, only to overshoot.
                if total > 100 + tolerance:
                    yield Problem(
                        str(table.path),
                        members[0][0],
                        spec["name"],
                        messages.shares_over(spec["sumsTo100Within"], key, total, tolerance, _lines(members)),
                        "shares-sum",
                    )
            elif abs(total - 100) > tolerance:
                lines = ", ".join(str(line) for line, _ in members)
                yield Problem(
                    str(table.path),
                    members[0][0],
                    spec["name"],
                    messages.shares(spec["sumsTo100Within"], key, total, tolerance, lines),
                    "shares-sum",
                )


def _lines(members) -> str:
    return ", ".join(str(line) for line, _ in members)


DATE_FIELD = re.compile(r"^(date|date_\w+|\w+_date|last_checked|month)$")
PARTIAL_DATE = re.compile(r"([12][0-9]{3})(-([0-9]{2})(-([0-9]{2}))?)?")


def date_problem(cell: str, month_only: bool = False) -> str | None:
    """Why ``cell`` is not a real date (YYYY-MM-DD) or a documented partial one (YYYY-MM, YYYY); None if it is."""
    match = PARTIAL_DATE.fullmatch(cell)
    if match and month_only and (not match.group(3) or match.group(5)):
        match = None
    if match:
        year, month, day = int(match.group(1)), match.group(3), match.group(5)
        try:
            date(year, int(month or 1), int(day or 1))
            return None
        except ValueError:
            pass
    wanted = "a month in the form YYYY-MM" if month_only else "a real date: YYYY-MM-DD, or YYYY-MM or YYYY"
    return f"{show(cell)} is not {wanted}"


def dates_are_real(package, settings):
    """Every date-like text field (named date, date_*, *_date, last_checked or month) holds a real date or a partial one (YYYY-MM, YYYY)."""
    for table, spec in _fields(package, lambda f: f.get("type", "string") == "string" and DATE_FIELD.match(f["name"])):
        skip = _missing(package, table, spec)
        for line, record in table.records():
            cell = record.get(spec["name"], "")
            problem = None if cell in skip else date_problem(cell, month_only=spec["name"] == "month")
            if problem:
                yield Problem(str(table.path), line, spec["name"], problem, "date-error")


def links_are_web_or_mail(package, settings):
    """Every link (a field of format uri, or named url, website or *_url) is an http, https or mailto address."""
    for table, spec in _fields(package, is_link):
        skip = _missing(package, table, spec)
        for line, record in table.records():
            cell = record.get(spec["name"], "")
            problem = None if cell in skip else url_problem(cell)
            if problem:
                yield Problem(str(table.path), line, spec["name"], problem, "link-error")


def is_link(spec: dict) -> bool:
    return spec.get("format") == "uri" or bool(LINK_FIELD.match(spec["name"]))


LINK_FIELD = re.compile(r"^(url|website|\w+_url)$")


def _missing(package, table, spec) -> set[str]:
    name = next(n for n, t in package.tables.items() if t is table)
    return set(spec.get("missingValues", package.schema(name).get("missingValues", [""])))


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
    dates_are_real,
    links_are_web_or_mail,
)


def check_rules(package: LoadedPackage, settings: dict) -> list[Problem]:
    problems = [problem for rule in RULES for problem in rule(package, settings)]
    if package.columnar:
        settings = {**settings, "known_codes": _known_codes(Path(settings["gss_codes"]))}
        for name in sorted(package.columnar):
            problems.extend(columnar.check_rules(package.engine, name, settings))
    return problems
