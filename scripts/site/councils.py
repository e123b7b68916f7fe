"""Writes /councils/ (every council: in the official series, with published figures, or both) and
/councils/<GSS code>/ (that council's series year by year, its place against England's median, what the
figures cover, the figures it published itself and the directory's services in its area).

The series comes from data/day-care-spend/ (``scripts/series.py``), the council's own figures from
data/council-figures/: each figure with its id as an anchor (/councils/<code>/#<figure id>), grouped by
measure and never added up or ranked. Every sentence is worked out here from the data; the templates
only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from pelican.generators import Generator

from scripts import series
from scripts.charts import definitions as charts
from scripts.charts import hexmap
from scripts.datapackages import authority_names, number
from scripts.directory.model import slug
from scripts.figures import compendium as council_figures
from scripts.figures.official import pounds
from scripts.settings import value
from scripts.site import context
from scripts.site.pages import write_page
from scripts.symbols import SHORT


@dataclass
class SeriesRow:
    """One year of a council's series, as its table shows it."""

    financial_year: str
    gross: str
    real: str
    bought: str
    clients: str
    unit_cost: str
    median: str
    position: str
    new_definition: bool


@dataclass
class CouncilView:
    code: str
    name: str
    url: str
    summary: str
    figures: council_figures.Council | None = None
    council: series.Council | None = None
    rows: list[SeriesRow] = field(default_factory=list)
    spans: list[dict] = field(default_factory=list)  # each span of years without a break and its definition
    other: list[tuple[str, str, str]] = field(default_factory=list)  # (year, measure name, value) not comparable
    successors: list[tuple[str, str | None]] = field(default_factory=list)  # (name, url where we have a page)
    successors_from: str = ""
    services: int = 0
    directory_url: str = ""
    latest: str = ""  # the newest gross cost and its year, for the list
    chart: str = ""  # Markup: the council's series in cash and real terms (charts.FAMILIES["council-day-care"])


def cell_text(cell: str | None, show) -> str:
    if cell is None:
        return ""
    number_ = number(cell)
    return show(number_) if number_ is not None else cell


def per_week(value: float) -> str:
    return f"£{value:,.2f}" if value != int(value) else f"£{value:,.0f}"


def _rows(data: series.Series, council: series.Council) -> list[SeriesRow]:
    rows = []
    for year in council.years:
        if year.financial_year not in data.years:
            continue
        spread = data.spreads.get(year.financial_year)
        definition = data.definitions.get(year.financial_year, {})
        share = year.share_bought
        rows.append(
            SeriesRow(
                year.financial_year,
                cell_text(year.cell(series.GROSS), pounds),
                pounds(year.real) if year.real is not None else (year.cell(series.GROSS) or "[x]"),
                f"{round(share)}%" if share is not None else "[x]",
                cell_text(year.cell(series.CLIENTS), lambda v: f"{v:,.0f}") or "[x]",
                cell_text(year.cell(series.UNIT_COST), per_week) or "[x]",
                pounds(spread.median) if spread else "[x]",
                data.position(council, year.financial_year) or "",
                definition.get("series_break") == "true" and year.financial_year != data.first,
            )
        )
    return rows


def _spans(data: series.Series, council: series.Council) -> list[dict]:
    present = {y.financial_year for y in council.years if y.cells}
    spans = []
    for span in data.spans:
        years = [y for y in span if y in present]
        if not years:
            continue
        definition = data.definitions.get(span[0], {})
        spans.append(
            {
                "years": years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}",
                "client_group": definition.get("client_group", ""),
                "table": definition.get("table", ""),
                "overheads": definition.get("overheads_included", ""),
                "note": definition.get("break_note", "") if definition.get("series_break") == "true" else "",
            }
        )
    return spans


def _other(data: series.Series, council: series.Council) -> list[tuple[str, str, str]]:
    found = []
    for year in council.years:
        if year.financial_year in data.years:
            continue
        for measure, cell in sorted(year.cells.items()):
            name = data.measures.get(measure, {}).get("name", measure)
            found.append((year.financial_year, name, cell_text(cell, pounds)))
    return found


