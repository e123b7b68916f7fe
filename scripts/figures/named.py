"""Named figures: the numbers pages quote, each a declared selection from the data.

Declared once here, used by the home page and by ``{figure NAME}`` in Markdown, so the
prose and the data cannot disagree. A figure names its package and resource, the rows it
selects (field values, and optionally an authority, reached through the package's foreign
keys where the resource has no authority code of its own) and what it reports of them:
``one`` (the value of one field of exactly one row) or ``count`` (how many distinct values
of a field the selected rows hold). A selection that matches no row, or more than one row
for a ``one`` figure, fails the build naming the figure: the page never shows a number the
data does not say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scripts import series
from scripts.datapackages import DataPackage, Resource, number
from scripts.figures import compendium, official
from scripts.formats import gbp_millions, percent, whole
from scripts.symbols import meaning


class FigureError(LookupError):
    pass


@dataclass(frozen=True)
class Figure:
    package: str
    resource: str
    field: str
    label: str
    where: dict = field(default_factory=dict)  # field -> value, on the resource's own rows
    authority: str | None = None  # a GSS code: only rows in (or linked to) this authority
    aggregate: str = "one"  # "one" or "count"
    show: Callable[[float], str] = whole

    def selection(self) -> str:
        """The selection in words, for error messages and the data page."""
        parts = [f"{k}={v}" for k, v in self.where.items()]
        if self.authority:
            parts.append(f"authority {self.authority}")
        return f"{self.package}/{self.resource}" + (f" where {', '.join(parts)}" if parts else "")


NORFOLK, LIVERPOOL = "E10000020", "E08000012"

FIGURES = {
    "spend/norfolk-2022-23": Figure(
        "spend",
        "spend",
        "amount_gbp",
        "Norfolk County Council's spend on mental health day services, 2022-23",
        {"financial_year": "2022-23"},
        NORFOLK,
        show=gbp_millions,
    ),
    "providers/norfolk-people-2022-23": Figure(
        "providers",
        "market_snapshot",
        "people_accessing",
        "people accessing mental health day services funded by Norfolk County Council: a snapshot at the end of "
        "March 2023, which the council labels 2022-23",
        {"financial_year": "2022-23"},
        NORFOLK,
    ),
    "providers/norfolk-providers-2022-23": Figure(
        "providers",
        "market_snapshot",
        "providers_or_locations",
        "providers (or accredited locations) of mental health day services in Norfolk, March 2023",
        {"financial_year": "2022-23"},
        NORFOLK,
    ),
    "providers/liverpool-organisations": Figure(
        "providers",
        "service",
        "organization_id",
        "organisations providing Liverpool's mental health day services",
        authority=LIVERPOOL,
        aggregate="count",
    ),
    "council-figures/figures": Figure(
        "council-figures",
        "figure",
        "id",
        "published figures in the council figures compendium",
        aggregate="count",
    ),
    "survey/liverpool-2019-findings": Figure(
        "survey",
        "finding",
        "id",
        "key findings of Healthwatch Liverpool's 2019 survey",
        {"source_id": "healthwatch-liverpool-2019"},
        aggregate="count",
    ),
}
for _locality in ("Norwich", "South Norfolk", "North Norfolk", "West Norfolk", "East Norfolk"):
    FIGURES[f"providers/norfolk-share-{_locality.lower().replace(' ', '-')}-2023-01"] = Figure(
        "providers",
        "locality_share",
        "share_percent",
        f"share of Norfolk's people accessing day opportunities support who were in {_locality}, January 2023",
        {"month": "2023-01", "locality": _locality},
        NORFOLK,
        show=percent,
    )

# The home page leads with England: the official series' latest national figure and its change since the first
# year (scripts/figures/official.py), and how many councils have a page.
HEADLINE = tuple(f"{series.PACKAGE}/{name}" for name in ("england/latest", "england/change-real", "councils"))


@dataclass(frozen=True)
class FigureValue:
    name: str
    text: str
    label: str
    package: str
    resource: str
    source: dict | None
    url: str | None = None  # where the figure is explained, relative to the site; else its dataset


def resolve_council_figure(name: str, packages: dict[str, DataPackage]) -> FigureValue:
    """``council-figures/<id>``: exactly that row of figure.csv (``council-figures/newest/<measure>``: the newest)."""
    try:
        row = compendium.find(packages, name.removeprefix(compendium.PACKAGE + "/"))
    except compendium.CouncilFigureError as error:
        raise FigureError(f"figure '{name}': {error}") from None
    measure = compendium.measures(packages)[row["measure"]]
    return FigureValue(
        name,
        compendium.display(row, measure),
        compendium.label(row, measure),
        compendium.PACKAGE,
        compendium.RESOURCE,
        compendium.package(packages).source_of(row),
        compendium.figure_url(row),
    )


def in_authority(package: DataPackage, resource: Resource, code: str) -> list[dict]:
    """The resource's rows in an authority: by their own authority_code, or else through any
    resource whose foreign key points at this one and whose rows are in it (a service through
    its service areas, an organisation through its services)."""
    return _in_authority(package, resource, code, frozenset())


def _in_authority(package: DataPackage, resource: Resource, code: str, seen: frozenset) -> list[dict]:
    if any(spec["name"] == "authority_code" for spec in resource.fields):
        return [row for row in resource.rows if row["authority_code"] == code]
    linked: set[tuple] = set()
    for other in package.data_resources:
        if other.name in seen | {resource.name}:
            continue
        for key in other.descriptor["schema"].get("foreignKeys", []):
            if key["reference"].get("resource") != resource.name:
                continue
            fields = [key["fields"]] if isinstance(key["fields"], str) else key["fields"]
            targets = key["reference"]["fields"]
            targets = [targets] if isinstance(targets, str) else targets
            for row in _in_authority(package, other, code, seen | {resource.name}):
                linked.add((tuple(targets), tuple(row[f] for f in fields)))
    return [row for row in resource.rows if any(tuple(row[t] for t in ts) == values for ts, values in linked)]


def select(figure: Figure, packages: dict[str, DataPackage]) -> list[dict]:
    package = packages[figure.package]
    resource = package.resources[figure.resource]
    rows = in_authority(package, resource, figure.authority) if figure.authority else resource.rows
    return [row for row in rows if all(row.get(k) == v for k, v in figure.where.items())]


def resolve_series_figure(name: str, packages: dict[str, DataPackage]) -> FigureValue:
    """``day-care-spend/<name>``: a number, year or council worked out from the official series."""
    loaded = series.of(packages)
    if loaded is None:
        raise FigureError(f"figure '{name}' needs the '{series.PACKAGE}' data package")
    try:
        text, label = official.resolve(name, loaded)
    except official.SeriesFigureError as error:
        raise FigureError(str(error)) from None
    return FigureValue(name, text, label, series.PACKAGE, "spend", None)


def resolve(name: str, packages: dict[str, DataPackage]) -> FigureValue:
    if name.startswith(compendium.PACKAGE + "/") and name not in FIGURES:
        return resolve_council_figure(name, packages)
    if name.startswith(series.PACKAGE + "/"):
        return resolve_series_figure(name, packages)
    try:
        figure = FIGURES[name]
    except KeyError:
        raise FigureError(f"unknown figure '{name}'; known figures: {', '.join(sorted(FIGURES))}") from None
    if figure.package not in packages or figure.resource not in packages[figure.package].resources:
        raise FigureError(f"figure '{name}' needs {figure.package}/{figure.resource}, which is not in the data")
    package = packages[figure.package]
    rows = select(figure, packages)
    if not rows:
        raise FigureError(f"figure '{name}' selects no row ({figure.selection()})")
    if figure.aggregate == "count":
        values = {row[figure.field] for row in rows}
        sources = {row.get("source_id") for row in rows}
        source = package.source_of(rows[0]) if len(sources) == 1 else None
        return FigureValue(name, figure.show(len(values)), figure.label, figure.package, figure.resource, source)
    if len(rows) != 1:
        raise FigureError(f"figure '{name}' selects {len(rows)} rows ({figure.selection()}), not one")
    cell = rows[0][figure.field]
    value = number(cell)
    text = figure.show(value) if value is not None else f"{cell} ({meaning(cell)})"
    return FigureValue(name, text, figure.label, figure.package, figure.resource, package.source_of(rows[0]))
