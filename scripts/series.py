"""The official series (data/day-care-spend/) as pages read it: each council's years, England's, and what
can honestly be said across councils.

Everything here is worked out from the package's CSVs for whatever rows they hold: a council with gaps,
symbols or a single year; a year with no England total; a series of any length. Spending is compared
across years in real terms at the prices of the newest year with a gross cost, using the package's
deflators; councils are compared (median, quartiles, changes) only within a span of years whose
definition does not break (``spans``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import cached_property

from scripts.datapackages import DataPackage, number

PACKAGE = "day-care-spend"
GROSS, OWN, OTHERS = "gross-cost", "own-provision", "provided-by-others"
CLIENTS, UNIT_COST = "clients-per-week", "cost-per-client-week"


@dataclass
class Year:
    """One council's (or England's) figures in one financial year, as published cells (symbols kept)."""

    financial_year: str
    cells: dict[str, str]
    deflator: dict[str, float]
    base_year: str | None

    def cell(self, measure: str) -> str | None:
        return self.cells.get(measure)

    def value(self, measure: str) -> float | None:
        cell = self.cells.get(measure)
        return None if cell is None else number(cell)

    @property
    def gross(self) -> float | None:
        return self.value(GROSS)

    @property
    def real(self) -> float | None:
        """The gross cost at the base year's prices, where both years have a deflator."""
        return real_terms(self.gross, self.financial_year, self.deflator, self.base_year)

    @property
    def share_bought(self) -> float | None:
        """Provision by others as a percentage of the gross cost (0 to 100), where both are published."""
        others, gross = self.value(OTHERS), self.gross
        if others is None or not gross:
            return None
        return 100 * others / gross


def real_terms(value: float | None, year: str, deflator: dict[str, float], base: str | None) -> float | None:
    if value is None or base is None or year not in deflator or base not in deflator:
        return None
    return value * deflator[base] / deflator[year]


@dataclass
class Council:
    code: str
    name: str
    cassr: str
    council_type: str
    region: str
    first_year: str
    last_year: str
    successors: list[tuple[str, str]]
    successors_from: str | None
    years: list[Year] = field(default_factory=list)

    @property
    def latest(self) -> Year | None:
        """The newest year with a published gross cost."""
        return next((y for y in reversed(self.years) if y.gross is not None), None)

    def year(self, financial_year: str) -> Year | None:
        return next((y for y in self.years if y.financial_year == financial_year), None)

    def value(self, financial_year: str, measure: str) -> float | None:
        """The council's value of a measure in a year, or None where it has none (no row, or a symbol)."""
        year = self.year(financial_year)
        return year.value(measure) if year else None


@dataclass
class Spread:
    """Councils' gross costs in one year: how many, the quartiles and the median, and how many reported none."""

    financial_year: str
    councils: int
    lower: float
    median: float
    upper: float
    zero: int


def spread(values: list[float], financial_year: str) -> Spread | None:
    if not values:
        return None
    if len(values) == 1:
        lower = median = upper = values[0]
    else:
        lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(financial_year, len(values), lower, median, upper, sum(1 for v in values if v == 0))


