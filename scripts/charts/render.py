"""Charts at build time: each registered chart rendered once per build to static, accessible SVGs (inline in
the page, readable with JavaScript off), one drawn for a wide text column and one for a phone, a PNG at 2x, its
data as CSV and an HTML table, and its Vega-Lite specs for the "Explore this chart" control.

Files go to /charts/<id>.svg|.narrow.svg|.png|.csv|.vl.json|.narrow.vl.json; the page's HTML comes from
theme/templates/_chart.html. vega, vega-lite and vega-embed are copied from node_modules to /vendor/ with their
licences, loaded only when a reader asks to explore a chart; the site's font goes to /fonts/ (copy_fonts), and the
renderer measures every label with the same faces (measuring_fonts). In a build the charts are made on the chart
workers while the pages are written (ChartSet.start_all).
"""

from __future__ import annotations

import atexit
import base64
import csv
import hashlib
import html
import io
import json
import multiprocessing
import re
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, fields
from functools import cache, cached_property
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from scripts import atomic, fingerprint
from scripts.charts import cache as drawing_cache
from scripts.charts import definitions as charts
from scripts.charts.cache import Drawing, Job, Renderer, svg_size
from scripts.datapackages import DataPackage, load_package
from scripts.formats import file_size
from scripts.settings import ROOT
from scripts.symbols import SYMBOLS

NODE_MODULES = ROOT / "node_modules"
TEMPLATES = ROOT / "theme" / "templates"
# What the explore control loads, in order: (package, built file). vega-embed bundles vega-interpreter,
# which evaluates expressions without eval, so the page's CSP needs no 'unsafe-eval'.
VENDOR = (
    ("vega", "build/vega.min.js"),
    ("vega-lite", "build/vega-lite.min.js"),
    ("vega-embed", "build/vega-embed.min.js"),
)
VENDOR_LICENCES = ("vega", "vega-lite", "vega-embed", "vega-interpreter")
EXPLORE_JS = "/theme/js/explore.js"
# The site's font: the npm package, the TrueType files the renderer measures with, and the faces the site serves
# (as WOFF2, the same fonts compressed) from /fonts/. site.css names the same files.
FONT_PACKAGE = "source-sans-pro"
FONT_FACES = ("Regular", "Bold", "It", "BoldIt")
CHART_FACES = ("Regular", "Bold")  # what a chart draws with; embedded in the SVG files so they stand alone
# The wide drawing is shown from this width of screen up: its column (the viewport less 2 x 16 px) holds it unshrunk.
WIDE_MEDIA = f"(min-width: {(charts.WIDE + 32) / 16:g}em)"
# Past these, a chart would outweigh its page (100 KB budget): an <img> of the SVG files, and the
# first rows of its data with the full CSV one click away.
INLINE_SVG_LIMIT = 40 * 1024
TABLE_ROW_LIMIT = 100


def font_folder(node_modules: Path = NODE_MODULES) -> Path:
    folder = node_modules / FONT_PACKAGE
    if not (folder / "TTF").is_dir():
        raise FileNotFoundError(f"the chart font is missing from {folder}: run `npm ci` (make site does this)")
    return folder


def register_font(cache_folder: Path | None = None) -> None:
    """Give the renderer the site's font files, so it measures labels with the font the browser draws them in."""
    drawing_cache.register_font(str(measuring_fonts(cache_folder)))


def font_version(node_modules: Path = NODE_MODULES) -> str:
    package = json.loads((font_folder(node_modules) / "package.json").read_text(encoding="utf-8"))
    return f"{FONT_PACKAGE} {package['version']}"


def renderer(cache_folder: Path | None = None, workers: int = 1) -> Renderer:
    """The build's chart renderer: drawings from ``cache_folder`` where it has them, else on ``workers`` processes."""
    return Renderer(measuring_fonts(cache_folder), measuring_version(), cache_folder, workers)


def measuring_version() -> str:
    """The renderer's fonts, as a drawing's cache key names them: the font's version, and which faces."""
    return f"{font_version()} {'+'.join(CHART_FACES)} as published ({MEASURING_FORMAT})"


