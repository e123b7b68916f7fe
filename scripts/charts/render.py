"""Charts at build time: each registered chart rendered once per build to a static, accessible SVG
(inline in the page, readable with JavaScript off), a PNG at 2x, its data as CSV and an HTML
table, and its Vega-Lite spec for the "Explore this chart" control.

Files go to /charts/<id>.svg|.png|.csv|.vl.json; vega, vega-lite and vega-embed are copied from
node_modules to /vendor/ with their licences, loaded only when a reader asks to explore a chart.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import altair as alt
import vl_convert

from scripts.charts import definitions as charts
from scripts.datapackages import DataPackage
from scripts.formats import file_size
from scripts.settings import ROOT
from scripts.symbols import SYMBOLS

NODE_MODULES = ROOT / "node_modules"
# What the explore control loads, in order: (package, built file). vega-embed bundles vega-interpreter,
# which evaluates expressions without eval, so the page's CSP needs no 'unsafe-eval'.
VENDOR = (
    ("vega", "build/vega.min.js"),
    ("vega-lite", "build/vega-lite.min.js"),
    ("vega-embed", "build/vega-embed.min.js"),
)
VENDOR_LICENCES = ("vega", "vega-lite", "vega-embed", "vega-interpreter")
EXPLORE_JS = "/theme/js/explore.js"
# Past these, a chart would outweigh its page (100 KB budget): an <img> of the SVG file, and the
# first rows of its data with the full CSV one click away.
INLINE_SVG_LIMIT = 40 * 1024
TABLE_ROW_LIMIT = 100


def accessible_svg(svg: str, id: str, title: str, desc: str) -> str:
    """vl-convert's SVG made fit to inline: role="img", <title> and <desc>, no inline styles (CSP)."""
    svg = re.sub(r"<style\b.*?</style>", "", svg, flags=re.DOTALL)

    def presentation(match):  # style="a: b; c: d" -> a="b" c="d"
        pairs = [part.split(":", 1) for part in html.unescape(match[1]).split(";") if ":" in part]
        return "".join(
            f' {k.strip()}="{html.escape(v.strip(), quote=True)}"'
            for k, v in pairs
            if re.fullmatch(r"[a-z-]+", k.strip())
        )

    svg = re.sub(r'\sstyle="([^"]*)"', presentation, svg)
    head, rest = re.match(r"(<svg\b[^>]*>)(.*)", svg, flags=re.DOTALL).groups()
    head = re.sub(r'\s(?:class|role|aria-[a-z]+)="[^"]*"', "", head)
    # The <svg> is one image described by its title and desc; vega's inner roles would make it several.
    rest = re.sub(r'\s(?:role|aria-[a-z]+)="[^"]*"', "", rest)
    head = head.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="chart-{id}-title chart-{id}-desc" class="chart-svg" focusable="false"',
        1,
    )
    return (
        f'{head}<title id="chart-{id}-title">{html.escape(title)}</title>'
        f'<desc id="chart-{id}-desc">{html.escape(desc)}</desc>{rest}'
    )