def _summary(data: series.Series, council: series.Council) -> str:
    kind = council.council_type
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    text = f"{council.name} is {article} {kind} in {council.region}."
    if kind in ("City of London", "Isles of Scilly"):
        text = f"{council.name} is a council of its own kind in {council.region}."
    latest = council.latest
    if latest is None:
        return text + " The returns give no gross cost of day care for it in any year."
    definition = data.definitions.get(latest.financial_year, {})
    text += (
        f" In {latest.financial_year}, the latest year it reported, its gross cost of day care for "
        f"{definition.get('client_group', 'adults with mental health needs')} was {pounds(latest.gross)}."
    )
    position = data.position(council, latest.financial_year)
    spread = data.spreads.get(latest.financial_year)
    if position and spread:
        where = "the same as" if position == "at" else position
        text += f" That is {where} the median of the {spread.councils:,} councils that year ({pounds(spread.median)})."
    return text


def views(packages, authority_names: dict[str, str], services_by_code: dict[str, int]) -> list[CouncilView]:
    data = series.of(packages)
    with_figures = (
        {c.code: c for c in council_figures.councils(packages)} if council_figures.PACKAGE in packages else {}
    )
    in_series = data.councils if data else {}
    found = []
    for code in sorted(set(with_figures) | set(in_series)):
        council, figures = in_series.get(code), with_figures.get(code)
        name = council.name if council else figures.name
        view = CouncilView(code, name, council_figures.council_url(code), "", figures=figures, council=council)
        if council and data:
            view.summary = _summary(data, council)
            view.rows, view.spans, view.other = _rows(data, council), _spans(data, council), _other(data, council)
            view.successors = [
                (n, council_figures.council_url(c) if c in in_series or c in with_figures else None)
                for c, n in council.successors
            ]
            view.successors_from = council.successors_from or ""
            latest = council.latest
            view.latest = f"{pounds(latest.gross)} in {latest.financial_year}" if latest else ""
        else:
            view.summary = f"The official series has no figures for {name}; the figures below are what it published."
        view.services = services_by_code.get(code, 0)
        if view.services:
            view.directory_url = f"directory/area/{slug(authority_names.get(code, name))}/"
        found.append(view)
    return sorted(found, key=lambda v: v.name)


def services_by_authority(packages) -> dict[str, int]:
    providers = packages.get("providers")
    if providers is None or "service_area" not in providers.resources:
        return {}
    by_code: dict[str, set[str]] = {}
    for row in providers.resources["service_area"].rows:
        by_code.setdefault(row["authority_code"], set()).add(row["service_id"])
    return {code: len(ids) for code, ids in by_code.items()}


def map_view(data: series.Series | None):
    """The hex map of each council's gross cost per client a week in the latest year that gives any."""
    if data is None:
        return None
    councils = data.councils.values()
    year = next(
        (y for y in reversed(data.years) if any(c.value(y, series.UNIT_COST) is not None for c in councils)), None
    )
    if year is None:
        return None
    values = {code: c.value(year, series.UNIT_COST) for code, c in data.councils.items()}
    return {"year": year, "map": hexmap.draw(values, per_week)}


def groups(found: list[CouncilView], key) -> list[tuple[str, list[CouncilView]]]:
    grouped: dict[str, list[CouncilView]] = {}
    for view in found:
        grouped.setdefault(key(view), []).append(view)
    return sorted(grouped.items())


class CouncilPagesGenerator(Generator):
    def generate_output(self, writer) -> None:
        build = context.of(self.settings)
        packages = build.packages
        if council_figures.PACKAGE not in packages and series.PACKAGE not in packages:
            return
        names = authority_names(value("gss_codes", self.settings))
        found = views(packages, names, services_by_authority(packages))
        data = series.of(packages)
        figures_package = packages.get(council_figures.PACKAGE)
        common = {
            "section": "Councils",
            "views": found,
            "letters": groups(found, lambda v: v.name[0].upper()),
            "regions": groups([v for v in found if v.council], lambda v: v.council.region),
            "series": data,
            "map": map_view(data),
            "symbols": SHORT,
            "sources": figures_package.sources if figures_package else {},
            "measures": council_figures.measures(packages) if figures_package else {},
            "display": council_figures.display,
            "period_text": council_figures.period_text,
            "qualifiers": council_figures.QUALIFIERS,
            "kinds": council_figures.KINDS,
        }
        write_page(self, writer, "councils/", "councils", **common)
        family = charts.FAMILIES["council-day-care"]
        for view in found:
            if view.council and build.charts.has_data(family.id(view.code)):
                view.chart = Markup(build.charts.block_html(family.id(view.code), build.siteurl))
            write_page(self, writer, view.url, "council", **common, council=view)