# The renderer's font folder holds only the faces a chart draws with, copied from the package: with vl-convert 1.9,
# which read a face's file each time it measured a label, they were also written again by fontTools' subsetter
# (format 1), which took seconds of every cold build and gains nothing with 2.0. A drawing is byte for byte the
# same with the package's twelve faces (tests/test_charts.py draws every shipped chart with each).
MEASURING_FORMAT = "2"  # bump when how the faces are written changes


def measuring_fonts(cache_folder: Path | None = None) -> Path:
    """The renderer's fonts, made once per font version into the chart cache (``fonts-<key>``), or into a
    temporary folder for this process when there is no cache."""
    key = hashlib.sha256(measuring_version().encode()).hexdigest()[:16]
    if cache_folder is None:
        return _temporary_fonts(key)
    folder = cache_folder / f"fonts-{key}"
    if not folder.is_dir():
        cache_folder.mkdir(parents=True, exist_ok=True)
        atomic.make_folder(folder, _write_measuring_fonts)
    return folder


@cache
def _temporary_fonts(key: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"chart-fonts-{key}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _write_measuring_fonts(folder)
    return folder


def _write_measuring_fonts(folder: Path) -> None:
    for face in CHART_FACES:
        shutil.copyfile(font_folder() / "TTF" / f"SourceSansPro-{face}.ttf", folder / f"SourceSansPro-{face}.ttf")


# The characters an embedded face keeps: Latin-1 and the general punctuation (dashes, quotes, the ellipsis),
# with the euro. Chart text is English names, years and amounts; a character outside these is drawn by the
# viewer's sans-serif. Subsetting takes each face from ~110 KB to ~12 KB, in every downloadable SVG.
EMBEDDED_CHARACTERS = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2060), 0x20AC]
# A subset is a Modified Version under the SIL Open Font License, which may not carry the Reserved Font Name
# ('Source'): the embedded faces are renamed, their copyright and licence names kept.
EMBEDDED_FAMILY = "Chart Sans"
FONT_NAMES = {1: EMBEDDED_FAMILY, 3: f"{EMBEDDED_FAMILY} subset", 16: EMBEDDED_FAMILY}  # name ids: family, unique id


@cache
def subset_font(face: str) -> bytes:
    """The chart face as WOFF2, cut to EMBEDDED_CHARACTERS and renamed; the same bytes on every build (fontTools
    keeps the font's own timestamps)."""
    from fontTools import subset

    font = subset.load_font(str(font_folder() / "TTF" / f"SourceSansPro-{face}.ttf"), subset.Options())
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # the copyright, licence and licence URL stay with the font (OFL section 2)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=EMBEDDED_CHARACTERS)
    subsetter.subset(font)
    names = {**FONT_NAMES, 4: f"{EMBEDDED_FAMILY} {face}", 6: f"ChartSans-{face}"}
    font["name"].names = [record for record in font["name"].names if record.nameID not in (*names, 17, 18, 21, 22)]
    for name_id, text in names.items():
        font["name"].setName(text, name_id, 3, 1, 0x409)
    font["name"].setName(face, 2, 3, 1, 0x409)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def embedded_face(face: str, cache_folder: Path | None = None) -> bytes:
    """``subset_font``'s bytes, kept in the chart cache under the code (scripts/fingerprint.py: scripts/ and the
    pinned requirements, fontTools and Brotli among them) and the font's version: cutting and compressing the two
    faces took about half a second of every build."""
    if cache_folder is None:
        return subset_font(face)
    key = hashlib.sha256(f"{fingerprint.code()}\n{font_version()}".encode()).hexdigest()[:16]
    path = cache_folder / f"embedded-{key}-{face}.woff2"
    try:
        return path.read_bytes()
    except OSError:
        face_bytes = subset_font(face)
        cache_folder.mkdir(parents=True, exist_ok=True)
        atomic.write_file(path, face_bytes)
        return face_bytes


@cache
def embedded_font_css(cache_folder: Path | None = None) -> str:
    """@font-face rules with the chart faces inline: an SVG file shown as an image, or downloaded, loads nothing."""
    rules = []
    for face in CHART_FACES:
        data = base64.b64encode(embedded_face(face, cache_folder))
        weight = "bold" if face == "Bold" else "normal"
        rules.append(
            f"@font-face{{font-family:'{EMBEDDED_FAMILY}';font-weight:{weight};"
            f"src:url(data:font/woff2;base64,{data.decode()}) format('woff2')}}"
        )
    return "".join(rules) + EMBEDDED_TEXT_CSS


