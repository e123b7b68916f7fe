"""The chart registry: one small function per chart, from the loaded data packages to an altair chart.

Declared once in ``CHARTS``; ``scripts/charts/render.py`` renders each to SVG, PNG, CSV and
Vega-Lite JSON at build time, and ``{chart <id>}`` places one in a report. A chart function
returns a ``Drawn``: the altair chart, the table of published cells it shows (also the CSV
download), and its words (headline title, statistical subtitle, alt text, source note), each
worked out from the data, never typed.
"""

from __future__ import annotations

import copy
import functools
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from scripts import series
from scripts import settings as project_settings
from scripts.datapackages import DataPackage, number
from scripts.figures.official import change_words, pounds
from scripts.formats import gbp_millions
from scripts.symbols import SHORT, SUPPRESSED, suppressed_range

# Okabe-Ito colours with a contrast of at least 3:1 against white (WCAG 1.4.11).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
INK = "#0b0c0c"
SUBTLE = "#505a5f"
# The site's font (theme/static/css/site.css), self-hosted from the pinned npm package source-sans-pro. The renderer
# measures labels with the same font files (scripts/charts/render.py registers them), so what is drawn fits.
FONT_FAMILY = "Source Sans Pro"
FONT = f"{FONT_FAMILY}, sans-serif"
# Each chart is drawn twice: for the text column of a wide screen, and for a 320 px phone (its 288 px column). The
# page shows the one for the screen, never shrunk, so no text is smaller than FONT_SIZE CSS px.
WIDE, NARROW = 688, 288
WIDTHS = {"wide": WIDE, "narrow": NARROW}
FONT_SIZE = 12
STEP = 40  # one bar with a line of name above it
BAR = 14
LINE = 15  # a line of chart text
MAX_LINES = 3  # a longer name is cut with "…"; the table has it whole
CHAR_WIDTH = 6.5  # a generous average advance of Source Sans Pro at 12 px, for wrapping names
PANEL_MIN, PANEL_GAP = 300, 24  # small multiples sit side by side only when each keeps this width
VALUE_ROOM = 48  # room to the right of the longest bar for its value label


# An axis of GBP thousands labelled as a reader says it: £0, £500k, £2m.
POUNDS_AXIS = (
    "datum.value == 0 ? '£0' : datum.value >= 1000 ? '£' + format(datum.value / 1e3, '~g') + 'm' "
    ": '£' + format(datum.value, '~g') + 'k'"
)


class ChartError(LookupError):
    pass


@dataclass
class Drawn:
    """What a chart function returns; ``table`` holds the cells as published (symbols kept)."""

    chart: alt.TopLevelMixin | None  # drawn for the wide column (None: its spec came from the chart cache)
    table: list[dict]
    columns: dict[str, str]  # field in table -> column heading
    title: str
    subtitle: str
    alt: str
    source: str
    narrow: alt.TopLevelMixin | None = None  # the same chart drawn for a phone


@dataclass(frozen=True)
class ChartSpec:
    id: str
    packages: tuple[str, ...]
    resource: str  # the resource whose rows the chart needs; no rows, no chart
    draw: Callable[..., Drawn]  # (packages, width in CSS px, **the settings it names) -> Drawn
    settings: tuple[str, ...] = ()  # settings the chart says (the suppression threshold), as the build has them
    present: Callable[[dict[str, DataPackage]], bool] | None = None  # a family member: is its key in the data?


@dataclass(frozen=True)
class ChartFamily:
    """A chart drawn once for each key the data holds (a council's GSS code), its id ``prefix + key + suffix``;
    each member is rendered, placed and downloaded like a chart of ``CHARTS``."""

    prefix: str
    suffix: str
    packages: tuple[str, ...]
    resource: str
    keys: Callable[[dict[str, DataPackage]], list[str]]
    draw: Callable[[dict[str, DataPackage], str, int], Drawn]  # (packages, key, width) -> Drawn

    def id(self, key: str) -> str:
        return f"{self.prefix}{key}{self.suffix}"

    def key(self, id: str) -> str | None:
        inner = id[len(self.prefix) : len(id) - len(self.suffix)]
        return inner if id.startswith(self.prefix) and id.endswith(self.suffix) and inner else None

    def spec(self, key: str) -> ChartSpec:
        return ChartSpec(
            self.id(key),
            self.packages,
            self.resource,
            lambda packages, width: self.draw(packages, key, width),
            present=lambda packages: all(name in packages for name in self.packages) and key in self.keys(packages),
        )


CHARTS: dict[str, ChartSpec] = {}
FAMILIES: dict[str, ChartFamily] = {}


