"""The chart registry: one small function per chart, from the loaded data packages to an altair chart.

Declared once in ``CHARTS``; ``scripts/charts/render.py`` renders each to SVG, PNG, CSV and
Vega-Lite JSON at build time, and ``{chart <id>}`` places one in a report. A chart function
returns a ``Drawn``: the altair chart, the table of published cells it shows (also the CSV
download), and its words (headline title, statistical subtitle, alt text, source note), each
worked out from the data, never typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd

from scripts.datapackages import DataPackage, number
from scripts.formats import gbp_millions
from scripts.settings import default
from scripts.symbols import SHORT, suppressed_range

# The counts published as [c], in words, from the settings table ("1 to 4").
SUPPRESSED = suppressed_range(default("suppression_threshold"))

# Okabe-Ito colours with a contrast of at least 3:1 against white (WCAG 1.4.11).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
INK = "#0b0c0c"
SUBTLE = "#505a5f"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
WIDTH = 560


class ChartError(LookupError):
    pass


@dataclass
class Drawn:
    """What a chart function returns; ``table`` holds the cells as published (symbols kept)."""

    chart: alt.TopLevelMixin
    table: list[dict]
    columns: dict[str, str]  # field in table -> column heading
    title: str
    subtitle: str
    alt: str
    source: str


@dataclass(frozen=True)
class ChartSpec:
    id: str
    packages: tuple[str, ...]
    resource: str  # the resource whose rows the chart needs; no rows, no chart
    draw: Callable[[dict[str, DataPackage]], Drawn]
    description: str = ""


CHARTS: dict[str, ChartSpec] = {}


def chart(id: str, packages: tuple[str, ...], resource: str, description: str = ""):
    def register(draw):
        CHARTS[id] = ChartSpec(id, packages, resource, draw, description)
        return draw

    return register


def has_data(spec: ChartSpec, packages: dict[str, DataPackage]) -> bool:
    package = packages.get(spec.packages[0])
    return bool(package and spec.resource in package.resources and package.resources[spec.resource].rows)


def get(id: str) -> ChartSpec:
    try:
        return CHARTS[id]
    except KeyError:
        raise ChartError(f"unknown chart '{id}'; known charts: {', '.join(sorted(CHARTS))}") from None


def draw(id: str, packages: dict[str, DataPackage]) -> Drawn:
    spec = get(id)
    missing = [name for name in spec.packages if name not in packages]
    if missing:
        raise ChartError(f"chart '{id}' needs the data package(s) {', '.join(missing)}")
    drawn = spec.draw(packages)
    drawn.chart = styled(drawn.chart, drawn.title, drawn.subtitle)
    return drawn


def styled(chart, title: str, subtitle: str):
    """The house style: ONS-like headline and subtitle, a system font, accessible colours."""
    return (
        chart.properties(
            title=alt.Title(
                title,
                subtitle=subtitle,
                anchor="start",
                fontSize=16,
                subtitleFontSize=13,
                color=INK,
                subtitleColor=SUBTLE,
                subtitlePadding=4,
                offset=12,
            ),
        )
        .configure(
            font=FONT,
            background="white",
            aria=False,
        )
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=INK,
            titleColor=INK,
            labelFontSize=12,
            titleFontSize=12,
            domainColor=SUBTLE,
            tickColor=SUBTLE,
            gridColor="#b1b4b6",
        )
        .configure_header(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=12)
        .configure_range(category=PALETTE)
    )


# --- words -----------------------------------------------------------------------------------

FRACTIONS = [(25, "a quarter"), (100 / 3, "a third"), (50, "half"), (200 / 3, "two thirds"), (75, "three quarters")]


def share_in_words(percent: float) -> str:
    """'Half', 'About a third', or '37%': a share as a reader would say it, true to the number."""
    for value, words in FRACTIONS:
        if abs(percent - value) < 0.05:
            return words
        if abs(percent - value) <= 2:
            return f"about {words}"
    return f"{percent:g}%"


def month_name(month: str) -> str:
    year, number_ = month.split("-")
    return date(int(year), int(number_), 1).strftime("%B %Y")


def listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def source_note(package: DataPackage, rows: list[dict]) -> str:
    ids = sorted({row["source_id"] for row in rows if row.get("source_id")})
    sources = [package.sources[i] for i in ids if i in package.sources]
    return "Source: " + "; ".join(f"{s['publisher']}, {s['title']}" for s in sources) if sources else ""


# --- the charts --------------------------------------------------------------------------------


@chart(
    "norfolk-people-by-locality",
    ("providers",),
    "locality_share",
    "Share of Norfolk's people using day opportunities support, by locality, in the latest month published",
)
def norfolk_people_by_locality(packages) -> Drawn:
    package = packages["providers"]
    rows = package.resources["locality_share"].find(authority_code="E10000020")
    if not rows:
        raise ChartError("chart 'norfolk-people-by-locality' has no Norfolk rows in locality_share.csv")
    month = max(row["month"] for row in rows)
    rows = [row for row in rows if row["month"] == month]
    authority = rows[0]["authority_name"]
    known = sorted(
        (r for r in rows if number(r["share_percent"]) is not None), key=lambda r: -number(r["share_percent"])
    )
    frame = pd.DataFrame(
        [
            {
                "locality": r["locality"],
                "share_percent": number(r["share_percent"]),
                "label": f"{number(r['share_percent']):g}%",
            }
            for r in known
        ]
    )
    order = list(frame["locality"]) if len(frame) else []
    bars = (
        alt.Chart(frame)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y("locality:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
            x=alt.X("share_percent:Q", title="Share of people (%)", scale=alt.Scale(domain=[0, 100])),
        )
    )
    labels = bars.mark_text(align="left", dx=4, color=INK, fontSize=12).encode(text="label:N")
    top = known[0] if known else None
    when = month_name(month)
    if top:
        share = number(top["share_percent"])
        title = (
            f"{share_in_words(share)[0].upper()}{share_in_words(share)[1:]} of {authority}'s people using "
            f"day opportunities lived in {top['locality']}"
        )
        others = ", ".join(f"{r['locality']} ({number(r['share_percent']):g}%)" for r in known[1:])
        alt_text = (
            f"Horizontal bar chart of the share of people using day opportunities support in {authority} "
            f"by locality, {when}. {top['locality']} had the largest share ({share:g}%)"
            + (f", then {others}." if others else ".")
        )
    else:
        title = f"Where {authority}'s people using day opportunities lived"
        alt_text = f"Bar chart of {authority}'s people by locality, {when}: every share is missing."
    missing = [r["locality"] for r in rows if number(r["share_percent"]) is None]
    if missing:
        alt_text += f" No figure is published for {listing(missing)}."
    table = [
        {"locality": r["locality"], "share_percent": r["share_percent"]}
        for r in known + [r for r in rows if number(r["share_percent"]) is None]
    ]
    return Drawn(
        chart=alt.layer(bars, labels).properties(width=WIDTH - 160, height=alt.Step(28)),
        table=table,
        columns={"locality": "Locality", "share_percent": "Share of people (%)"},
        title=title,
        subtitle=f"Share of people using mental health day opportunities support, by locality, {authority}, {when}",
        alt=alt_text,
        source=source_note(package, rows),
    )


def spend_words(known: list[dict], authorities: list[str], years: list[str]) -> tuple[str, str]:
    """The spend chart's headline and alt text: comparisons only within one year (the latest
    with the most published figures), ties and single figures said as they are."""
    grid = (
        f"Bar chart in a grid of {len(authorities)} authorit{'y' if len(authorities) == 1 else 'ies'} "
        f"by {len(years)} financial year{'s' if len(years) != 1 else ''}."
    )
    if not known:
        return "Council spend on mental health day services", grid + " No figure is published."
    by_year: dict[str, list[dict]] = {}
    for row in known:
        by_year.setdefault(row["financial_year"], []).append(row)
    year = max(by_year, key=lambda y: (len(by_year[y]), y))
    shown = sorted(by_year[year], key=lambda r: (-number(r["amount_gbp"]), r["authority_name"]))
    top = number(shown[0]["amount_gbp"])
    leaders = [r["authority_name"] for r in shown if number(r["amount_gbp"]) == top]
    amount = gbp_millions(top)
    if len(shown) == 1:
        title = f"{leaders[0]} spent {amount} on mental health day services in {year}"
    elif len(leaders) == 1:
        title = f"{leaders[0]} spent the most on mental health day services in {year}: {amount}"
    else:
        title = f"{listing(leaders)} spent the most on mental health day services in {year}: {amount} each"
    in_year = "; ".join(f"{r['authority_name']} {gbp_millions(number(r['amount_gbp']))}" for r in shown)
    return title, f"{grid} In {year}: {in_year}."


@chart(
    "spend-by-authority-and-year",
    ("spend",),
    "spend",
    "Council spend on mental health day opportunities, one row per authority, one column per financial year",
)
def spend_by_authority_and_year(packages) -> Drawn:
    package = packages["spend"]
    rows = package.resources["spend"].rows
    years = sorted({r["financial_year"] for r in rows})
    authorities = sorted({r["authority_name"] for r in rows})
    known = [r for r in rows if number(r["amount_gbp"]) is not None]
    frame = pd.DataFrame(
        [
            {
                "authority_name": r["authority_name"],
                "financial_year": r["financial_year"],
                "amount_gbp": number(r["amount_gbp"]),
                "label": gbp_millions(number(r["amount_gbp"])),
            }
            for r in known
        ],
        columns=["authority_name", "financial_year", "amount_gbp", "label"],
    )
    # Table-like small multiples: a row per authority, a column per year, so 150 x 10 stays readable.
    base = alt.Chart(frame).encode(
        y=alt.Y("authority_name:N", title=None, sort=authorities, axis=alt.Axis(labelLimit=220))
    )
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X(
            "amount_gbp:Q",
            title="Spend (£)",
            axis=alt.Axis(tickCount=3, labelExpr="'£' + format(datum.value / 1e6, '~g') + 'm'"),
        )
    )
    labels = base.mark_text(align="left", dx=3, color=INK, fontSize=11).encode(x=alt.X("amount_gbp:Q"), text="label:N")
    column_width = max(90, min(200, (WIDTH - 220) // max(1, len(years))))
    layered = alt.layer(bars, labels).properties(width=column_width, height=alt.Step(22))
    faceted = layered.facet(
        column=alt.Column("financial_year:N", title="Financial year", sort=years), spacing=12
    ).resolve_scale(x="shared")
    title, alt_text = spend_words(known, authorities, years)
    missing = len(rows) - len(known)
    if missing:
        alt_text += f" {missing} figure{'s are' if missing != 1 else ' is'} not published and shown as blank."
    span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
    return Drawn(
        chart=faceted,
        title=title,
        alt=alt_text,
        source=source_note(package, rows),
        subtitle=f"Spend on day services for adults with mental health conditions, £, by authority, {span}",
        table=[
            {
                "authority_name": r["authority_name"],
                "authority_code": r["authority_code"],
                "financial_year": r["financial_year"],
                "amount_gbp": r["amount_gbp"],
            }
            for r in sorted(rows, key=lambda r: (r["authority_name"], r["financial_year"]))
        ],
        columns={
            "authority_name": "Authority",
            "authority_code": "GSS code",
            "financial_year": "Financial year",
            "amount_gbp": "Spend (£)",
        },
    )


def providers_by_support_type(packages, authority: str | None = None) -> Drawn:
    """Providers offering each type of support, by area served; only areas of ``authority``
    (a GSS code) when given, so a page about one council shows that council's providers."""
    package = packages["providers"]
    res = package.resources
    organisation_of = {s["id"]: s["organization_id"] for s in res["service"].rows}
    terms = {t["id"]: t for t in res["taxonomy_term"].rows if t["taxonomy"] == "support-type"}
    areas: dict[str, set[str]] = {}
    for row in res["service_area"].rows:
        if authority is None or row["authority_code"] == authority:
            areas.setdefault(row["service_id"], set()).add(row["name"])
    offered: dict[tuple[str, str], set[str]] = {}
    providers_in: dict[str, set[str]] = {}
    for service_id, organisation in organisation_of.items():
        for area in areas.get(service_id, ()):
            providers_in.setdefault(area, set()).add(organisation)
    for link in res["service_taxonomy"].rows:
        term = terms.get(link["taxonomy_term_id"])
        if not term or link["service_id"] not in organisation_of:
            continue
        for area in areas.get(link["service_id"], ()):
            offered.setdefault((area, term["name"]), set()).add(organisation_of[link["service_id"]])
    table = [
        {
            "area": area,
            "support_type": term,
            "providers": str(len(orgs)),
            "providers_in_area": str(len(providers_in[area])),
        }
        for (area, term), orgs in sorted(offered.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1]))
    ]
    frame = pd.DataFrame(
        [{**row, "providers": int(row["providers"])} for row in table],
        columns=["area", "support_type", "providers", "providers_in_area"],
    )
    area_names = sorted(providers_in)
    base = alt.Chart(frame).encode(y=alt.Y("support_type:N", title=None, sort="-x", axis=alt.Axis(labelLimit=200)))
    bars = base.mark_bar(color=PALETTE[2]).encode(
        x=alt.X("providers:Q", title="Providers", axis=alt.Axis(tickMinStep=1, format="d"))
    )
    labels = base.mark_text(align="left", dx=4, color=INK, fontSize=12).encode(x="providers:Q", text="providers:Q")
    layered = alt.layer(bars, labels).properties(
        width=max(160, (WIDTH - 200) // max(1, len(area_names))), height=alt.Step(26)
    )
    faceted = layered.facet(column=alt.Column("area:N", title="Area served", sort=area_names), spacing=16)
    if table:
        best = max(table, key=lambda r: (int(r["providers"]), r["area"] == area_names[0]))
        n_area = best["providers_in_area"]
        title = (
            f"{best['providers']} of {best['area']}'s {n_area} day opportunity providers offer "
            f"{best['support_type'].lower()}"
        )
        alt_text = (
            "Horizontal bar chart of the number of providers offering each type of support, by area served ("
            + listing(area_names)
            + "). "
            + " ".join(
                f"In {area}: "
                + ", ".join(f"{r['support_type']} {r['providers']}" for r in table if r["area"] == area)
                + f" of {len(providers_in[area])} providers."
                for area in area_names
            )
        )
    else:
        title, alt_text = "Types of support providers offer", "Bar chart of providers by type of support: no links yet."
    return Drawn(
        chart=faceted,
        table=table,
        title=title,
        alt=alt_text,
        subtitle="Number of organisations offering each type of support, by area served (a provider may offer several)",
        source=source_note(package, res["service_taxonomy"].rows),
        columns={
            "area": "Area served",
            "support_type": "Type of support",
            "providers": "Providers offering it",
            "providers_in_area": "Providers in the area",
        },
    )


chart(
    "providers-by-support-type",
    ("providers",),
    "service_taxonomy",
    "How many providers offer each type of support, by the area they serve",
)(providers_by_support_type)
chart(
    "liverpool-providers-by-support-type",
    ("providers",),
    "service_taxonomy",
    "How many of Liverpool's providers offer each type of support",
)(lambda packages: providers_by_support_type(packages, "E08000012"))


@chart(
    "survey-answers-by-question",
    ("survey",),
    "answer_count",
    f"How many people gave each answer to each survey question; counts of {SUPPRESSED} are suppressed ([c])",
)
def survey_answers_by_question(packages) -> Drawn:
    package = packages["survey"]
    rows = package.resources["answer_count"].rows
    everyone = [r for r in rows if r["provider_id"] == "all"]
    shown = everyone or rows
    label = (lambda r: r["answer"]) if everyone else (lambda r: f"{r['answer']} ({r['provider_id']})")
    records = []
    for r in shown:
        value = number(r["count"])
        records.append(
            {
                "question": r["question"],
                "answer": label(r),
                "count": value,
                "label": f"{value:g}" if value is not None else f"{r['count']} {_symbol_word(r['count'])}",
            }
        )
    frame = pd.DataFrame(records, columns=["question", "answer", "count", "label"])
    base = alt.Chart().encode(y=alt.Y("answer:N", title=None, sort=None, axis=alt.Axis(labelLimit=200)))
    bars = base.mark_bar(color=PALETTE[0]).encode(x=alt.X("count:Q", title="People"))
    # A suppressed count is a word at zero, never a bar of zero: [c] means a few people, not none.
    labels = (
        base.mark_text(align="left", dx=4, color=INK, fontSize=12)
        .encode(x=alt.X("plotted:Q"), text="label:N")
        .transform_calculate(plotted="isValid(datum.count) ? datum.count : 0")
    )
    layered = alt.layer(bars, labels, data=frame).properties(width=WIDTH - 260, height=alt.Step(24))
    faceted = layered.facet(
        row=alt.Row(
            "question:N",
            title=None,
            sort=None,
            header=alt.Header(
                labelAngle=0,
                labelAlign="left",
                labelAnchor="start",
                labelOrient="top",
                labelLimit=WIDTH,
                labelFontWeight="bold",
            ),
        ),
        spacing=16,
    ).resolve_scale(y="independent")
    questions = list(dict.fromkeys(r["question"] for r in shown))
    suppressed = [r for r in shown if r["count"] == "[c]"]
    if shown:
        top = max((r for r in shown if number(r["count"]) is not None), key=lambda r: number(r["count"]), default=None)
        title = (
            f"The most common answer was '{top['answer']}' ({number(top['count']):g} people)"
            if top
            else "Every answer count is suppressed"
        )
        alt_text = (
            f"Horizontal bar chart of answer counts for {len(questions)} survey question"
            f"{'s' if len(questions) != 1 else ''}. "
            + (
                f"The largest is '{top['answer']}' to '{top['question']}' with {number(top['count']):g} people. "
                if top
                else ""
            )
            + (
                f"{len(suppressed)} count{'s are' if len(suppressed) != 1 else ' is'} suppressed "
                f"([c], {SUPPRESSED} people) and labelled, not drawn."
                if suppressed
                else ""
            )
        )
    else:
        title, alt_text = "Survey answers by question", "Bar chart of survey answers: no counts are published yet."
    return Drawn(
        chart=faceted,
        title=title,
        alt=alt_text.strip(),
        source=source_note(package, rows),
        subtitle=f"Number of people giving each answer, by question; [c] marks a count of {SUPPRESSED}, suppressed",
        table=[
            {"question": r["question"], "answer": r["answer"], "provider_id": r["provider_id"], "count": r["count"]}
            for r in shown
        ],
        columns={"question": "Question", "answer": "Answer", "provider_id": "Provider", "count": "People"},
    )


def _symbol_word(symbol: str) -> str:
    return SHORT.get(symbol, "missing")