@cache
def template_environment(templates: Path = TEMPLATES) -> Environment:
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=True, trim_blocks=True, lstrip_blocks=True)


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
    rest = lean(rest)
    head = head.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="chart-{id}-title chart-{id}-desc" class="chart-svg" focusable="false"',
        1,
    )
    return (
        f'{head}<title id="chart-{id}-title">{html.escape(title)}</title>'
        f'<desc id="chart-{id}-desc">{html.escape(desc)}</desc>{rest}'
    )


# Every label is in the site's font: said once, in CSS (site.css for an inline chart, the file's own <style> for a
# standalone one), not on each <text>.
FONT_ATTRIBUTE = f' font-family="{charts.FONT}"'
TEXT_FONT_CSS = f"text{{font-family:'{charts.FONT_FAMILY}',sans-serif}}"
EMBEDDED_TEXT_CSS = f"text{{font-family:'{EMBEDDED_FAMILY}','{charts.FONT_FAMILY}',sans-serif}}"
# What vega writes that draws nothing: attributes at their defaults and empty paths. Dropped to keep pages light.
NO_OPS = (
    re.compile(r'\s(?:pointer-events="none"|opacity="1"|transform="translate\(0,0\)")'),
    re.compile(r'<path class="(?:background|foreground)" d="(?:M0,0h0v0h0Z)?"[^>]*></path>'),
    re.compile(r'<path class="(?:background|foreground)" d="(?:M0,0h0v0h0Z)?"[^>]*/>'),
)


# Coordinates to a hundredth of a pixel: vega writes up to 17 digits, which no screen can show. Only inside
# attribute values: a label's text is never touched.
LONG_DECIMAL = re.compile(r"(?<=\d)(\.\d{2})\d+")
ATTRIBUTE = re.compile(r'="([^"]*)"')


def lean(svg: str) -> str:
    svg = svg.replace(FONT_ATTRIBUTE, "")
    for pattern in NO_OPS:
        svg = pattern.sub("", svg)
    return ATTRIBUTE.sub(lambda m: '="' + LONG_DECIMAL.sub(r"\1", m[1]) + '"', svg)


def standalone_svg(svg: str, cache_folder: Path | None = None) -> str:
    """An inline SVG as a file of its own: the font inside, so it draws the same as an image or a download."""
    return svg.replace(">", f"><style>{embedded_font_css(cache_folder)}</style>", 1)


def inline_svg(standalone: str) -> str:
    return re.sub(r"<style>.*?</style>", "", standalone, count=1, flags=re.DOTALL)


