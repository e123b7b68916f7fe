"""Charts in a real headless Chromium: axe on a page holding each chart, the explore control, JavaScript off."""

from __future__ import annotations

import pytest

from scripts.charts import definitions as charts
from scripts.charts.render import INLINE_SVG_LIMIT, ChartSet
from scripts.datapackages import load_packages
from tests.browser import axe_violations
from tests.chart_fixtures import fixture_data

pytestmark = pytest.mark.browser

# Where each chart with real data is placed on the site.
PLACED = {
    "norfolk-people-by-locality": "/reports/norfolk-2023-market-position/",
    "spend-by-authority-and-year": "/reports/norfolk-2023-market-position/",
    "liverpool-providers-by-support-type": "/reports/liverpool-2019-survey/",
}


@pytest.fixture(scope="module")
def fixture_charts(tmp_path_factory) -> ChartSet:
    return ChartSet(load_packages(fixture_data(tmp_path_factory.mktemp("browser-chart-fixtures"))))


@pytest.mark.parametrize("chart_id", sorted(PLACED))
def test_page_holding_the_chart_passes_axe(chart_id, open_page):
    page = open_page(PLACED[chart_id])
    assert page.page.locator(f"figure#chart-{chart_id} svg[role=img]").count() == 1
    assert axe_violations(page.page) == []
    assert page.console_errors == [] and page.off_host() == []


@pytest.mark.parametrize("chart_id", sorted(charts.CHARTS))
def test_fixture_chart_in_a_page_passes_axe(chart_id, open_page, fixture_charts):
    """The SYNTHETIC fixtures (survey counts with [c], 150 x 10 spend), put into a real page in the browser only."""
    page = open_page("/about/")
    page.page.evaluate(
        "(html) => { document.querySelector('main').innerHTML = '<h1>Chart</h1>' + html; }",
        fixture_charts.render(chart_id).block_html(),
    )
    page.page.evaluate("() => document.querySelector('details.chart-data').open = true")
    rendered = fixture_charts.render(chart_id)
    if len(rendered.svg.encode()) > INLINE_SVG_LIMIT:  # too big to inline: an image of the SVG file
        assert page.page.locator(".chart-image img").get_attribute("alt") == rendered.drawn.alt
    else:
        assert page.page.locator("svg[role=img] desc").count() == 1
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
    scripts_after = [url for url in page.requests if url.endswith(".js")]
    assert [url.rsplit("/", 1)[1] for url in scripts_after[1:]] == [
        "vega.min.js",
        "vega-lite.min.js",
        "vega-embed.min.js",
    ]
    assert page.base_url + "/charts/norfolk-people-by-locality.vl.json" in page.requests
    # The interactive view holds the chart's data.
    values = page.page.evaluate(
        "() => window.chartViews[0].data(Object.keys(window.chartViews[0].getState({data: () => true}).data)"
        ".find(name => window.chartViews[0].data(name).length === 5)).map(d => d.share_percent)"
    )
    assert sorted(values) == [7, 8, 14, 20, 51]
    assert page.console_errors == []
    assert page.off_host() == []
    assert axe_violations(page.page) == []


def test_without_javascript_the_svg_and_table_are_there(chromium, site_url):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/reports/norfolk-2023-market-position/")
        figure = page.locator("figure#chart-norfolk-people-by-locality")
        assert figure.locator("svg[role=img]").is_visible()
        assert "Norwich" in figure.locator("svg title").text_content()
        figure.locator("details summary").click()
        assert figure.locator("details table th[scope=row]", has_text="Norwich").is_visible()
        assert figure.locator("button.chart-explore").is_hidden(), "a button that cannot work stays hidden"
        assert figure.locator("a", has_text="Download the data for this chart").count() == 1
    finally:
        context.close()