@dataclass
class RenderedChart:
    id: str
    drawn: charts.Drawn

    @cached_property
    def spec(self) -> dict:
        # Valid data of any length charts: Altair's 5,000-row guard is for notebooks, not for a build.
        with alt.data_transformers.disable_max_rows():
            return self.drawn.chart.to_dict()

    @cached_property
    def vega_lite_json(self) -> str:
        return json.dumps(self.spec, sort_keys=True, ensure_ascii=False, indent=1)

    @cached_property
    def plain_svg(self) -> str:
        return vl_convert.vegalite_to_svg(self.spec)

    @cached_property
    def svg(self) -> str:
        return accessible_svg(self.plain_svg, self.id, self.drawn.title, self.drawn.alt)

    @cached_property
    def png(self) -> bytes:
        # Rasterise the SVG already drawn rather than run the Vega pipeline a second time.
        return vl_convert.svg_to_png(self.plain_svg, scale=2)

    @cached_property
    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.drawn.columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.drawn.table)
        return out.getvalue()

    def files(self) -> dict[str, bytes]:
        return {
            f"{self.id}.csv": self.csv.encode("utf-8"),
            f"{self.id}.svg": self.svg.encode("utf-8"),
            f"{self.id}.png": self.png,
            f"{self.id}.vl.json": self.vega_lite_json.encode("utf-8"),
        }

    def table_html(self) -> str:
        columns = self.drawn.columns
        head = "".join(f'<th scope="col">{html.escape(title)}</th>' for title in columns.values())
        body = []
        shown = self.drawn.table[:TABLE_ROW_LIMIT]
        for row in shown:
            cells = []
            for index, name in enumerate(columns):
                value = row[name]
                text = (
                    f'<abbr title="{html.escape(SYMBOLS[value])}">{html.escape(value)}</abbr>'
                    if value in SYMBOLS
                    else html.escape(value)
                )
                cells.append(f'<th scope="row">{text}</th>' if index == 0 else f"<td>{text}</td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
        rows = len(self.drawn.table)
        more = (
            f"<p>The table shows the first {len(shown):,} of {rows:,} rows: download the data for all of them.</p>"
            if rows > len(shown)
            else ""
        )
        return (
            f'<div class="table-scroll" role="region" aria-label="Data for this chart" tabindex="0">'
            f"<table><caption>{html.escape(self.drawn.subtitle)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}"
        )

    def image_html(self, base: str) -> str:
        """The SVG in the page; past INLINE_SVG_LIMIT, an image of the same file, so pages stay light."""
        if len(self.svg.encode()) <= INLINE_SVG_LIMIT:
            return self.svg
        size = re.search(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"', self.svg)
        dimensions = f' width="{round(float(size[1]))}" height="{round(float(size[2]))}"' if size else ""
        return f'<img src="{base}.svg" alt="{html.escape(self.drawn.alt)}"{dimensions}>'

    def block_html(self, siteurl: str = "") -> str:
        id, drawn = self.id, self.drawn
        base = f"{siteurl}/charts/{id}"
        symbols = sorted({v for row in drawn.table for v in row.values() if v in SYMBOLS})
        key = "".join(f"<li><code>{s}</code> {html.escape(SYMBOLS[s])}</li>" for s in symbols)
        return (
            f'<figure class="chart" id="chart-{id}">'
            f'<div class="chart-image">{self.image_html(base)}</div>'
            f'<div class="chart-interactive" id="chart-{id}-interactive" hidden></div>'
            f"<figcaption>"
            + (f'<p class="chart-source">{html.escape(drawn.source)}.</p>' if drawn.source else "")
            + (f'<ul class="chart-symbols">{key}</ul>' if key else "")
            + f'<details class="chart-data"><summary>Show the data for this chart</summary>{self.table_html()}</details>'
            f'<ul class="downloads chart-downloads">'
            f'<li><a href="{base}.csv" download>Download the data for this chart ({file_size(len(self.csv.encode()))} CSV)</a></li>'
            f'<li><a href="{base}.svg" download>Download this chart as an image ({file_size(len(self.svg.encode()))} SVG)</a></li>'
            f'<li><a href="{base}.png" download>Download this chart as an image ({file_size(len(self.png))} PNG)</a></li>'
            f"</ul>"
            f'<p><button type="button" class="chart-explore" hidden data-spec="{base}.vl.json" '
            f'data-vendor="{siteurl}/vendor/" aria-controls="chart-{id}-interactive">Explore this chart</button></p>'
            f"</figcaption></figure>"
            f'<script src="{siteurl}{EXPLORE_JS}" defer></script>'
        )


class ChartSet:
    """The charts of one build: each drawn and rendered at most once."""

    def __init__(self, packages: dict[str, DataPackage], previous: Path | None = None):
        self.packages = packages
        self.previous = previous  # a full build whose chart files a preview may reuse
        self._rendered: dict[str, RenderedChart] = {}

    def available(self) -> list[str]:
        return [id for id, spec in charts.CHARTS.items() if charts.has_data(spec, self.packages)]

    def has_data(self, id: str) -> bool:
        return charts.has_data(charts.get(id), self.packages)

    def render(self, id: str) -> RenderedChart:
        if id not in self._rendered:
            chart = RenderedChart(id, charts.draw(id, self.packages))
            if self.previous is not None:
                self._reuse(chart)
            self._rendered[id] = chart
        return self._rendered[id]

    def _reuse(self, chart: RenderedChart) -> None:
        """Take the SVG and PNG of a previous build when its Vega-Lite spec is byte for byte this one."""
        folder = self.previous / "charts"
        try:
            if (folder / f"{chart.id}.vl.json").read_text(encoding="utf-8") != chart.vega_lite_json:
                return
            chart.__dict__["svg"] = (folder / f"{chart.id}.svg").read_text(encoding="utf-8")
            chart.__dict__["png"] = (folder / f"{chart.id}.png").read_bytes()
        except OSError:
            return

    def block_html(self, id: str, siteurl: str = "") -> str:
        spec = charts.get(id)
        if not self.has_data(id):
            resource = self.packages[spec.packages[0]].resources[spec.resource]
            return (
                f'<p class="chart-empty">There is no data for this chart yet: '
                f"{html.escape(resource.filename)} in the {html.escape(spec.packages[0])} dataset has no rows.</p>"
            )
        return self.render(id).block_html(siteurl)

    def render_all(self, workers: int = 2) -> None:
        """Draw and render every chart with data, on both cores (vl-convert releases the GIL)."""
        from concurrent.futures import ThreadPoolExecutor

        rendered = [self.render(id) for id in self.available()]
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda chart: (chart.svg, chart.png), rendered))

    def write(self, output: Path) -> list[Path]:
        folder = output / "charts"
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for id in self.available():
            for name, content in self.render(id).files().items():
                (folder / name).write_bytes(content)
                written.append(folder / name)
        return written


def write_vendor(output: Path, node_modules: Path = NODE_MODULES) -> None:
    """Copy the pinned libraries the explore control loads, with their licences, into /vendor/."""
    vendor = output / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for package, built in VENDOR:
        shutil.copyfile(node_modules / package / built, vendor / f"{package}.min.js")
    for package in VENDOR_LICENCES:
        version = json.loads((node_modules / package / "package.json").read_text(encoding="utf-8"))["version"]
        shutil.copyfile(node_modules / package / "LICENSE", vendor / f"{package}-{version}-LICENSE.txt")