@dataclass
class RenderedChart:
    id: str
    drawn: charts.Drawn
    renderer: Renderer | None = None  # None: rendered here, uncached

    @cached_property
    def spec(self) -> dict:
        return charts.vega_lite(self.drawn.chart)

    @cached_property
    def narrow_spec(self) -> dict:
        return charts.vega_lite(self.drawn.narrow)

    def entry(self) -> dict:
        """What the chart cache keeps of a chart: its words and table, and its two specs (not Altair's objects)."""
        words = {f.name: getattr(self.drawn, f.name) for f in fields(charts.Drawn) if f.name not in CHART_FIELDS}
        return {"drawn": words, "spec": self.spec, "narrow_spec": self.narrow_spec}

    @cached_property
    def vega_lite_json(self) -> str:
        return json.dumps(self.spec, sort_keys=True, ensure_ascii=False, indent=1)

    @cached_property
    def narrow_vega_lite_json(self) -> str:
        return json.dumps(self.narrow_spec, sort_keys=True, ensure_ascii=False, indent=1)

    @cached_property
    def jobs(self) -> tuple[Job, Job]:
        """What the renderer draws: the wide spec (and its PNG) and the narrow one, data included."""
        return (
            Job(json.dumps(self.spec, ensure_ascii=False), png=True),
            Job(json.dumps(self.narrow_spec, ensure_ascii=False), png=False),
        )

    @cached_property
    def drawings(self) -> tuple[Drawing, Drawing]:
        return tuple((self.renderer or renderer()).draw_all(list(self.jobs)))

    @cached_property
    def plain_svg(self) -> str:
        return self.drawings[0].svg

    @cached_property
    def svg(self) -> str:
        """The wide drawing, as placed in the page."""
        return accessible_svg(self.plain_svg, self.id, self.drawn.title, self.drawn.alt)

    @cached_property
    def narrow_svg(self) -> str:
        """The phone drawing, as placed in the page (its own ids: both sit in one page)."""
        return accessible_svg(self.drawings[1].svg, f"{self.id}-narrow", self.drawn.title, self.drawn.alt)

    @cached_property
    def png(self) -> bytes:
        return self.drawings[0].png

    @cached_property
    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.drawn.columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.drawn.table)
        return out.getvalue()

    @property
    def cache_folder(self) -> Path | None:
        return self.renderer.folder if self.renderer is not None else None

    def files(self) -> dict[str, bytes]:
        return {
            f"{self.id}.csv": self.csv.encode("utf-8"),
            f"{self.id}.svg": standalone_svg(self.svg, self.cache_folder).encode("utf-8"),
            f"{self.id}.narrow.svg": standalone_svg(self.narrow_svg, self.cache_folder).encode("utf-8"),
            f"{self.id}.png": self.png,
            f"{self.id}.vl.json": self.vega_lite_json.encode("utf-8"),
            f"{self.id}.narrow.vl.json": self.narrow_vega_lite_json.encode("utf-8"),
        }

    @property
    def inline(self) -> bool:
        """Both drawings in the page; past INLINE_SVG_LIMIT, images of the SVG files, so pages stay light."""
        return len(self.svg.encode()) + len(self.narrow_svg.encode()) <= INLINE_SVG_LIMIT

    def block_html(self, siteurl: str = "") -> str:
        drawn = self.drawn
        base = f"{siteurl}/charts/{self.id}"
        files = {"csv": self.csv.encode(), "svg": standalone_svg(self.svg, self.cache_folder).encode(), "png": self.png}
        return chart_html(
            id=self.id,
            drawn=drawn,
            base=base,
            siteurl=siteurl,
            inline=self.inline,
            wide_svg=Markup(self.svg),
            narrow_svg=Markup(self.narrow_svg),
            wide_size=svg_size(self.svg),
            narrow_size=svg_size(self.narrow_svg),
            wide_media=WIDE_MEDIA,
            rows=drawn.table[:TABLE_ROW_LIMIT],
            total=len(drawn.table),
            key=sorted({v for row in drawn.table for v in row.values() if v in SYMBOLS}),
            symbols=SYMBOLS,
            sizes={kind: file_size(len(content)) for kind, content in files.items()},
            explore_js=EXPLORE_JS,
        )


def chart_html(**context) -> str:
    return template_environment().get_template("_chart.html").render(**context)


INPUTS_FORMAT = "1"  # bump when what a chart's cache entry holds changes
CHART_FIELDS = ("chart", "narrow")  # a Drawn's Altair charts: their specs are kept instead


