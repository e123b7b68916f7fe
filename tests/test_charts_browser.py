"""Charts in a real headless Chromium: every chart's text inside its picture and at least 12 px at 320, 768 and
1280 px, on every page of the shipped site (of the council pages, a sample at the limits) and for the synthetic
fixtures; axe; the explore control; JavaScript off."""

from __future__ import annotations

import re

import pytest

from scripts.charts import definitions as charts
from scripts.charts.render import ChartSet
from scripts.datapackages import load_packages
from tests.browser import axe_violations
from tests.chart_fixtures import fixture_data
from tests.conftest import DATA, read_csv

pytestmark = pytest.mark.browser

WIDTHS = (320, 768, 1280)
MIN_TEXT_PX = 12

# Every problem with the chart pictures a reader sees in this page, as text: a <text> outside its SVG's box, text
# under 12 CSS px (its box's height, and its font size as scaled), a picture shrunk below its drawn size, or wider
# than the text column. A chart shown as an <img> of its SVG file is measured by drawing that file's SVG in the page,
# at the size the image is shown (it carries the same font).
CHART_PROBLEMS = r"""async (min) => {
  await document.fonts.ready;
  const problems = [];
  const column = document.querySelector("main").getBoundingClientRect();
  const shown = (element) => element.getClientRects().length > 0;
  const check = (svg, name, scale) => {
    const box = svg.getBoundingClientRect();
    if (box.width > column.width + 0.5) { problems.push(`${name}: ${box.width} px wide in a ${column.width} px column`); }
    if (scale < 0.999) { problems.push(`${name}: shrunk to ${scale.toFixed(2)} of its drawn size`); }
    const texts = svg.querySelectorAll("text");
    if (!texts.length) { problems.push(`${name}: no text`); }
    for (const text of texts) {
      const r = text.getBoundingClientRect();
      const label = `${name}: "${text.textContent}"`;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        problems.push(`${label} outside the picture (${[r.left - box.left, box.right - r.right, r.top - box.top, box.bottom - r.bottom].map(Math.round)})`);
      }
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (r.height < min || size < min - 0.01) { problems.push(`${label} is ${size.toFixed(1)} px (box ${r.height.toFixed(1)} px)`); }
    }
  };
  const figures = [...document.querySelectorAll("figure.chart")];
  for (const figure of figures) {
    const pictures = [...figure.querySelectorAll(".chart-image > svg, .chart-image img")].filter(shown);
    if (pictures.length !== 1) { problems.push(`${figure.id}: ${pictures.length} pictures shown, not one`); }
    for (const svg of figure.querySelectorAll(".chart-image > svg")) {
      if (shown(svg)) { check(svg, figure.id, svg.getBoundingClientRect().width / svg.width.baseVal.value); }
    }
    for (const img of figure.querySelectorAll(".chart-image img")) {
      if (!img.complete) { await new Promise((done) => img.addEventListener("load", done, {once: true})); }
      // Without its embedded font (the page's CSP allows no inline style; the page has the same font).
      const text = (await (await fetch(img.currentSrc)).text()).replace(/<style>[\s\S]*?<\/style>/, "");
      const drawn = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      const shownWidth = img.getBoundingClientRect().width;
      const scale = shownWidth / drawn.width.baseVal.value;
      if (Math.abs(img.naturalWidth * scale - shownWidth) > 1) { problems.push(`${figure.id}: not the image drawn`); }
      drawn.setAttribute("height", drawn.height.baseVal.value * scale);
      drawn.setAttribute("width", shownWidth);
      drawn.removeAttribute("class");  // out of the site's rules that choose which drawing shows
      figure.append(drawn);
      check(drawn, figure.id + " (image)", scale);
      drawn.remove();
    }
  }
  return {figures: figures.map((f) => f.id), problems};
}"""


def chart_problems(page) -> dict:
    result = page.evaluate(CHART_PROBLEMS, MIN_TEXT_PX)
    result["sideways"] = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return result


def pages_with_charts(site) -> list[str]:
    """Every page with a chart, but of the council pages (one chart each, all drawn by one function) only those
    that test its limits: the council with the longest name (the longest headline), the most years and the
    fewest years."""
    pages = {
        "/" + str(path.relative_to(site).parent) + "/": path.read_text(encoding="utf-8")
        for path in site.rglob("index.html")
    }
    pages = {path: html for path, html in pages.items() if 'class="chart"' in html}
    councils = {path: html for path, html in pages.items() if path.startswith("/councils/") and path != "/councils/"}
    sample = set()
    if councils:
        name = {path: re.search(r"<h1>(.*?)</h1>", html).group(1) for path, html in councils.items()}
        rows = {path: html.count('<tr><th scope="row">') for path, html in councils.items()}
        sample = {max(councils, key=lambda p: (len(name[p]), p)), max(rows, key=rows.get), min(rows, key=rows.get)}
    return sorted(set(pages) - set(councils) | sample)