def chart(id: str, packages: tuple[str, ...], resource: str, *, settings: tuple[str, ...] = ()):
    def register(draw):
        CHARTS[id] = ChartSpec(id, packages, resource, draw, settings)
        return draw

    return register


def has_data(spec: ChartSpec, packages: dict[str, DataPackage]) -> bool:
    if spec.present is not None:
        return spec.present(packages)
    package = packages.get(spec.packages[0])
    return bool(package and spec.resource in package.resources and package.resources[spec.resource].rows)


def available(packages: dict[str, DataPackage]) -> list[str]:
    """Every chart the packages can draw: each of ``CHARTS`` with data, then each family's members."""
    ids = [id for id, spec in CHARTS.items() if has_data(spec, packages)]
    for family in FAMILIES.values():
        if all(name in packages for name in family.packages):
            ids.extend(family.id(key) for key in family.keys(packages))
    return ids


def get(id: str) -> ChartSpec:
    if id in CHARTS:
        return CHARTS[id]
    for family in FAMILIES.values():
        if (key := family.key(id)) is not None:
            return family.spec(key)
    known = ", ".join([*sorted(CHARTS), *(f"{f.prefix}<key>{f.suffix}" for f in FAMILIES.values())])
    raise ChartError(f"unknown chart '{id}'; known charts: {known}")


def options(spec: ChartSpec, settings: Mapping | None) -> dict:
    """The settings a chart states, as the build has them."""
    return {name: project_settings.value(name, settings) for name in spec.settings}


def draw(id: str, packages: dict[str, DataPackage], settings: Mapping | None = None) -> Drawn:
    """The chart drawn wide and narrow; ``settings`` are the build's (Pelican's, which the build gives the
    validator's), so a chart states the threshold the data was checked against."""
    spec = get(id)
    missing = [name for name in spec.packages if name not in packages]
    if missing:
        raise ChartError(f"chart '{id}' needs the data package(s) {', '.join(missing)}")
    options_ = options(spec, settings)
    # Altair's debug mode checks each part against the schema as it is made: about a third of drawing a council
    # chart. tests/test_charts.py checks every chart's two whole specs against the schema instead.
    with debug_mode(False):
        drawn = spec.draw(packages, WIDE, **options_)
        drawn.narrow = spec.draw(packages, NARROW, **options_).chart
    return drawn


def vega_lite(chart) -> dict:
    """A drawn chart's Vega-Lite spec, data included, in the house style.

    Altair checks a spec against the Vega-Lite schema and copies the whole chart at each ``configure`` call: for
    150 council charts that was most of the chart stage. So the style is added to the finished dict, and the schema
    check is left to tests/test_charts.py, which checks every chart the data draws."""
    with alt.data_transformers.disable_max_rows():  # Altair's 5,000-row guard is for notebooks, not a build
        spec = chart.to_dict(validate=False)
    return {**spec, "config": copy.deepcopy(house_style())}


@functools.cache
def house_style() -> dict:
    """The house style as Vega-Lite config: the site's font, accessible colours, nothing drawn past the given width.
    The headline and subtitle are not drawn: the page holds them as text (scripts/charts/render.py)."""
    return (
        alt.Chart()
        .configure(font=FONT, background="white", aria=False, padding={"left": 0, "top": 6, "right": 0, "bottom": 6})
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=INK,
            titleColor=INK,
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
            titleFontWeight="normal",
            labelFlush=True,
            domainColor=SUBTLE,
            tickColor=SUBTLE,
            gridColor="#b1b4b6",
        )
        .configure_header(labelColor=INK, titleColor=INK, labelFontSize=FONT_SIZE + 1, titleFontSize=FONT_SIZE)
        .configure_text(fontSize=FONT_SIZE)
        .configure_range(category=PALETTE)
        .to_dict(validate=False)["config"]
    )


def wrap(name: str, width: int) -> str:
    """A name in lines that fit the width (the renderer still cuts a line that does not), at most MAX_LINES."""
    lines = textwrap.wrap(name, max(8, int(width / CHAR_WIDTH))) or [name]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] += "…"
    return "\n".join(lines)