class ChartSet:
    """The charts of one build: each drawn and rendered at most once."""

    def __init__(
        self,
        packages: dict[str, DataPackage],
        previous: Path | None = None,
        settings: Mapping | None = None,
        renderer: Renderer | None = None,
    ):
        self.packages = packages
        self.settings = settings  # the build's, for what a chart says of them (the suppression threshold)
        self.previous = previous  # a full build whose chart files a preview may reuse
        self.renderer = renderer
        self._rendered: dict[str, RenderedChart] = {}
        self._fingerprints: dict[str, str] = {}
        self._pending: dict[str, Future] = {}  # charts being made on the workers (start_all)
        self._workers: ProcessPoolExecutor | None = None

    def available(self) -> list[str]:
        return charts.available(self.packages)

    def has_data(self, id: str) -> bool:
        return charts.has_data(charts.get(id), self.packages)

    def render(self, id: str) -> RenderedChart:
        if id not in self._rendered:
            if id in self._pending:
                self._rendered[id] = self._collect(id)
                return self._rendered[id]
            chart = self._drawn(id)
            if self.previous is not None:
                self._reuse(chart)
            self._rendered[id] = chart
        return self._rendered[id]

    def _drawn(self, id: str) -> RenderedChart:
        """The chart drawn with Altair, or, when the cache holds one drawn from the same inputs, that one."""
        key = self._cache_key(id)
        entry = self.renderer.entry(key) if key else None
        if entry is not None:
            return self._from_entry(id, entry)
        chart = RenderedChart(id, charts.draw(id, self.packages, self.settings), self.renderer)
        if key:
            self.renderer.keep(key, chart.entry())
        return chart

    def _cache_key(self, id: str) -> str | None:
        return self.inputs_key(id) if self.renderer is not None and self.renderer.folder is not None else None

    def _from_entry(self, id: str, entry: dict) -> RenderedChart:
        """A chart from its words and specs (RenderedChart.entry), without Altair."""
        chart = RenderedChart(id, charts.Drawn(chart=None, **entry["drawn"]), self.renderer)
        chart.__dict__.update(spec=entry["spec"], narrow_spec=entry["narrow_spec"])
        return chart

    def start_all(self) -> None:
        """Every chart with data, made while the build goes on: those the cache holds whole (specs and drawings)
        are taken now; the others are drawn with Altair and rendered on the renderer's workers, and a page that
        places one waits for that one only (``render``), so the pages are written meanwhile. With one worker, or
        fewer than two charts to make, they are made here and now (``_make_here``)."""
        renderer_ = self.renderer
        if renderer_ is None or renderer_.workers < 2:
            self._make_here()
            return
        missing = [id for id in self.available() if not self._whole_in_cache(id)]
        if len(missing) < 2:
            self._make_here()
            return
        # spawn, not fork: the build's process may already hold vl-convert's runtime and its threads.
        self._workers = ProcessPoolExecutor(
            min(renderer_.workers, len(missing)), mp_context=multiprocessing.get_context("spawn")
        )
        stated = {
            name: value for id in missing for name, value in charts.options(charts.get(id), self.settings).items()
        }
        folders = tuple(package.folder for package in self.packages.values())
        made_with = (renderer_.font_folder, renderer_.font_version, renderer_.folder)
        # The packages' fingerprints, worked out here for the cache check, so no worker hashes the data again.
        known = dict(self._fingerprints)
        for id in missing:
            self._pending[id] = self._workers.submit(_made_elsewhere, folders, stated, made_with, known, id)

    def _whole_in_cache(self, id: str) -> bool:
        key = self._cache_key(id)
        entry = self.renderer.entry(key) if key else None
        if entry is None:
            return False
        chart = self._from_entry(id, entry)
        drawings = [self.renderer.cached(job) for job in chart.jobs]
        if None in drawings:
            return False
        chart.__dict__["drawings"] = tuple(drawings)
        self._rendered[id] = chart
        return True

    def _collect(self, id: str) -> RenderedChart:
        """A chart made on a worker, waited for; the workers are let go once the last one is collected."""
        entry, drawings, rendered = self._pending.pop(id).result()
        chart = self._from_entry(id, entry)
        chart.__dict__["drawings"] = tuple(drawings)
        self.renderer.rendered += rendered
        if not self._pending:
            self.close()
        return chart

    def close(self) -> None:
        """Let the workers go, dropping any chart not yet made (a build that failed part way)."""
        if self._workers is not None:
            self._workers.shutdown(cancel_futures=True)
            self._workers = None
        self._pending.clear()

    def inputs_key(self, id: str) -> str:
        """What a chart is drawn from: its id, the settings it states, every file of the packages it reads and the
        code (scripts/fingerprint.py); the SHA-256 of them all."""
        spec = charts.get(id)
        digest = hashlib.sha256(f"{INPUTS_FORMAT}\n{id}\n{fingerprint.code()}\n".encode())
        digest.update(repr(sorted(charts.options(spec, self.settings).items())).encode())
        for name in spec.packages:
            digest.update(f"\n{name}\n{self._package_fingerprint(name)}".encode())
        return digest.hexdigest()

    def _package_fingerprint(self, name: str) -> str:
        if name not in self._fingerprints:
            package = self.packages.get(name)
            self._fingerprints[name] = fingerprint.folder(package.folder) if package else "absent"
        return self._fingerprints[name]

    def _reuse(self, chart: RenderedChart) -> None:
        """Take the SVGs and PNG of a previous build when its Vega-Lite specs are byte for byte these."""
        folder = self.previous / "charts"
        try:
            if (folder / f"{chart.id}.vl.json").read_text(encoding="utf-8") != chart.vega_lite_json:
                return
            if (folder / f"{chart.id}.narrow.vl.json").read_text(encoding="utf-8") != chart.narrow_vega_lite_json:
                return
            svg = inline_svg((folder / f"{chart.id}.svg").read_text(encoding="utf-8"))
            narrow = inline_svg((folder / f"{chart.id}.narrow.svg").read_text(encoding="utf-8"))
            png = (folder / f"{chart.id}.png").read_bytes()
        except OSError:
            return
        chart.__dict__.update(svg=svg, narrow_svg=narrow, png=png)

    def block_html(self, id: str, siteurl: str = "") -> str:
        spec = charts.get(id)
        if not self.has_data(id):
            resource = self.packages[spec.packages[0]].resources[spec.resource]
            return chart_html(empty={"filename": resource.filename, "package": spec.packages[0]})
        return self.render(id).block_html(siteurl)

    def render_all(self) -> None:
        """Every chart with data made now, as a build makes them (``start_all``): on the renderer's workers, Altair
        and the rendering both, where it has two or more."""
        self.start_all()
        for id in self.available():
            self.render(id)

    def _make_here(self) -> None:
        """Draw every chart with data here, and render the drawings the cache does not have: each chart's go to the
        renderer's workers (if it has two) as soon as Altair has drawn it, so the two overlap."""
        charts_: list[RenderedChart] = []

        def batches():
            for id in self.available():
                charts_.append(self.render(id))
                yield list(charts_[-1].jobs)

        drawn = (self.renderer or renderer()).draw_each(batches())
        for chart, drawings in zip(charts_, drawn, strict=True):
            chart.__dict__["drawings"] = tuple(drawings)

    def write(self, output: Path) -> list[Path]:
        folder = output / "charts"
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for id in self.available():
            for name, content in self.render(id).files().items():
                (folder / name).write_bytes(content)
                written.append(folder / name)
        return written