# Where each chart with real data is placed on the site.
PLACED = {
    "norfolk-people-by-locality": "/reports/norfolk-2023-market-position/",
    "spend-by-authority-and-year": "/reports/norfolk-2023-market-position/",
    "liverpool-providers-by-support-type": "/reports/liverpool-2019-survey/",
    "england-day-care-by-year": "/reports/what-councils-in-england-spent-on-mental-health-day-care/",
    "council-E10000020-day-care": "/councils/E10000020/",
}


@pytest.fixture(scope="module")
def fixture_charts(tmp_path_factory) -> ChartSet:
    return ChartSet(load_packages(fixture_data(tmp_path_factory.mktemp("browser-chart-fixtures"))))


def show_fixture(page, chart_set: ChartSet, chart_id: str):
    """Put a SYNTHETIC fixture chart into a real page, in the browser only; its files answered from memory."""
    files = chart_set.render(chart_id).files()

    def from_fixture(route):
        name = route.request.url.rsplit("/", 1)[1]
        if name in files:
            kind = "image/svg+xml" if name.endswith(".svg") else "application/octet-stream"
            route.fulfill(status=200, body=files[name], content_type=kind)
        else:
            route.fallback()

    page.page.route("**/charts/*", from_fixture)
    page.page.evaluate(
        "(html) => { document.querySelector('main').innerHTML = '<h1>Chart</h1>' + html; }",
        chart_set.block_html(chart_id),
    )


def test_the_chart_check_sees_clipped_shrunk_and_small_text(chromium, open_page):
    """The check above can fail: a label past the edge, small text, a picture drawn wider than it is shown, two
    pictures shown at once."""
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        page = open_page("/about/", context=context)
        page.page.evaluate(
            """() => { const svg = '<svg class="chart-svg" width="400" height="50" viewBox="0 0 400 50">'
              + '<text x="380" y="20" font-size="12px">cut off at the edge</text>'
              + '<text x="0" y="40" font-size="14px">small</text></svg>';
              document.querySelector('main').innerHTML = '<figure class="chart" id="chart-broken">'
              + '<div class="chart-image">' + svg + svg + '</div></figure>'; }"""
        )
        problems = chart_problems(page.page)["problems"]
        assert any('"cut off at the edge" outside the picture' in p for p in problems), problems
        assert any('"small" is 10.1 px' in p for p in problems), problems
        assert any("shrunk to 0.72" in p for p in problems), problems
        page.page.evaluate("() => document.querySelector('.chart-image svg').removeAttribute('class')")
        assert any("2 pictures shown" in p for p in chart_problems(page.page)["problems"])
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_on_every_page_fits_and_reads_at(width, chromium, open_page, built_site):
    placed = set(PLACED.values())
    assert all('class="chart"' in (built_site / p.strip("/") / "index.html").read_text() for p in placed)
    pages = sorted(set(pages_with_charts(built_site)) | placed)
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        for path in pages:
            page = open_page(path, context=context)
            result = chart_problems(page.page)
            assert result["figures"], path
            assert result["problems"] == [] and result["sideways"] <= 0, (path, result)
            assert page.console_errors == [] and page.off_host() == []
            page.page.close()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("chart_id", sorted(charts.CHARTS))
