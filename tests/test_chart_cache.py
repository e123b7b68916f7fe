"""Charts are rendered once: a rebuild takes every chart and drawing from the cache, and the data check and the
search index from the build's cache, and the site it writes is byte for byte what a serial build without any cache
writes; changing a package's data renders that package's charts again, and changing any data file checks it again."""

from __future__ import annotations

import csv
import json
import multiprocessing
import shutil
from pathlib import Path

import pytest
import vl_convert

from scripts import build as build_module
from scripts.build import build
from scripts.charts import cache as cache_module
from scripts.charts import definitions, render
from scripts.charts.cache import Job, draw
from scripts.charts.render import ChartSet, measuring_fonts, renderer
from scripts.datapackages import load_packages
from scripts.site.directory_pages import DirectoryGenerator
from scripts.site.run import BuildError, run_pelican
from tests.conftest import DATA


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def test_a_rebuild_renders_nothing_and_writes_what_a_serial_uncached_build_writes(tmp_path, monkeypatch):
    serial = tmp_path / "serial" / "output"
    build(serial, {"CHART_CACHE": "", "CHART_WORKERS": 1, "BUILD_CACHE": ""})
    cache, kept = tmp_path / "cache", tmp_path / "build-cache"
    first = tmp_path / "first" / "output"
    build(first, {"CHART_CACHE": str(cache), "CHART_WORKERS": 2, "BUILD_CACHE": str(kept)})
    assert list(cache.glob("*.svg")) and list(cache.glob("*.png")) and list(cache.glob("*.chart.json"))
    assert len(list(kept.glob("valid-*"))) == 1 and len(list(kept.glob("search-*"))) == 1
    assert not list(cache.glob(".*")) and not list(kept.glob(".*")), "no entry is left half written"

    def refuse(*_args, **_kwargs):
        raise AssertionError("made again although the cache has it")

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    monkeypatch.setattr(vl_convert, "svg_to_png", refuse)
    monkeypatch.setattr(definitions, "draw", refuse)  # no chart drawn with Altair
    monkeypatch.setattr(build_module, "validate", refuse)  # no data check
    monkeypatch.setattr(build_module, "index_site", refuse)  # no Pagefind run
    again = tmp_path / "again" / "output"  # in this process, so anything missing from the caches would fail it
    build(again, {"CHART_CACHE": str(cache), "CHART_WORKERS": 1, "BUILD_CACHE": str(kept)})

    expected = tree(serial)
    assert any(name.startswith("charts/") and name.endswith(".png") for name in expected)
    assert differences(expected, tree(first)) == []
    assert differences(expected, tree(again)) == []


