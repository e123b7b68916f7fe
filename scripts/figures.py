"""Named figures: the numbers pages quote, each read from one cell of the data.

Declared once here, used by the home page and by ``{figure NAME}`` in Markdown, so the
prose and the data cannot disagree. A figure names its package, resource, the row (by
field values) and the field; the value shown is always the one in the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scripts.datapackages import SYMBOLS, DataPackage, number


class FigureError(LookupError):
    pass


def gbp_millions(value: float) -> str:
    return f"£{value / 1_000_000:,.1f}m"


def whole(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value:g}%"


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
        {"source_id": "healthwatch-liverpool-2025"},  # the organisations Healthwatch's 2025 report names
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
    text = figure.show(value) if value is not None else f"{cell} ({SYMBOLS.get(cell, 'missing')})"
    return FigureValue(name, text, figure.label, figure.package, figure.resource, package.source_of(rows[0]))


# The figures the home page leads with, in order.
HEADLINE = ("spend/norfolk-2022-23", "providers/norfolk-people-2022-23", "providers/norfolk-providers-2022-23")


def figure_link(value: FigureValue, siteurl: str = "") -> str:
    from html import escape

    return (
        f'<a class="figure" href="{siteurl}/data/{value.package}/#{value.resource}" '
        f'title="{escape(value.label)}: see the data">{escape(value.text)}</a>'
    )


def _register_reference():
    from scripts.references import Rendered, resolver

    @resolver("figure")
    def figure_reference(name: str, context: dict) -> Rendered:
        try:
            value = resolve(name, context["packages"])
        except FigureError as error:
            raise LookupError(str(error)) from None
        return Rendered(figure_link(value, context.get("siteurl", "")))


_register_reference()