@dataclass
class Series:
    councils: dict[str, Council]
    england: dict[str, Year]
    definitions: dict[str, dict]
    measures: dict[str, dict]
    deflator: dict[str, float]
    base_year: str | None  # the prices real terms are at: the newest year with a gross cost and a deflator
    years: list[str]  # every financial year with a gross cost, in order

    @cached_property
    def spreads(self) -> dict[str, Spread]:
        found = {}
        for year in self.years:
            values = [y.gross for c in self.councils.values() if (y := c.year(year)) and y.gross is not None]
            if (s := spread(values, year)) is not None:
                found[year] = s
        return found

    @cached_property
    def spans(self) -> list[list[str]]:
        """The years with a gross cost, cut wherever a year's definition breaks from the year before."""
        spans: list[list[str]] = []
        for year in self.years:
            if not spans or self.definitions.get(year, {}).get("series_break") == "true":
                spans.append([year])
            else:
                spans[-1].append(year)
        return spans

    @property
    def first(self) -> str | None:
        return self.years[0] if self.years else None

    @property
    def latest(self) -> str | None:
        return self.years[-1] if self.years else None

    def breaks_between(self, start: str, end: str) -> list[dict]:
        return [
            d for year, d in sorted(self.definitions.items()) if start < year <= end and d.get("series_break") == "true"
        ]

    def changes(self, span: list[str]) -> list[tuple[Council, float, float, float]]:
        """(council, first value, last value, change) in real terms over a span without a break, for councils with
        a gross cost at both ends; largest rise first. Changes are in pounds, not percentages: a percentage from a
        small first year would put the smallest councils first."""
        if len(span) < 2:
            return []
        start, end = span[0], span[-1]
        found = []
        for council in self.councils.values():
            a, b = council.year(start), council.year(end)
            if a and b and a.gross is not None and b.gross is not None:
                first = real_terms(a.gross, start, self.deflator, self.base_year)
                last = real_terms(b.gross, end, self.deflator, self.base_year)
                if first is not None and last is not None:
                    found.append((council, first, last, last - first))
        return sorted(found, key=lambda item: (-item[3], item[0].name))

    def position(self, council: Council, year: str) -> str | None:
        """Where a council's gross cost stands against the median of all councils that year."""
        y, s = council.year(year), self.spreads.get(year)
        if y is None or y.gross is None or s is None:
            return None
        return "above" if y.gross > s.median else "below" if y.gross < s.median else "at"


def load(package: DataPackage) -> Series:
    resources = package.resources
    deflator = {r["financial_year"]: float(r["index"]) for r in resources["deflator"].rows if number(r["index"])}
    cells: dict[str, dict[str, dict[str, str]]] = {}
    for row in resources["spend"].rows:
        cells.setdefault(row["authority_code"], {}).setdefault(row["financial_year"], {})[row["measure"]] = row["value"]
    england: dict[str, dict[str, str]] = {}
    for row in resources["published_total"].rows:
        if row["area"] == "England":
            england.setdefault(row["financial_year"], {})[row["measure"]] = row["value"]
    years = sorted(
        {fy for by_year in cells.values() for fy, c in by_year.items() if GROSS in c}
        | {fy for fy, c in england.items() if GROSS in c}
    )
    base = next((y for y in reversed(years) if y in deflator), None)

    def year(fy: str, c: dict[str, str]) -> Year:
        return Year(fy, c, deflator, base)

    councils = {}
    for row in resources["council"].rows:
        codes = [] if row["successor_codes"].startswith("[") else row["successor_codes"].split()
        names = [] if row["successor_names"].startswith("[") else row["successor_names"].split("; ")
        councils[row["authority_code"]] = Council(
            row["authority_code"],
            row["authority_name"],
            row["cassr_code"],
            row["council_type"],
            row["region_name"],
            row["first_year"],
            row["last_year"],
            list(zip(codes, names)),
            None if row["successors_from"].startswith("[") else row["successors_from"],
            [year(fy, c) for fy, c in sorted(cells.get(row["authority_code"], {}).items())],
        )
    return Series(
        councils,
        {fy: year(fy, c) for fy, c in sorted(england.items())},
        {r["financial_year"]: r for r in resources["definition"].rows},
        {r["id"]: r for r in resources["measure"].rows},
        deflator,
        base,
        years,
    )


_LOADED: dict[int, tuple[DataPackage, Series]] = {}


def of(packages: dict[str, DataPackage]) -> Series | None:
    """The series of the build's packages, loaded once per package object; None without the package."""
    package = packages.get(PACKAGE)
    if package is None:
        return None
    hit = _LOADED.get(id(package))
    if hit is None or hit[0] is not package:
        _LOADED.clear()
        hit = _LOADED[id(package)] = (package, load(package))
    return hit[1]
