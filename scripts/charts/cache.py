"""Chart drawings rendered once: vl-convert's SVG (and PNG) of each Vega-Lite spec, kept between builds.

A chart's specs, table and words are kept too, keyed by its inputs (its id, the files of the data packages it
draws from, the settings it states and the code: scripts/fingerprint.py), so a rebuild with nothing changed does
not run Altair at all. A drawing is keyed by the SHA-256 of the renderer's versions (vl-convert, Vega, Vega-Lite,
the font) and the final spec with its data, so a rebuild renders only the charts whose spec or data changed, and a
new renderer renders them all again. The cache is a folder outside the site (``chart_cache``, ``.cache/charts/``;
``make clean`` removes it); each file is written under a temporary name and renamed, so a build killed mid-write,
or two builds at once, never leave half a drawing. What is missing is rendered on ``chart_workers`` processes:
vl-convert draws one chart at a time per process, whatever the threads.

This module imports only vl-convert (and scripts/atomic.py, the standard library's), so a worker process starts in a
fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import re
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import vl_convert

from scripts import atomic

FORMAT = "2"  # bump when what a cache entry holds changes (2: PNG_MAX_PIXELS)


@dataclass(frozen=True)
class Job:
    spec: str  # the final Vega-Lite spec, data included, as JSON
    png: bool  # a chart's wide drawing is also rasterised, at 2x (1x past PNG_MAX_PIXELS)


@dataclass(frozen=True)
class Drawing:
    svg: str
    png: bytes | None


_fonts: set[str] = set()
# The renderer's JavaScript heap, per process: without a limit V8 kept the garbage of earlier drawings, and a
# process that drew every chart of the large benchmark grew to 583 MB; at 256 MB it peaked at 443 MB in the same
# time. The largest chart there (150 councils by 10 years) draws within 128 MB.
# (vl-convert's time limit, max_v8_execution_time_secs, is not set: with it a council chart's SVG took four times
# as long. The workflow's timeout ends a build that hangs.)
HEAP_MB = 256


def register_font(folder: str) -> None:
    """Give the renderer the site's font files (once per process), so labels are measured in the font drawn.

    The first call also closes the renderer to everything else: no data, image or font from a URL or a file (a
    spec carries its data), and a font that is not registered is an error, not a silent fallback that would
    measure every label wrong. It bounds the renderer's memory (HEAP_MB): past it a drawing fails with
    vl-convert's message, and the build with it, rather than growing. Vega-Lite's warnings go to the
    ``vl_convert`` logger, kept out of the build's output at ERROR (vl-convert 1.x did not show them)."""
    if not _fonts:
        vl_convert.configure(
            base_url=False,
            allowed_base_urls=[],
            auto_google_fonts=False,
            missing_fonts="error",
            max_v8_heap_size_mb=HEAP_MB,
        )
        logging.getLogger("vl_convert").setLevel(logging.ERROR)
    if folder not in _fonts:
        vl_convert.register_font_directory(folder)
        _fonts.add(folder)


# A chart's PNG is drawn at 2x for sharp text on any screen, unless that would pass this many pixels: a chart of
# 150 councils by 10 years is 30,000 px tall, and at 2x its PNG took 330 MB to draw and weighed 21 MB.
PNG_MAX_PIXELS = 16_000_000