def test_fixture_chart_fits_and_reads_at(chart_id, width, chromium, open_page, fixture_charts):
    """Many bars (150 authorities x 10 years), long labels and a long headline (24 localities), long questions."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        page = open_page("/about/", context=context)
        show_fixture(page, fixture_charts, chart_id)
        result = chart_problems(page.page)
        assert result["figures"] == [f"chart-{chart_id}"]
        assert result["problems"] == [] and result["sideways"] <= 0, result
        heading = page.page.locator("h3.chart-title").bounding_box()
        assert heading["width"] <= width, "the headline wraps as text"
        assert page.console_errors == [] and page.off_host() == []
    finally:
        context.close()


@pytest.mark.parametrize("chart_id", sorted(PLACED))
def test_page_holding_the_chart_passes_axe(chart_id, open_page):
    page = open_page(PLACED[chart_id])
    assert page.page.locator(f"figure#chart-{chart_id} svg[role=img]").count() == 2  # wide and phone drawings
    assert axe_violations(page.page) == []
    assert page.console_errors == [] and page.off_host() == []


@pytest.mark.parametrize("chart_id", sorted(charts.CHARTS))
def test_fixture_chart_in_a_page_passes_axe(chart_id, open_page, fixture_charts):
    """The SYNTHETIC fixtures (survey counts with [c], 150 x 10 spend), put into a real page in the browser only."""
    page = open_page("/about/")
    show_fixture(page, fixture_charts, chart_id)
    page.page.evaluate("() => document.querySelector('details.chart-data').open = true")
    rendered = fixture_charts.render(chart_id)
    if not rendered.inline:  # too big to inline: an image of the SVG file
        assert page.page.locator(".chart-image img").get_attribute("alt") == rendered.drawn.alt
    else:
        assert page.page.locator("svg[role=img] desc").count() == 2  # the wide and the phone drawing
        assert page.page.locator("svg[role=img]:visible").count() == 1, "one shown, one in the accessibility tree"
    assert axe_violations(page.page) == []
    assert page.console_errors == []


def test_explore_loads_vega_only_when_pressed_and_draws_the_chart(open_page):
    page = open_page("/reports/norfolk-2023-market-position/")
    scripts_before = [url for url in page.requests if url.endswith(".js")]
    assert scripts_before == [page.base_url + "/theme/js/explore.js"]
    figure = page.page.locator("figure#chart-norfolk-people-by-locality")
    button = figure.locator("button.chart-explore")
    assert button.is_visible() and button.inner_text() == "Explore this chart"
    button.click()
    figure.locator(".chart-interactive[data-ready=true] canvas").wait_for(timeout=30000)
    assert page.page.evaluate("() => window.chartViews.length") == 1
    # The interactive chart takes the static picture's place: the chart is shown once, and can be switched back.
    assert figure.locator(".chart-image").is_hidden() and figure.locator(".chart-interactive canvas").is_visible()
    assert button.inner_text() == "Show the static chart"
    scripts_after = [url for url in page.requests if url.endswith(".js")]
    assert [url.rsplit("/", 1)[1] for url in scripts_after[1:]] == [
        "vega.min.js",
        "vega-lite.min.js",
        "vega-embed.min.js",
    ]
    assert page.base_url + "/charts/norfolk-people-by-locality.vl.json" in page.requests
    # The interactive view holds the chart's data.
    shares = [r for r in read_csv(DATA / "providers" / "locality_share.csv") if r["authority_code"] == "E10000020"]
    latest = max(r["month"] for r in shares)
    expected = sorted(
        float(r["share_percent"]) for r in shares if r["month"] == latest and r["share_percent"][0] != "["
    )
    values = page.page.evaluate(
        "n => window.chartViews[0].data(Object.keys(window.chartViews[0].getState({data: () => true}).data)"
        ".find(name => window.chartViews[0].data(name).length === n)).map(d => d.share_percent)",
        len(expected),
    )
    assert sorted(values) == expected
    assert page.console_errors == []
    assert page.off_host() == []
    assert axe_violations(page.page) == []
    button.click()
    assert figure.locator(".chart-image svg").first.is_visible() and figure.locator(".chart-interactive").is_hidden()
    assert button.inner_text() == "Explore this chart"


def test_explore_on_a_phone_draws_the_phone_version(chromium, open_page):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        page = open_page("/reports/norfolk-2023-market-position/", context=context)
        figure = page.page.locator("figure#chart-norfolk-people-by-locality")
        figure.locator("button.chart-explore").click()
        figure.locator(".chart-interactive[data-ready=true] canvas").wait_for(timeout=30000)
        assert page.base_url + "/charts/norfolk-people-by-locality.narrow.vl.json" in page.requests
        box = figure.locator(".chart-interactive canvas").bounding_box()
        assert box["width"] <= 288 and figure.locator(".chart-image").is_hidden()
        assert (
            page.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        )
    finally:
        context.close()


def test_without_javascript_the_svg_and_table_are_there(chromium, site_url):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/reports/norfolk-2023-market-position/")
        figure = page.locator("figure#chart-norfolk-people-by-locality")
        assert figure.locator("svg[role=img]").first.is_visible()
        drawn = charts.draw("norfolk-people-by-locality", load_packages(DATA))
        first = drawn.table[0]["locality"]  # the largest share, named in the headline
        assert figure.locator("svg title").first.text_content() == drawn.title
        assert figure.locator("h3.chart-title").inner_text() == drawn.title and first in drawn.title
        figure.locator("details summary").click()
        assert figure.locator("details table th[scope=row]", has_text=first).is_visible()
        assert figure.locator("button.chart-explore").is_hidden(), "a button that cannot work stays hidden"
        assert figure.locator("a", has_text="Download the data for this chart").count() == 1
    finally:
        context.close()
