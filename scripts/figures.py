"""Named figures: the numbers pages quote, each read from one cell of the data.

Declared once here, used by the home page and by ``{figure NAME}`` in Markdown, so the
prose and the data cannot disagree. A figure names its package, resource, the row (by
field values) and the field; the value shown is always the one in the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scripts.datapackages import DataPackage, number
from scripts.formats import gbp_millions, percent, whole
from scripts.references import Rendered
from scripts.symbols import meaning


class FigureError(LookupError):
    pass


@dataclass(frozen=True)
class Figure:
    package: str
    resource: str
    row: dict
    field: str
    label: str
    show: object = whole
    extra: dict = field(default_factory=dict)


def _norfolk(**more) -> dict:
    return {"authority_code": "E10000020", **more}


FIGURES = {
    "spend/norfolk-2022-23": Figure(
        "spend",
        "spend",
        _norfolk(financial_year="2022-23"),
        "amount_gbp",
        "Norfolk County Council's spend on mental health day services, 2022-23",
        gbp_millions,
    ),
    "providers/norfolk-people-2022-23": Figure(
        "providers",
        "market_snapshot",
        _norfolk(financial_year="2022-23"),
        "people_accessing",
        "people accessing mental health day services funded by Norfolk County Council, 2022-23",
    ),
    "providers/norfolk-providers-2022-23": Figure(
        "providers",
        "market_snapshot",
        _norfolk(financial_year="2022-23"),
        "providers_or_locations",
        "providers (or accredited locations) of mental health day services in Norfolk, March 2023",
    ),
    "providers/liverpool-organisations": Figure(
        "providers",
        "organization",
        {},
        "id",
        "organisations providing Liverpool's mental health day services",
        whole,
        {"count": True},
    ),
    "survey/liverpool-2019-findings": Figure(
        "survey", "finding", {}, "id", "key findings of Healthwatch Liverpool's 2019 survey", whole, {"count": True}
    ),
}
for _locality in ("Norwich", "South Norfolk", "North Norfolk", "West Norfolk", "East Norfolk"):
    FIGURES[f"providers/norfolk-share-{_locality.lower().replace(' ', '-')}-2023-01"] = Figure(
        "providers",
        "locality_share",
        _norfolk(month="2023-01", locality=_locality),
        "share_percent",
        f"share of Norfolk's people accessing day opportunities support who were in {_locality}, January 2023",
        percent,
    )


@dataclass(frozen=True)
class FigureValue:
    name: str
    text: str
    label: str
    package: str
    resource: str
    source: dict | None


def resolve(name: str, packages: dict[str, DataPackage]) -> FigureValue:
    try:
        figure = FIGURES[name]
    except KeyError:
        raise FigureError(f"unknown figure '{name}'; known figures: {', '.join(sorted(FIGURES))}") from None
    package = packages[figure.package]
    resource = package.resources[figure.resource]
    rows = resource.find(**figure.row)
    if figure.extra.get("count"):
        return FigureValue(
            name,
            figure.show(len(rows)),
            figure.label,
            figure.package,
            figure.resource,
            package.source_of(rows[0]) if rows else None,
        )
    if len(rows) != 1:
        raise FigureError(f"figure '{name}' matches {len(rows)} rows of {resource.filename}, not one")
    cell = rows[0][figure.field]
    value = number(cell)
    text = figure.show(value) if value is not None else f"{cell} ({meaning(cell)})"
    return FigureValue(name, text, figure.label, figure.package, figure.resource, package.source_of(rows[0]))


# The figures the home page leads with, in order.
HEADLINE = ("spend/norfolk-2022-23", "providers/norfolk-people-2022-23", "providers/norfolk-providers-2022-23")


def reference(name: str, context) -> Rendered:
    """``{figure NAME}``: the figure's value, linked to its dataset."""
    try:
        value = resolve(name, context.packages)
    except FigureError as error:
        raise LookupError(str(error)) from None
    return Rendered(context.render("_figure.html", figure=value))