def labelled_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    label: str,
    width: int,
    colour: str,
    x_title: str,
    order: list[str] | None = None,
    panel: str | None = None,
    panel_order: list[str] | None = None,
    x_axis: dict | None = None,
    domain_max: float | None = None,
):
    """Horizontal bars, each with its name above it and its value at its end, so long names never squeeze the plot
    and the chart reflows to any width. With ``panel``, one small multiple per value, side by side while each keeps
    PANEL_MIN px, else one under another; each panel's name above it."""
    columns, plot_width = _panel_grid(frame, width, panel)
    largest = frame[value].max() if len(frame) else 0
    largest = 0 if pd.isna(largest) else float(largest)
    # The scale runs past the longest bar so its value label fits inside the drawing.
    top = max(domain_max or 0, largest * plot_width / (plot_width - VALUE_ROOM), 1)
    names = [wrap(str(name), plot_width) for name in frame[category]] if len(frame) else []
    frame = frame.assign(_name=names, _lines=[name.count("\n") + 1 for name in names])
    lines = max((name.count("\n") + 1 for name in names), default=1)
    step = STEP + (lines - 1) * LINE
    bar_offset = step / 2 - BAR / 2 - 4  # the bar at the foot of its band, its name above it
    y = alt.Y(f"{category}:N", sort=order, axis=None, title=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.1))
    x = alt.X(
        f"{value}:Q",
        title=x_title,
        scale=alt.Scale(domain=[0, top], nice=False),
        axis=alt.Axis(**{"tickCount": max(2, plot_width // 70), **(x_axis or {})}),
    )
    base = alt.Chart().encode(y=y)
    bars = base.mark_bar(color=colour, size=BAR, yOffset=bar_offset).encode(x=x)
    values = (
        base.mark_text(align="left", baseline="middle", dx=4, yOffset=bar_offset, color=INK)
        .encode(x=alt.X("_plotted:Q", scale=alt.Scale(domain=[0, top], nice=False)), text=alt.Text(f"{label}:N"))
        .transform_calculate(_plotted=f"isValid(datum['{value}']) ? datum['{value}'] : 0")
    )
    labels = _name_labels(base, names, bar_offset, plot_width)
    # With no value to draw (every cell a symbol), an empty plot of one band's height: its words and table say why.
    height = alt.Step(step) if len(frame) else step
    # Each chart made whole in one step: Altair copies a layered chart whole at every .properties() or .facet().
    layers, size = [bars, values, *labels], {"width": plot_width, "height": height}
    if not panel or not len(frame):
        return alt.LayerChart(layer=layers, data=frame, **size)
    return _faceted(alt.LayerChart(layer=layers, **size), frame, panel, panel_order, plot_width, columns)


def _panel_grid(frame: pd.DataFrame, width: int, panel: str | None) -> tuple[int, int]:
    """How many panels side by side, and each one's plot width."""
    width -= 4  # the axis line and the last tick label's edge are drawn just past the plot
    columns = max(1, (width + PANEL_GAP) // (PANEL_MIN + PANEL_GAP)) if panel else 1
    panels = frame[panel].nunique() if panel and len(frame) else 1
    columns = min(columns, max(1, panels))
    return columns, (width - (columns - 1) * PANEL_GAP) // columns


def _name_labels(base, names: list[str], bar_offset: float, plot_width: int) -> list:
    """A name's lines end just above its bar: one layer per number of lines, as a text mark grows downwards."""
    return [
        base.mark_text(
            align="left",
            baseline="top",
            yOffset=bar_offset - BAR / 2 - 2 - count * LINE,
            lineBreak="\n",
            lineHeight=LINE,
            color=INK,
            limit=plot_width,
        )
        # The channels themselves: alt.value(0), or a shorthand string, costs a schema look-up per call.
        .encode(x=alt.XValue(0), text=alt.Text("_name:N"))
        .transform_filter(f"datum._lines == {count}")
        for count in sorted({name.count("\n") + 1 for name in names} or {1})
    ]


def _faceted(layered, frame, panel: str, panel_order: list[str] | None, plot_width: int, columns: int):
    """One small multiple per value of ``panel``, its name above it, ``columns`` side by side."""
    return alt.FacetChart(
        spec=layered,
        data=frame,
        facet=alt.Facet(
            f"{panel}:N",
            sort=panel_order,
            title=None,
            header=alt.Header(
                labelAngle=0,
                labelAlign="left",
                labelAnchor="start",
                labelOrient="top",
                labelLimit=plot_width,
                labelFontWeight="bold",
                labelPadding=6,
            ),
        ),
        columns=columns,
        spacing={"column": PANEL_GAP, "row": 20},
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
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
)
def norfolk_people_by_locality(packages, width: int = WIDE) -> Drawn:
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
    bars = labelled_bars(
        frame,
        category="locality",
        value="share_percent",
        label="label",
        width=width,
        colour=PALETTE[0],
        x_title="Share of people (%)",
        order=order,
        domain_max=100,
    )
    when = month_name(month)
    title, alt_text = locality_words(known, rows, authority, when)
    table = [
        {"locality": r["locality"], "share_percent": r["share_percent"]}
        for r in known + [r for r in rows if number(r["share_percent"]) is None]
    ]
    return Drawn(
        chart=bars,
        table=table,
        columns={"locality": "Locality", "share_percent": "Share of people (%)"},
        title=title,
        subtitle=f"Share of people using mental health day opportunities support, by locality, {authority}, {when}",
        alt=alt_text,
        source=source_note(package, rows),
    )


def locality_words(known: list[dict], rows: list[dict], authority: str, when: str) -> tuple[str, str]:
    """The locality chart's headline and alt text: the largest share (a tie said as one), then the rest."""
    missing = [r["locality"] for r in rows if number(r["share_percent"]) is None]
    absent = f" No figure is published for {listing(missing)}." if missing else ""
    if not known:
        title = f"Where {authority}'s people using day opportunities lived"
        return title, f"Bar chart of {authority}'s people by locality, {when}: every share is missing.{absent}"
    share = number(known[0]["share_percent"])
    # Every locality with the largest share, so a tie is said as one.
    leaders = [r["locality"] for r in known if number(r["share_percent"]) == share]
    words = share_in_words(share)
    where = f"in {leaders[0]}" if len(leaders) == 1 else f"in each of {listing(leaders)}"
    title = f"{words[0].upper()}{words[1:]} of {authority}'s people using day opportunities lived {where}"
    largest = (
        f"{leaders[0]} had the largest share ({share:g}%)"
        if len(leaders) == 1
        else f"{listing(leaders)} had the largest shares ({share:g}% each)"
    )
    others = ", ".join(f"{r['locality']} ({number(r['share_percent']):g}%)" for r in known[len(leaders) :])
    alt_text = (
        f"Horizontal bar chart of the share of people using day opportunities support in {authority} "
        f"by locality, {when}. {largest}" + (f", then {others}." if others else ".")
    )
    return title, alt_text + absent


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
)
def spend_by_authority_and_year(packages, width: int = WIDE) -> Drawn:
    package = packages["spend"]
    rows = package.resources["spend"].rows
    years = sorted({r["financial_year"] for r in rows})
    authorities = sorted({r["authority_name"] for r in rows})
    known = [r for r in rows if number(r["amount_gbp"]) is not None]
    frame = spend_frame(known)
    # One small multiple per financial year, a bar per authority, so 150 x 10 stays readable at any width.
    faceted = labelled_bars(
        frame,
        category="authority_name",
        value="amount_gbp",
        label="label",
        width=width,
        colour=PALETTE[0],
        x_title="Spend (£)",
        order=authorities,
        panel="financial_year",
        panel_order=years,
        x_axis={"tickCount": 3, "labelExpr": "'£' + format(datum.value / 1e6, '~g') + 'm'"},
    )
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
        table=spend_table(rows),
        columns={
            "authority_name": "Authority",
            "authority_code": "GSS code",
            "financial_year": "Financial year",
            "amount_gbp": "Spend (£)",
        },
    )


def spend_frame(known: list[dict]) -> pd.DataFrame:
    """The published amounts as the spend chart draws them, each with its label in £ millions."""
    return pd.DataFrame(
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


def spend_table(rows: list[dict]) -> list[dict]:
    """The spend chart's table: every row as published, by authority and year."""
    return [
        {
            "authority_name": r["authority_name"],
            "authority_code": r["authority_code"],
            "financial_year": r["financial_year"],
            "amount_gbp": r["amount_gbp"],
        }
        for r in sorted(rows, key=lambda r: (r["authority_name"], r["financial_year"]))
    ]


def providers_by_support_type(packages, width: int = WIDE, authority: str | None = None) -> Drawn:
    """Providers offering each type of support, by area served; only areas of ``authority``
    (a GSS code) when given, so a page about one council shows that council's providers."""
    package = packages["providers"]
    res = package.resources
    areas = _areas_of_services(res, authority)
    offered, providers_in = _support_offered(res, areas)
    table = [
        {
            "area": area,
            "support_type": term,
            "providers": str(len(orgs)),
            "providers_in_area": str(len(providers_in[area])),
        }
        for (area, term), orgs in sorted(offered.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1]))
    ]
    frame, order = support_frame(table)
    area_names = sorted(providers_in)
    faceted = labelled_bars(
        frame,
        category="support_type",
        value="providers",
        label="label",
        width=width,
        colour=PALETTE[2],
        x_title="Providers",
        order=order,
        panel="area",
        panel_order=area_names,
        x_axis={"tickMinStep": 1, "format": "d"},
    )
    title, alt_text = support_words(table, area_names, providers_in)
    return Drawn(
        chart=faceted,
        table=table,
        title=title,
        alt=alt_text,
        subtitle="Number of organisations offering each type of support, by area served (a provider may offer several)",
        source=source_note(package, [link for link in res["service_taxonomy"].rows if link["service_id"] in areas]),
        columns={
            "area": "Area served",
            "support_type": "Type of support",
            "providers": "Providers offering it",
            "providers_in_area": "Providers in the area",
        },
    )


def support_frame(table: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """The support chart's counts as it draws them, and its types of support, the most offered first."""
    frame = pd.DataFrame(
        [{**row, "providers": int(row["providers"])} for row in table],
        columns=["area", "support_type", "providers", "providers_in_area"],
    )
    frame["label"] = frame["providers"].astype(str)
    order = sorted(
        frame["support_type"].unique(), key=lambda t: (-frame[frame["support_type"] == t]["providers"].max(), t)
    )
    return frame, order


def _areas_of_services(res: dict, authority: str | None) -> dict[str, set[str]]:
    """Service id -> the names of the areas it serves (only ``authority``'s, when given)."""
    areas: dict[str, set[str]] = {}
    for row in res["service_area"].rows:
        if authority is None or row["authority_code"] == authority:
            areas.setdefault(row["service_id"], set()).add(row["name"])
    return areas


def _support_offered(res: dict, areas: dict[str, set[str]]) -> tuple[dict, dict]:
    """(area, type of support) -> the organisations offering it there, and area -> every organisation serving it."""
    organisation_of = {s["id"]: s["organization_id"] for s in res["service"].rows}
    terms = {t["id"]: t for t in res["taxonomy_term"].rows if t["taxonomy"] == "support-type"}
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
    return offered, providers_in


def support_words(table: list[dict], area_names: list[str], providers_in: dict) -> tuple[str, str]:
    """The support chart's headline (the most offered type of support) and alt text (every area's counts)."""
    if not table:
        return "Types of support providers offer", "Bar chart of providers by type of support: no links yet."
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
    return title, alt_text


chart(
    "providers-by-support-type",
    ("providers",),
    "service_taxonomy",
)(providers_by_support_type)
chart(
    "liverpool-providers-by-support-type",
    ("providers",),
    "service_taxonomy",
)(lambda packages, width=WIDE: providers_by_support_type(packages, width, "E08000012"))


@chart(
    "survey-answers-by-question",
    ("survey",),
    "answer_count",
    settings=("suppression_threshold",),
)
def survey_answers_by_question(packages, width: int = WIDE, *, suppression_threshold: int) -> Drawn:
    suppressed_counts = suppressed_range(int(suppression_threshold))  # "1 to 4"
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
    # A suppressed count is a word at zero, never a bar of zero: [c] means a few people, not none.
    faceted = labelled_bars(
        frame,
        category="answer",
        value="count",
        label="label",
        width=width,
        colour=PALETTE[0],
        x_title="People",
        panel="question",
        panel_order=list(dict.fromkeys(frame["question"])),
    )
    if shown:
        title, alt_text = survey_words(shown, label, suppressed_counts)
    else:
        title, alt_text = "Survey answers by question", "Bar chart of survey answers: no counts are published yet."
    return Drawn(
        chart=faceted,
        title=title,
        alt=alt_text.strip(),
        source=source_note(package, rows),
        subtitle=f"Number of people giving each answer, by question; [c] marks a count of {suppressed_counts}, suppressed",
        table=[
            {"question": r["question"], "answer": r["answer"], "provider_id": r["provider_id"], "count": r["count"]}
            for r in shown
        ],
        columns={"question": "Question", "answer": "Answer", "provider_id": "Provider", "count": "People"},
    )


def survey_words(shown: list[dict], label: Callable[[dict], str], suppressed_counts: str) -> tuple[str, str]:
    """The survey chart's headline (the most common answer, a tie said as one) and alt text."""
    questions = list(dict.fromkeys(r["question"] for r in shown))
    suppressed = [r for r in shown if r["count"] == SUPPRESSED]
    counted = [r for r in shown if number(r["count"]) is not None]
    most = max((number(r["count"]) for r in counted), default=None)
    # Every answer with the largest count, so a tie is said as one.
    tops = [r for r in counted if number(r["count"]) == most]
    title = _survey_title(shown, tops, most, label)
    largest = listing([f"'{label(r)}' to '{r['question']}'" for r in tops]) if tops else ""
    alt_text = (
        f"Horizontal bar chart of answer counts for {len(questions)} survey question"
        f"{'s' if len(questions) != 1 else ''}. "
        + (
            f"The largest {'is' if len(tops) == 1 else 'are'} {largest}, with {most:g} "
            f"{'people' if len(tops) == 1 else 'people each'}. "
            if tops
            else ""
        )
        + (
            f"{len(suppressed)} count{'s are' if len(suppressed) != 1 else ' is'} suppressed "
            f"([c], {suppressed_counts} people) and labelled, not drawn."
            if suppressed
            else ""
        )
    )
    return title, alt_text


def _survey_title(shown: list[dict], tops: list[dict], most, label: Callable[[dict], str]) -> str:
    if not tops:
        suppressed_only = all(r["count"] == SUPPRESSED for r in shown)
        return "Every answer count is suppressed" if suppressed_only else "No answer count is published"
    if most == 0:
        return "Every published answer count is zero"
    if len(tops) == 1:
        return f"The most common answer was '{label(tops[0])}' ({most:g} people)"
    names = list(dict.fromkeys(label(r) for r in tops))
    if len(names) == 1:
        return f"The most common answer was '{names[0]}' ({most:g} people to each of {len(tops)} questions)"
    quoted = listing([f"'{name}'" for name in names])
    return f"The most common answers were {quoted} ({most:g} people each)"


def _symbol_word(symbol: str) -> str:
    return SHORT.get(symbol, "missing")


# --- the official series (data/day-care-spend/) --------------------------------------------------


def _series(packages):
    loaded = series.of(packages)
    if loaded is None or not loaded.years:
        raise ChartError(f"the official series charts need the '{series.PACKAGE}' package with a gross cost")
    return loaded


def _series_source(packages) -> str:
    sources = packages[series.PACKAGE].sources.values()
    returns = sorted({s["publisher"] for s in sources if s["source_id"].startswith("pss-")})
    deflators = sorted({s["publisher"] for s in sources if "deflator" in s["source_id"]})
    note = "Source: councils' returns, official statistics published by " + "; ".join(returns)
    return note + (f"; GDP deflators: {listing(deflators)}" if deflators else "")


def _breaks(data) -> str:
    return _breaks_within(data, data.first, data.latest)


def _breaks_within(data, start: str, end: str) -> str:
    years = [d["financial_year"] for d in data.breaks_between(start, end)]
    return f"; what counts as day care changes in {listing(years)}" if years else ""


def _new_definition(data, year: str) -> bool:
    return year != data.first and data.definitions.get(year, {}).get("series_break") == "true"


def _year_name(data, year: str) -> str:
    """A year as the bars name it: a year whose definition breaks from the year before says so."""
    return f"{year} (new definition)" if _new_definition(data, year) else year


def cash_and_real(data, years: list, width: int, colour: str):
    """One panel of bars in cash and one at the base year's prices, a bar a year, the same years in both; a year
    whose cell is a symbol keeps its band, labelled with the symbol and drawn as no bar."""
    cash, real = "In cash", f"At {data.base_year} prices"
    rows = []
    for year in years:
        name = _year_name(data, year.financial_year)
        gross, at_prices = year.gross, year.real
        symbol = "[x]" if gross is not None else (year.cell(series.GROSS) or "[x]")
        rows.append(
            {"year": name, "panel": cash, "value": gross, "label": pounds(gross) if gross is not None else symbol}
        )
        rows.append(
            {
                "year": name,
                "panel": real,
                "value": at_prices,
                "label": pounds(at_prices) if at_prices is not None else symbol,
            }
        )
    frame = pd.DataFrame(rows, columns=["year", "panel", "value", "label"])
    return labelled_bars(
        frame,
        category="year",
        value="value",
        label="label",
        width=width,
        colour=colour,
        x_title="Gross cost",
        order=[_year_name(data, y.financial_year) for y in years],
        panel="panel",
        panel_order=[cash, real],
        x_axis={"tickCount": 3, "labelExpr": POUNDS_AXIS},
    )


def cash_and_real_table(years: list) -> list[dict]:
    """The table twin of ``cash_and_real``: each year's cells, a symbol where the value is not published."""
    rows = []
    for y in years:
        symbol = "[x]" if y.gross is not None else (y.cell(series.GROSS) or "[x]")  # no deflator, or as published
        cash = f"{y.gross:.0f}" if y.gross is not None else symbol
        rows.append(
            {
                "financial_year": y.financial_year,
                "cash": cash,
                "real": f"{y.real:.0f}" if y.real is not None else symbol,
            }
        )
    return rows


def _real_change_words(drawn: list) -> str:
    first, last = drawn[0], drawn[-1]
    return change_words(100 * (last.real - first.real) / first.real) if first.real else ""


@chart(
    "england-day-care-by-year",
    (series.PACKAGE,),
    "published_total",
)
def england_day_care_by_year(packages, width: int = WIDE) -> Drawn:
    data = _series(packages)
    years = [data.england[y] for y in data.years if y in data.england and data.england[y].cell(series.GROSS)]
    drawn = [y for y in years if y.real is not None]
    if len(drawn) >= 2 and (words := _real_change_words(drawn)):
        first, last = drawn[0], drawn[-1]
        title = (
            f"{words[0].upper()}{words[1:]} in real terms: England's councils reported {pounds(last.real)} on day care "
            f"in {last.financial_year}, against {pounds(first.real)} in {first.financial_year} at "
            f"{data.base_year} prices ({pounds(first.gross)} in cash)"
        )
        top = max(drawn, key=lambda y: y.real)
        alt_text = (
            f"Horizontal bar charts of England's gross cost of day care by financial year, {first.financial_year} to "
            f"{last.financial_year}, one in cash and one at {data.base_year} prices. At {data.base_year} prices the "
            f"highest year was {top.financial_year} ({pounds(top.real)}); {last.financial_year} was "
            f"{pounds(last.real)}."
        )
    else:
        title = "England's gross cost of day care for adults with mental health needs, in cash and in real terms"
        alt_text = (
            "Horizontal bar charts of England's gross cost of day care by financial year, in cash and real terms."
        )
    return _cash_and_real_drawn(packages, data, years, width, "England", (data.first, data.latest), title, alt_text)


def _cash_and_real_drawn(packages, data, years: list, width: int, place: str, period, title: str, alt: str) -> Drawn:
    """A place's gross cost by year in cash and in real terms (England's, or a council's): its bars, their table and
    the subtitle naming the place, the prices, the years ``period`` spans and the breaks between them."""
    start, end = period
    return Drawn(
        chart=cash_and_real(data, years, width, PALETTE[0]),
        table=cash_and_real_table(years),
        columns=_cash_real_columns(data),
        title=title,
        subtitle=(
            f"Gross cost of day care for adults with mental health needs, {place}, £, in cash and at "
            f"{data.base_year} prices (HM Treasury GDP deflator), {start} to {end}{_breaks_within(data, start, end)}"
        ),
        alt=alt,
        source=_series_source(packages),
    )


def _cash_real_columns(data) -> dict[str, str]:
    return {
        "financial_year": "Financial year",
        "cash": "Gross cost, cash (£ thousands)",
        "real": f"Gross cost at {data.base_year} prices (£ thousands)",
    }


@chart(
    "england-day-care-bought-from-others",
    (series.PACKAGE,),
    "published_total",
)
def england_bought_from_others(packages, width: int = WIDE) -> Drawn:
    data = _series(packages)
    rows = [
        {"financial_year": y, "share": data.england[y].share_bought}
        for y in data.years
        if y in data.england and data.england[y].share_bought is not None
    ]
    frame = pd.DataFrame(
        [{**r, "label": f"{round(r['share'])}%"} for r in rows], columns=["financial_year", "share", "label"]
    )
    bars = labelled_bars(
        frame,
        category="financial_year",
        value="share",
        label="label",
        width=width,
        colour=PALETTE[1],
        x_title="Share bought from others (%)",
        order=[r["financial_year"] for r in rows],
        domain_max=100,
        x_axis={"values": [0, 25, 50, 75, 100]},
    )
    if rows:
        first, last = rows[0], rows[-1]
        title = (
            f"Councils bought {round(last['share'])}% of England's day care from other organisations in "
            f"{last['financial_year']}, against {round(first['share'])}% in {first['financial_year']}"
        )
        alt_text = (
            f"Horizontal bar chart of the share of England's gross cost of day care bought from other organisations, "
            f"{first['financial_year']} to {last['financial_year']}: from {round(first['share'])}% to "
            f"{round(last['share'])}%."
        )
    else:
        title, alt_text = "Day care bought from other organisations, England", "Bar chart with no published share."
    return Drawn(
        chart=bars,
        table=[{"financial_year": r["financial_year"], "share": f"{r['share']:.1f}"} for r in rows],
        columns={"financial_year": "Financial year", "share": "Bought from others (% of gross cost)"},
        title=title,
        subtitle=(
            "Provision by others as a share of the gross cost of day care for adults with mental health needs, "
            f"England, %, {data.first} to {data.latest}{_breaks(data)}"
        ),
        alt=alt_text,
        source=_series_source(packages),
    )


@chart(
    "council-day-care-spread",
    (series.PACKAGE,),
    "spend",
)
def council_day_care_spread(packages, width: int = WIDE) -> Drawn:
    data = _series(packages)
    spreads = [data.spreads[y] for y in data.years if y in data.spreads]
    picture = spread_picture(spreads, width)
    title, alt_text = spread_words(spreads)
    return Drawn(
        chart=picture,
        table=[
            {
                "financial_year": s.financial_year,
                "councils": str(s.councils),
                "lower": f"{s.lower:.0f}",
                "median": f"{s.median:.0f}",
                "upper": f"{s.upper:.0f}",
                "zero": str(s.zero),
            }
            for s in spreads
        ],
        columns={
            "financial_year": "Financial year",
            "councils": "Councils with a figure",
            "lower": "Lower quartile (£ thousands)",
            "median": "Median (£ thousands)",
            "upper": "Upper quartile (£ thousands)",
            "zero": "Councils reporting none",
        },
        title=title,
        subtitle=(
            "Councils' gross cost of day care for adults with mental health needs, England, £ thousands, cash, "
            f"bars from the lower to the upper quartile (inclusive method), a mark at the median, {data.first} to "
            f"{data.latest}{_breaks(data)}; compare years only within one definition"
        ),
        alt=alt_text,
        source=_series_source(packages),
    )


def spread_picture(spreads: list, width: int):
    """Each year's quartiles as a bar from the lower to the upper, the median marked and labelled."""
    frame = pd.DataFrame(
        [
            {
                "financial_year": s.financial_year,
                "lower": s.lower,
                "median": s.median,
                "upper": s.upper,
                "label": f"£{s.median:,.0f}k",
            }
            for s in spreads
        ],
        columns=["financial_year", "lower", "median", "upper", "label"],
    )
    plot_width = width - 4 - VALUE_ROOM
    top = max(float(frame["upper"].max()) if len(frame) else 1, 1) * plot_width / (plot_width - VALUE_ROOM)
    x = alt.X(
        "lower:Q",
        title="£ thousands per council",
        scale=alt.Scale(domain=[0, top], nice=False),
        axis=alt.Axis(tickCount=max(2, plot_width // 150), labelExpr="'£' + format(datum.value, ',~g') + 'k'"),
    )
    y = alt.Y("financial_year:N", sort=[s.financial_year for s in spreads], title=None, axis=alt.Axis(labelPadding=4))
    base = alt.Chart(frame).encode(y=y)
    ranges = base.mark_rule(color=PALETTE[0], size=8).encode(x=x, x2=alt.X2("upper:Q"))
    medians = base.mark_tick(color=PALETTE[4], thickness=3, size=16).encode(x=alt.X("median:Q"))
    labels = base.mark_text(align="left", dx=6, color=INK).encode(x=alt.X("upper:Q"), text=alt.Text("label:N"))
    return alt.LayerChart(layer=[ranges, medians, labels], width=plot_width - 56, height=alt.Step(26))


def spread_words(spreads: list) -> tuple[str, str]:
    """The spread chart's headline (the latest year's quartiles and median) and alt text."""
    if not spreads:
        return "How councils' spending on day care spread", "Range chart with no published values."
    last = spreads[-1]
    title = (
        f"In {last.financial_year} half of councils reported between {pounds(last.lower)} and {pounds(last.upper)} "
        f"on day care; the median council, {pounds(last.median)}"
    )
    alt_text = (
        f"Range chart, one row per financial year from {spreads[0].financial_year} to {last.financial_year}, of "
        f"the lower quartile to the upper quartile of councils' gross cost of day care, with the median marked. "
        f"The median went from {pounds(spreads[0].median)} to {pounds(last.median)}."
    )
    return title, alt_text


# --- one chart for each council ------------------------------------------------------------------


def council_keys(packages) -> list[str]:
    """The councils with a gross cost in some year of the series: each gets its own chart."""
    data = series.of(packages)
    if data is None:
        return []
    return sorted(code for code, council in data.councils.items() if council.latest is not None)


def council_day_care(packages, code: str, width: int = WIDE) -> Drawn:
    data = _series(packages)
    council = data.councils.get(code)
    if council is None or council.latest is None:
        raise ChartError(f"the official series has no gross cost for council '{code}'")
    years = [y for y in council.years if y.financial_year in data.years and y.cell(series.GROSS) is not None]
    first, latest = years[0].financial_year, council.latest
    title = f"{council.name} reported {pounds(latest.gross)} on day care in {latest.financial_year}"
    span = next(span for span in data.spans if latest.financial_year in span)
    start = next((y for y in years if y.financial_year in span and y.real is not None), None)
    if start is not None and latest.real is not None and start is not latest and start.real:
        title += f": {_real_change_words([start, latest])} in real terms since {start.financial_year}"
    described = f"{pounds(latest.gross)} in cash" + (
        f", {pounds(latest.real)} at {data.base_year} prices" if latest.real is not None else ""
    )
    alt_text = (
        f"Horizontal bar charts of {council.name}'s gross cost of day care by financial year, {first} to "
        f"{years[-1].financial_year}, one in cash and one at {data.base_year} prices. In "
        f"{latest.financial_year} it was {described}."
    )
    period = (first, years[-1].financial_year)
    return _cash_and_real_drawn(packages, data, years, width, council.name, period, title, alt_text)


FAMILIES["council-day-care"] = ChartFamily(
    "council-", "-day-care", (series.PACKAGE,), "spend", council_keys, council_day_care
)
