"""The project rules a Table Schema cannot express, each declared once for both engines.

A rule is one object: its problem code, its plain words (the README's "Project rules" table is
written from ``RULES``' words, in order, by ``python -m scripts.validate.readme``), the invalid fixture
that shows it, which fields it reads,
its Python check and its SQL condition side by side. The Python engine (``check_table`` below) and
the columnar engine (``columnar.check_rules``) loop over the same ``RULES``; both word a problem with
the rule's Python check, so they say the same thing.

To add a rule: declare it here and add it to ``RULES``, add its fault fixture under
``tests/fixtures/invalid/<fixture>/`` with its ``expected.txt``, and run ``python -m scripts.validate.readme``
(``tests/test_rules.py`` fails until all of these are there).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from scripts.symbols import SYMBOLS
from scripts.validate import messages
from scripts.validate.problems import Problem
from scripts.validate.shapes import url_problem
from scripts.validate.sql import literal, quote


@dataclass(frozen=True)
class Field:
    """A field as a rule reads it: its schema entry and the cells its schema counts as missing."""

    spec: dict
    missing: frozenset[str]

    @property
    def name(self) -> str:
        return self.spec["name"]


@dataclass(frozen=True)
class CellRule:
    """A rule about one cell at a time.

    ``check(cell, field, settings)`` says why the cell breaks the rule (None if it keeps it);
    ``sql(column, settings)`` is a DuckDB condition over ``column`` (a ``columnar.Column``) that
    holds for every cell that may break it. The columnar engine words each cell it selects with
    ``check``, so the condition may select more than ``check`` refuses, never fewer.
    """

    code: str
    description: str
    applies_to: str
    fixture: str
    applies: Callable[[dict], bool]
    check: Callable[[str, Field, dict], str | None]
    sql: Callable[..., str]

    def python(self, field: Field, records: Iterable[tuple[int, dict]], settings: dict) -> Iterator[tuple[int, str]]:
        """(line, message) for every cell of the field that breaks the rule."""
        for line, record in records:
            message = self.check(record.get(field.name, ""), field, settings)
            if message:
                yield line, message


@dataclass(frozen=True)
class GroupRule:
    """A rule about groups of rows.

    ``check(members, field, settings)`` takes a group's (line, cell) pairs and says why the group
    breaks the rule; ``sql(column, table, settings)`` is a DuckDB query with one row per group that
    may break it: (first line, lines, cells hidden by a symbol, total, then the group's key), worded
    by ``verdict``. ``reads(spec)``: the fields that query reads, which the columnar engine keeps whole.
    """

    code: str
    description: str
    applies_to: str
    fixture: str
    applies: Callable[[dict], bool]
    check: Callable[[tuple, list[tuple[int, str]], Field, dict], str | None]
    sql: Callable[..., str]
    verdict: Callable[[tuple, Field, dict], tuple[int, str] | None]
    reads: Callable[[dict], list[str]]

    def python(self, field: Field, records: Iterable[tuple[int, dict]], settings: dict) -> Iterator[tuple[int, str]]:
        groups: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
        for line, record in records:
            key = tuple(record.get(k, "") for k in field.spec["sumsTo100Within"])
            groups[key].append((line, record.get(field.name, "")))
        for key, members in groups.items():
            message = self.check(key, members, field, settings)
            if message:
                yield members[0][0], message


Rule = CellRule | GroupRule


def _is_string(spec: dict) -> bool:
    return spec.get("type", "string") == "string"


def _number(cell: str) -> float | None:
    """A plainly written number's value (messages.PLAIN); None for any other cell, reported by the type check."""
    return float(cell) if messages.is_plain(cell, "number") else None


# --- no formula injection ---------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula(cell: str, _field: Field, _settings: dict) -> str | None:
    if cell.startswith(FORMULA_STARTS) and not re.match(messages.PRINTED_NEGATIVE, cell):
        return messages.formula(cell)
    return None


def _formula_sql(column, _settings: dict) -> str:
    starts = ", ".join(str(ord(c)) for c in FORMULA_STARTS)  # ord, the first character's code: no new string
    return (
        f"ord({column.raw}) IN ({starts}) AND NOT regexp_full_match({column.raw}, {literal(messages.PRINTED_NEGATIVE)})"
    )


# --- no blank numbers -------------------------------------------------------------------------


def _blank(cell: str, _field: Field, _settings: dict) -> str | None:
    return messages.BLANK_NUMBER if cell == "" else None


def _blank_sql(column, _settings: dict) -> str:
    return f"{column.raw} IS NULL"


# --- financial years run on -------------------------------------------------------------------

FINANCIAL_YEAR = "([0-9]{4})-([0-9]{2})"
_FINANCIAL_YEAR = re.compile(FINANCIAL_YEAR)


def _financial_year(cell: str, _field: Field, _settings: dict) -> str | None:
    match = _FINANCIAL_YEAR.fullmatch(cell)
    if match and (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        return messages.financial_year(cell)
    return None


def _financial_year_sql(column, _settings: dict) -> str:
    raw = column.raw
    return (
        f"regexp_full_match({raw}, {literal(FINANCIAL_YEAR)}) "
        f"AND (CAST(left({raw}, 4) AS INTEGER) + 1) % 100 <> CAST(right({raw}, 2) AS INTEGER)"
    )


# --- known GSS codes --------------------------------------------------------------------------


class NoCodeColumn(ValueError):
    """A GSS reference file whose header has no ``code`` column; ``header``: what it has."""

    def __init__(self, header: list[str]):
        super().__init__("no 'code' column")
        self.header = header


@cache
def known_codes(path: Path) -> frozenset[str]:
    """The codes of a GSS reference file, read whole; NoCodeColumn if it has no code column, and OSError or
    UnicodeDecodeError if it cannot be read as UTF-8."""
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if "code" not in (reader.fieldnames or []):
            raise NoCodeColumn(list(reader.fieldnames or []))
        return frozenset(row["code"] for row in reader)


def _gss(cell: str, _field: Field, settings: dict) -> str | None:
    if messages.GSS_FORM.match(cell) and cell not in known_codes(Path(settings["gss_codes"])):
        return messages.unknown_gss(cell, settings["gss_codes_display"])
    return None


def _gss_sql(column, settings: dict) -> str:
    """Against the codes as a subquery, which DuckDB looks up in a hash table (a list of literals it compares one
    by one, about eight times slower at a million rows)."""
    codes = ", ".join(literal(c) for c in sorted(known_codes(Path(settings["gss_codes"]))))
    known = f"SELECT unnest([{codes}]::VARCHAR[])"
    return f"regexp_full_match({column.raw}, {literal(messages.GSS_FORM.pattern)}) AND {column.raw} NOT IN ({known})"


# --- shares sum to 100 ------------------------------------------------------------------------


def _shares_message(field: Field, key, hidden: bool, total: float, lines: str, settings: dict) -> str | None:
    """A group's shares add up to 100 within the tolerance; with some hidden by a symbol, the known ones
    cannot be said to add up, only to overshoot."""
    group, tolerance = field.spec["sumsTo100Within"], settings["share_tolerance"]
    if hidden and total > 100 + tolerance:
        return messages.shares_over(group, key, total, tolerance, lines)
    if not hidden and abs(total - 100) > tolerance:
        return messages.shares(group, key, total, tolerance, lines)
    return None


def _shares(key: tuple, members: list[tuple[int, str]], field: Field, settings: dict) -> str | None:
    values = [_number(cell) for _, cell in members if cell not in SYMBOLS]
    if not values or None in values:
        return None  # a group with malformed shares cannot be summed; types are checked elsewhere
    lines = ", ".join(str(line) for line, _ in members)
    return _shares_message(field, key, len(values) < len(members), sum(values), lines, settings)


def _shares_sql(column, table: str, _settings: dict) -> str:
    raw, keys = column.raw, [quote(k) for k in column.spec["sumsTo100Within"]]
    symbols = ", ".join(literal(s) for s in SYMBOLS)
    shown = f"{raw} NOT IN ({symbols})"
    malformed = f"{raw} IS NULL OR ({shown} AND NOT regexp_full_match({raw}, {literal(messages.PLAIN['number'])}))"
    return (
        f"SELECT min(rowid) + 2, string_agg(CAST(rowid + 2 AS VARCHAR), ', ' ORDER BY rowid), "
        f"count(*) FILTER (WHERE {raw} IN ({symbols})), sum(TRY_CAST({raw} AS DOUBLE)) FILTER (WHERE {shown}), "
        f"{', '.join(f'coalesce({k}, {literal(chr(0))})' for k in keys)} FROM {table} GROUP BY {', '.join(keys)} "
        f"HAVING count(*) FILTER (WHERE {malformed}) = 0 AND count(*) FILTER (WHERE {shown}) > 0"
    )


def _shares_verdict(row: tuple, field: Field, settings: dict) -> tuple[int, str] | None:
    first, lines, hidden, total, *key = row
    key = ["" if k == chr(0) else k for k in key]  # a blank key cell, which GROUP BY saw as NULL
    message = _shares_message(field, key, bool(hidden), total, lines, settings)
    return (first, message) if message else None


# --- small counts suppressed ------------------------------------------------------------------


def _small_count(cell: str, _field: Field, settings: dict) -> str | None:
    value, threshold = _number(cell), settings["suppression_threshold"]
    if value is not None and 0 < value < threshold:
        return messages.small_count(cell, threshold)
    return None


def _small_count_sql(column, settings: dict) -> str:
    raw, value = column.raw, f"TRY_CAST({column.raw} AS DOUBLE)"
    return (
        f"regexp_full_match({raw}, {literal(messages.PLAIN['number'])}) AND {value} > 0 "
        f"AND {value} < {int(settings['suppression_threshold'])}"
    )


# --- real dates -------------------------------------------------------------------------------

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
    return messages.not_a_date(cell, month_only)


def _date(cell: str, field: Field, _settings: dict) -> str | None:
    return None if cell in field.missing else date_problem(cell, month_only=field.name == "month")


def _date_sql(column, _settings: dict) -> str:
    raw = column.raw
    real = [f"(regexp_full_match({raw}, '[12][0-9]{{3}}-[0-9]{{2}}') AND TRY_CAST({raw} || '-01' AS DATE) IS NOT NULL)"]
    if column.name != "month":
        real += [
            f"regexp_full_match({raw}, '[12][0-9]{{3}}')",
            f"(regexp_full_match({raw}, '[12][0-9]{{3}}-[0-9]{{2}}-[0-9]{{2}}') AND TRY_CAST({raw} AS DATE) IS NOT NULL)",
        ]
    return f"NOT {column.missing} AND NOT ({' OR '.join(real)})"


# --- web or mail links ------------------------------------------------------------------------

LINK_FIELD = re.compile(r"^(url|website|\w+_url)$")
# Addresses plainly fit to publish: the columnar engine leaves these alone and words every other
# cell with url_problem, which has the last word.
PLAIN_LINK = r"(?i)(https?://[a-z0-9-]+(\.[a-z0-9-]+)*([/?#][!-~]*)?|mailto:[a-z0-9._%+-]+@[a-z0-9.-]+)"


def is_link(spec: dict) -> bool:
    return spec.get("format") == "uri" or bool(LINK_FIELD.match(spec["name"]))


def _link(cell: str, field: Field, _settings: dict) -> str | None:
    return None if cell in field.missing else url_problem(cell)


def _link_sql(column, _settings: dict) -> str:
    return f"NOT {column.missing} AND NOT regexp_full_match({column.raw}, {literal(PLAIN_LINK)})"


RULES: tuple[Rule, ...] = (
    CellRule(
        code="formula-injection",
        description="No text cell starts with =, +, -, @, a tab or a carriage return (spreadsheet formula injection), "
        "but for a negative number or a lone - as printed (-31.26, -).",
        applies_to="every string field",
        fixture="formula-injection",
        applies=_is_string,
        check=_formula,
        sql=_formula_sql,
    ),
    CellRule(
        code="blank-number",
        description="A number cell is never blank: write [c], [x] or [z] to say why a value is missing.",
        applies_to="every number and integer field",
        fixture="blank-number",
        applies=lambda spec: spec.get("type") in ("number", "integer"),
        check=_blank,
        sql=_blank_sql,
    ),
    CellRule(
        code="financial-year",
        description="A financial year's second part is the year after its first (2022-23, not 2022-24).",
        applies_to="fields named `financial_year`",
        fixture="financial-year-not-consecutive",
        applies=lambda spec: spec["name"] == "financial_year",
        check=_financial_year,
        sql=_financial_year_sql,
    ),
    CellRule(
        code="unknown-gss-code",
        description="Every authority_code is a known GSS code of the right form (listed in the GSS reference file).",
        applies_to="fields named `authority_code`",
        fixture="unknown-gss-code",
        applies=lambda spec: spec["name"] == "authority_code",
        check=_gss,
        sql=_gss_sql,
    ),
    GroupRule(
        code="shares-sum",
        description="Shares within one group (a field's sumsTo100Within, such as authority and month) sum to 100, "
        "within the tolerance.",
        applies_to='fields with `"sumsTo100Within": [...]`',
        fixture="shares-not-summing-to-100",
        applies=lambda spec: "sumsTo100Within" in spec,
        check=_shares,
        sql=_shares_sql,
        verdict=_shares_verdict,
        reads=lambda spec: [spec["name"], *spec["sumsTo100Within"]],
    ),
    CellRule(
        code="unsuppressed-count",
        description="Counts from 1 to the suppression threshold less one are published as [c] (disclosure control).",
        applies_to='fields with `"disclosureControl": true`',
        fixture="unsuppressed-small-count",
        applies=lambda spec: bool(spec.get("disclosureControl")),
        check=_small_count,
        sql=_small_count_sql,
    ),
    CellRule(
        code="date-error",
        description="Every date-like text field (named date, date_*, *_date, last_checked or month) holds a real date "
        "or a partial one (YYYY-MM, YYYY).",
        applies_to="string fields so named (`month`: YYYY-MM only); a cell in the schema's `missingValues`, such as "
        "`[x]`, is allowed",
        fixture="impossible-month",
        applies=lambda spec: _is_string(spec) and bool(DATE_FIELD.match(spec["name"])),
        check=_date,
        sql=_date_sql,
    ),
    CellRule(
        code="link-error",
        description="Every link (a field of format uri, or named url, website or *_url) is an http, https or mailto "
        "address.",
        applies_to="`javascript:`, `data:`, `file:` and the rest are errors",
        fixture="link-not-a-web-address",
        applies=is_link,
        check=_link,
        sql=_link_sql,
    ),
)


def field_of(schema: dict, spec: dict) -> Field:
    return Field(spec, frozenset(spec.get("missingValues", schema.get("missingValues", [""]))))


def check_table(table, schema: dict, settings: dict) -> Iterator[Problem]:
    """The Python engine: every rule over a table read whole."""
    for rule in RULES:
        for spec in filter(rule.applies, schema["fields"]):
            field = field_of(schema, spec)
            for line, message in rule.python(field, table.records(), settings):
                yield Problem(str(table.path), line, field.name, message, rule.code)