def svg_size(svg: str) -> tuple[int, int]:
    """A drawing's width and height in CSS px, from its root element."""
    size = re.search(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"', svg)
    return (round(float(size[1])), round(float(size[2]))) if size else (0, 0)


def png_scale(svg: str) -> int:
    width, height = svg_size(svg)
    return 2 if 4 * width * height <= PNG_MAX_PIXELS else 1


def draw(job: Job, font_folder: str) -> Drawing:
    register_font(font_folder)
    svg = vl_convert.vegalite_to_svg(json.loads(job.spec))
    # Rasterise the SVG just drawn rather than run the Vega pipeline a second time.
    return Drawing(svg, vl_convert.svg_to_png(svg, scale=png_scale(svg)) if job.png else None)


def renderer_versions(font_version: str) -> str:
    vega_lite = ",".join(vl_convert.get_vegalite_versions())
    return (
        f"{FORMAT} vl-convert {vl_convert.__version__} vega {vl_convert.get_vega_version()} {vega_lite} {font_version}"
    )


class Renderer:
    """Draws specs, from the cache folder where it has them (``folder`` None: no cache), else on ``workers``."""

    def __init__(self, font_folder: Path, font_version: str, folder: Path | None = None, workers: int = 1):
        self.font_folder = str(font_folder)
        self.font_version = font_version
        self.versions = renderer_versions(font_version)
        self.folder = folder
        self.workers = max(1, workers)
        self.rendered: list[Job] = []  # what this build had to render: the rest came from the cache

    def key(self, job: Job) -> str:
        return hashlib.sha256(f"{self.versions}\n{job.png}\n{job.spec}".encode()).hexdigest()

    def cached(self, job: Job) -> Drawing | None:
        if self.folder is None:
            return None
        base = self.folder / self.key(job)
        try:
            svg = base.with_suffix(".svg").read_text(encoding="utf-8")
            png = base.with_suffix(".png").read_bytes() if job.png else None
        except OSError:
            return None
        return Drawing(svg, png)

    def store(self, job: Job, drawing: Drawing) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        base = self.folder / self.key(job)
        # The PNG first: an entry is complete once its SVG is there.
        if drawing.png is not None:
            atomic.write_file(base.with_suffix(".png"), drawing.png)
        atomic.write_file(base.with_suffix(".svg"), drawing.svg.encode("utf-8"))

    def entry(self, key: str) -> dict | None:
        """A chart drawn before from the same inputs (``key``: scripts/charts/render.py ``ChartSet.inputs_key``): its
        specs, table and words, so a rebuild skips Altair; None when there is none, or no cache."""
        if self.folder is None:
            return None
        try:
            return json.loads((self.folder / f"{key}.chart.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def keep(self, key: str, entry: dict) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic.write_file(self.folder / f"{key}.chart.json", json.dumps(entry, ensure_ascii=False).encode())

    def draw_all(self, jobs: list[Job]) -> list[Drawing]:
        """Every job's drawing, in order: the cached ones read, the others rendered (largest first) and stored."""
        unique = sorted(dict.fromkeys(jobs), key=lambda job: -len(job.spec))
        (drawings,) = self.draw_each([unique])
        found = dict(zip(unique, drawings, strict=True))
        return [found[job] for job in jobs]

    def draw_each(self, batches: Iterable[list[Job]]) -> list[list[Drawing]]:
        """Each batch's drawings, in order. The cache's are read; each missing one is rendered once, and goes to
        the workers as soon as its batch comes, so whatever makes the batches (Altair, in the build's process)
        goes on while they draw."""
        known: dict[Job, Drawing | None] = {}
        made: list[list[Job]] = []
        with _Workers(self) as workers:
            for batch in batches:
                made.append(batch)
                for job in batch:
                    if job not in known:
                        known[job] = self.cached(job) or workers.start(job)
            workers.finish(known)
        return [[known[job] for job in batch] for batch in made]

    def drawn_here(self, job: Job) -> Drawing:
        drawing = draw(job, self.font_folder)
        self.store(job, drawing)
        return drawing


class _Workers:
    """A renderer's missing drawings: on its worker processes, started at the second one (a lone drawing is drawn
    in this process, sparing their start), or all here with one worker."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        self.pool: ProcessPoolExecutor | None = None
        self.held: Job | None = None
        self.futures: dict[Job, Future] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def start(self, job: Job) -> Drawing | None:
        """The drawing when made here; None when it is on its way (``finish`` collects it)."""
        renderer = self.renderer
        renderer.rendered.append(job)
        if renderer.workers < 2:
            return renderer.drawn_here(job)
        if self.pool is None and self.held is None:
            self.held = job
            return None
        if self.pool is None:
            # spawn, not fork: the build's process may already hold vl-convert's runtime and its threads.
            self.pool = ProcessPoolExecutor(renderer.workers, mp_context=multiprocessing.get_context("spawn"))
            self.futures[self.held] = self.pool.submit(draw, self.held, renderer.font_folder)
        self.futures[job] = self.pool.submit(draw, job, renderer.font_folder)
        return None

    def finish(self, known: dict) -> None:
        """Every drawing on its way put in ``known`` (and stored): in the order they were started."""
        if self.pool is None and self.held is not None:
            known[self.held] = self.renderer.drawn_here(self.held)
        for job, future in self.futures.items():
            known[job] = future.result()
            self.renderer.store(job, known[job])
