"""The council figures compendium (data/council-figures/) as pages read it.

Every row of ``figure.csv`` is a figure by its id: ``{figure council-figures/<id>}`` quotes exactly
that row. ``{figure council-figures/newest/<measure>}`` quotes the newest dated figure of an official
measure, and
``{compare <measure>}`` draws one measure's figures side by side, in order of council name, never
ranked and never mixed with another measure. Values are shown as the CSV holds them; a figure the
source gives only as a range shows the source's own words.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from scripts.datapackages import DataPackage, number
from scripts.symbols import is_missing

PACKAGE = "council-figures"
RESOURCE = "figure"
NEWEST = "newest/"

PREFIXES = {"approximately": "about ", "at-least": "at least ", "up-to": "up to "}
QUALIFIERS = {
    "exact": "exact as printed",
    "approximately": "approximate",
    "at-least": "a lower limit",
    "up-to": "an upper limit",
    "range": "a range",
    "estimated": "an estimate",
    "planned": "planned, not actual",
}
KINDS = {
    "official": "official",
    "official-copy": "official, read in a copy on another site",
    "press": "press",
    "other": "blog, campaign or charity",
}


class CouncilFigureError(LookupError):
    pass


def package(packages: dict[str, DataPackage]) -> DataPackage:
    try:
        return packages[PACKAGE]
    except KeyError:
        raise CouncilFigureError(f"there is no '{PACKAGE}' data package") from None


def rows(packages: dict[str, DataPackage]) -> list[dict]:
    return package(packages).resources[RESOURCE].rows


def measures(packages: dict[str, DataPackage]) -> dict[str, dict]:
    return {row["id"]: row for row in package(packages).resources["measure"].rows}


def display(row: dict, measure: dict) -> str:
    """The value as a page shows it: from the value cell, or the source's words where it is [x]."""
    value = number(row["value"])
    if value is None:
        return f"“{row['value_as_published']}”"
    if measure["unit"].startswith("GBP"):
        if value >= 1_000_000 and value % 100_000 == 0:
            text = f"£{value / 1_000_000:,.1f}m"
        else:
            text = f"£{value:,.0f}"
    else:
        text = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return PREFIXES.get(row["qualifier"], "") + text


def _date_text(value: str) -> str:
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = calendar.month_name[int(parts[1])]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def period_text(row: dict) -> str:
    kind, period = row["period_type"], row["period"]
    if kind == "financial-year":
        return period
    if kind == "date":
        return _date_text(period)
    if kind == "span":
        start, end = period.split("/")
        return f"{_date_text(start)} to {_date_text(end)}"
    if kind == "source-date":
        return f"at the source's date, {_date_text(period)}"
    return "no date given"


def _end(value: str) -> str:
    """A date, year or month as the last day it covers (ISO text, so it sorts)."""
    parts = value.split("-")
    if len(parts) == 1:
        return f"{value}-12-31"
    if len(parts) == 2:
        last = calendar.monthrange(int(parts[0]), int(parts[1]))[1]
        return f"{value}-{last:02d}"
    return value


def period_end(row: dict) -> str | None:
    """The last day the figure's period covers, or None when the source gives no date."""
    kind, period = row["period_type"], row["period"]
    if kind == "financial-year":
        return f"{int(period[:4]) + 1}-03-31"
    if kind in ("date", "source-date"):
        return _end(period)
    if kind == "span":
        return _end(period.split("/")[1])
    return None


def newest(packages: dict[str, DataPackage], measure_id: str) -> dict:
    """The newest dated figure of an official measure with a single value."""
    measure = measures(packages).get(measure_id)
    if measure is None:
        raise CouncilFigureError(f"unknown measure '{measure_id}'")
    if measure["basis"] != "official":
        raise CouncilFigureError(f"measure '{measure_id}' is not an official measure")
    dated = [
        r
        for r in rows(packages)
        if r["measure"] == measure_id and period_end(r) is not None and number(r["value"]) is not None
    ]
    if not dated:
        raise CouncilFigureError(f"measure '{measure_id}' has no dated figure with a single value")
    return max(dated, key=period_end)


def find(packages: dict[str, DataPackage], name: str) -> dict:
    """The row a figure name (without the package prefix) stands for."""
    if name.startswith(NEWEST):
        return newest(packages, name[len(NEWEST) :])
    matches = [r for r in rows(packages) if r["id"] == name]
    if len(matches) != 1:
        raise CouncilFigureError(f"figure id '{name}' matches {len(matches)} rows of {PACKAGE}/figure.csv, not one")
    return matches[0]


def label(row: dict, measure: dict) -> str:
    return f"{row['authority_name']}: {measure['name'].lower()} ({period_text(row)})"


def council_url(code: str) -> str:
    return f"councils/{code}/"


def figure_url(row: dict) -> str:
    return f"{council_url(row['authority_code'])}#{row['id']}"


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    figures: list[dict]  # in file order
    groups: list[tuple[dict, list[dict]]]  # (measure, its figures), in measure-list order

    @property
    def url(self) -> str:
        return council_url(self.code)


def councils(packages: dict[str, DataPackage]) -> list[Council]:
    """Every council with figures, by name, its figures grouped by measure."""
    known = measures(packages)
    by_code: dict[str, list[dict]] = {}
    for row in rows(packages):
        by_code.setdefault(row["authority_code"], []).append(row)
    result = []
    for code, figures in by_code.items():
        groups = [(m, [f for f in figures if f["measure"] == mid]) for mid, m in known.items()]
        result.append(Council(code, figures[0]["authority_name"], figures, [(m, fs) for m, fs in groups if fs]))
    return sorted(result, key=lambda c: c.name)


def compare(measure_id: str, packages: dict[str, DataPackage]) -> tuple[dict, list[dict]]:
    """One measure and its figures, side by side in order of council name, never ranked: what
    ``theme/templates/_compare.html`` lays out."""
    measure = measures(packages).get(measure_id)
    if measure is None:
        raise CouncilFigureError(f"unknown measure '{measure_id}'; known measures: {', '.join(measures(packages))}")
    sources = package(packages).sources
    chosen = sorted(
        (r for r in rows(packages) if r["measure"] == measure_id),
        key=lambda r: (r["authority_name"], period_end(r) or "", r["id"]),
    )
    return measure, [
        {
            "council": row["authority_name"],
            "council_url": council_url(row["authority_code"]),
            "figure_url": figure_url(row),
            "figure": display(row, measure),
            "as_published": row["value_as_published"],
            "period": period_text(row),
            "qualifier": QUALIFIERS[row["qualifier"]],
            "includes": _cell(row["includes"]),
            "source": sources[row["source_id"]],
        }
        for row in chosen
    ]


def _cell(text: str) -> str:
    return "not stated" if is_missing(text) else text