def test_changing_a_package_renders_only_the_charts_drawn_from_it(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    cache = tmp_path / "cache"
    before = ChartSet(load_packages(data), renderer=renderer(cache, 1))
    before.render_all()
    assert before.renderer.rendered, "the first build renders every chart"

    spend = data / "spend" / "spend.csv"
    with open(spend, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    rows[0]["amount_gbp"] = str(int(rows[0]["amount_gbp"]) + 100_000)
    with open(spend, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    after = ChartSet(load_packages(data), renderer=renderer(cache, 1))
    after.render_all()
    rendered = {id for id in after.available() if set(after.render(id).jobs) & set(after.renderer.rendered)}
    from_spend = {id for id in after.available() if "spend" in definitions.get(id).packages}
    assert from_spend and rendered == from_spend
    assert rendered < set(after.available())
    changed = min(from_spend)
    assert after.render(changed).svg != before.render(changed).svg


def spec(n: int) -> str:
    data = {"values": [{"a": i} for i in range(n)]}
    return json.dumps({"data": data, "mark": "bar", "encoding": {"x": {"field": "a", "type": "ordinal"}}})


def test_the_renderer_draws_from_the_spec_and_the_site_font_alone_within_its_memory(tmp_path):
    """A drawing reads nothing but its spec and the registered font: data from a URL or a file is refused, not
    fetched, and a font the renderer does not hold is an error, not a fallback that measures every label wrong.
    One that needs more than the renderer's heap fails with vl-convert's words, and the renderer draws on."""
    fonts = str(measuring_fonts(tmp_path / "cache"))
    text = {"mark": "text", "encoding": {"text": {"field": "a"}}}
    for source in ("https://example.org/spend.csv", "file:///etc/hostname", "data/spend.csv"):
        refused = {**text, "data": {"url": source}}
        with pytest.raises(Exception, match="not allowed|Unsupported data URL|ACCESS_DENIED"):
            draw(Job(json.dumps(refused), png=True), fonts)
    values = {**text, "data": {"values": [{"a": "Day care"}]}}
    with pytest.raises(Exception, match="No Such Face"):
        draw(Job(json.dumps({**values, "config": {"font": "No Such Face"}}), png=False), fonts)
    drawn = draw(Job(json.dumps({**values, "config": {"font": definitions.FONT}}), png=True), fonts)
    assert "Day care" in drawn.svg and drawn.png.startswith(b"\x89PNG")
    # A hundred million points would take gigabytes: the drawing stops at the heap limit, and the next one draws.
    huge = {**text, "data": {"sequence": {"start": 0, "stop": 100_000_000}}}
    with pytest.raises(Exception, match=f"heap limit exceeded \\(configured: {cache_module.HEAP_MB} MB\\)"):
        draw(Job(json.dumps(huge), png=False), fonts)
    assert draw(Job(json.dumps({**values, "config": {"font": definitions.FONT}}), png=True), fonts) == drawn


def test_the_faces_embedded_in_downloads_are_cut_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    """The chart faces cut and compressed for the SVG files (render.subset_font) are kept in the chart cache: the
    next build reads the same bytes back, and without a cache they are cut here."""
    cut = render.subset_font("Regular")
    assert render.embedded_face("Regular", tmp_path) == cut
    (kept,) = tmp_path.glob("embedded-*-Regular.woff2")
    assert kept.read_bytes() == cut

    def refuse(face):
        raise AssertionError(f"{face} cut again")

    monkeypatch.setattr(render, "subset_font", refuse)
    assert render.embedded_face("Regular", tmp_path) == cut
    with pytest.raises(AssertionError, match="cut again"):
        render.embedded_face("Regular", None)


def test_drawings_made_as_their_batches_come_are_those_drawn_one_by_one_and_each_is_rendered_once(
    tmp_path, monkeypatch
):
    """ChartSet._make_here hands each chart's jobs over as Altair draws it (Renderer.draw_each): the workers start at
    the second missing drawing; a job asked for twice is rendered once; a lone missing drawing is drawn here."""
    a, b, c = Job(spec(1), png=True), Job(spec(2), png=False), Job(spec(3), png=True)
    one_by_one = {job: draw(job, str(measuring_fonts(tmp_path / "cache"))) for job in (a, b, c)}
    started, pool = [], cache_module.ProcessPoolExecutor
    monkeypatch.setattr(
        cache_module, "ProcessPoolExecutor", lambda *args, **kw: started.append(args) or pool(*args, **kw)
    )
    workers = renderer(tmp_path / "cache", 2)
    batches = workers.draw_each(iter([[a, b], [b, c], [a]]))
    assert len(started) == 1  # on the workers, started once
    assert batches == [[one_by_one[a], one_by_one[b]], [one_by_one[b], one_by_one[c]], [one_by_one[a]]]
    assert workers.rendered == [a, b, c]
    assert {p.name for p in (tmp_path / "cache").iterdir() if p.is_file()} == {
        f"{workers.key(job)}{suffix}" for job in (a, b, c) for suffix in (".svg", ".png") if suffix == ".svg" or job.png
    }

    def no_pool(*_args, **_kwargs):
        raise AssertionError("workers started for one drawing")

    monkeypatch.setattr(cache_module, "ProcessPoolExecutor", no_pool)
    lone = renderer(tmp_path / "other", 2)
    assert lone.draw_each([[a], [a]]) == [[one_by_one[a]], [one_by_one[a]]] and lone.rendered == [a]
    assert renderer(tmp_path / "other", 2).draw_each([[a, b]]) == [[one_by_one[a], one_by_one[b]]]  # a cached


def test_a_build_that_fails_while_the_charts_are_being_made_lets_their_workers_go(tmp_path, monkeypatch):
    """The charts are made on workers while the pages are written (ChartSet.start_all); a build that stops part
    way must not leave them running, nor wait for charts nobody will read."""

    def broken(*_args):
        raise RuntimeError("a generator failed")

    monkeypatch.setattr(DirectoryGenerator, "generate_output", broken)
    with pytest.raises(BuildError, match="a generator failed"):
        run_pelican(tmp_path / "output", {"CHART_CACHE": str(tmp_path / "cache"), "CHART_WORKERS": 2})
    assert multiprocessing.active_children() == []
    assert list((tmp_path / "cache").glob("*.svg")), "the workers had started"