_worker_charts: dict[tuple, ChartSet] = {}  # a worker's chart set, kept for every chart it makes


def _made_elsewhere(
    folders: tuple[Path, ...], stated: dict, made_with: tuple, fingerprints: dict, id: str
) -> tuple[dict, tuple, list]:
    """On a chart worker (ChartSet.start_all): one chart drawn with Altair (or its specs from the cache) and
    rendered (or its drawings from the cache), both kept in the cache; its entry, drawings and what was rendered.
    ``fingerprints``: the packages' (ChartSet._package_fingerprint), as the build's process worked them out."""
    key = (folders, tuple(sorted(stated.items())), made_with)
    if key not in _worker_charts:
        packages = {package.name: package for package in map(load_package, folders)}
        _worker_charts[key] = ChartSet(packages, settings=stated, renderer=Renderer(*made_with, workers=1))
        _worker_charts[key]._fingerprints.update(fingerprints)
    chart_set = _worker_charts[key]
    chart = chart_set.render(id)
    before = len(chart_set.renderer.rendered)
    drawings = chart.drawings
    return chart.entry(), drawings, chart_set.renderer.rendered[before:]


def write_vendor(output: Path, node_modules: Path = NODE_MODULES) -> None:
    """Copy the pinned libraries the explore control loads, with their licences, into /vendor/."""
    vendor = output / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for package, built in VENDOR:
        shutil.copyfile(node_modules / package / built, vendor / f"{package}.min.js")
    for package in VENDOR_LICENCES:
        version = json.loads((node_modules / package / "package.json").read_text(encoding="utf-8"))["version"]
        shutil.copyfile(node_modules / package / "LICENSE", vendor / f"{package}-{version}-LICENSE.txt")


def copy_fonts(output: Path, node_modules: Path = NODE_MODULES) -> None:
    """The site's font, served from our own origin: /fonts/<face>.woff2 (site.css) with its licence."""
    folder, fonts = font_folder(node_modules), output / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for face in FONT_FACES:
        shutil.copyfile(
            folder / "WOFF2" / "TTF" / f"SourceSansPro-{face}.ttf.woff2", fonts / f"SourceSansPro-{face}.woff2"
        )
    version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    shutil.copyfile(folder / "LICENSE.md", fonts / f"{FONT_PACKAGE}-{version}-LICENSE.txt")
