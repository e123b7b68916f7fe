"""Every template in a real headless Chromium: no console errors, no off-host requests, 0 axe violations."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations
from tests.conftest import DATA, read_csv

pytestmark = pytest.mark.browser

# One page per template the site uses.
TEMPLATES = {
    "home": "/",
    "page": "/about/",
    "accessibility": "/accessibility/",
    "privacy": "/privacy/",
    "reports": "/reports/",
    "report": "/reports/norfolk-2023-market-position/",
    "data_index": "/data/",
    "dataset": "/data/providers/",
    "not_found": "/404.html",
    "councils": "/councils/",
    # a council that no longer exists (its page links to its successors), else the first of the series
    "council": "/councils/{}/".format(
        next(
            (c for c in read_csv(DATA / "day-care-spend" / "council.csv") if not c["successor_codes"].startswith("[")),
            read_csv(DATA / "day-care-spend" / "council.csv")[0],
        )["authority_code"]
    ),
    "national_report": "/reports/what-councils-in-england-spent-on-mental-health-day-care/",
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_template_loads_cleanly_and_passes_axe(template, open_page):
    page = open_page(TEMPLATES[template])
    assert page.console_errors == []
    assert page.off_host() == []
    assert axe_violations(page.page) == []


@pytest.mark.parametrize("template", ["home", "report", "dataset", "councils", "council", "national_report"])
def test_template_passes_axe_on_a_phone(template, chromium, open_page):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    try:
        page = open_page(TEMPLATES[template], context=context)
        assert axe_violations(page.page) == []
        overflow = page.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, "the page scrolls sideways at 320 px"
    finally:
        context.close()


def test_skip_link_is_first_and_moves_focus_to_main(open_page):
    page = open_page("/reports/liverpool-2019-survey/").page
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]"
    )
    assert focused == ["Skip to main content", "#main-content"]
    assert page.evaluate("() => getComputedStyle(document.activeElement).left") == "0px"  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    assert page.url.endswith("#main-content")


def test_pages_work_without_javascript(chromium, site_url):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/data/spend/")
        assert page.locator("h1").inner_text() == "Council spend on mental-health day opportunities"
        assert page.locator("a", has_text="Download spend.csv").count() >= 1
    finally:
        context.close()


def test_axe_check_catches_a_planted_fault(open_page):
    page = open_page("/about/").page
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/favicon.svg'; document.querySelector('main').append(img); }"
    )
    assert "image-alt" in [v["id"] for v in axe_violations(page)]


def test_off_host_requests_are_caught(open_page):
    page = open_page("/about/")
    page.page.evaluate(
        "() => { const img = document.createElement('img'); img.alt = ''; img.src = 'http://tracker.invalid/x.png'; document.body.append(img); }"
    )
    page.page.wait_for_timeout(200)
    assert page.off_host() == ["http://tracker.invalid/x.png"]


def test_report_prints_without_navigation_and_with_link_addresses(open_page):
    page = open_page("/reports/norfolk-2023-market-position/").page
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['header nav', '.skip-link', '.breadcrumbs', '.footer-links']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 4
    after = page.evaluate(
        """() => getComputedStyle(document.querySelector('article a[href^="https://norfolk"]'), '::after').content"""
    )
    assert "https://norfolk.gov.uk/article/43532" in after
    page.emulate_media(media="screen")
    assert page.evaluate("() => getComputedStyle(document.querySelector('header nav')).display") != "none"


def test_the_council_box_narrows_the_list_and_says_how_many(open_page):
    councils = read_csv(DATA / "day-care-spend" / "council.csv")
    name = councils[0]["authority_name"]
    page = open_page("/councils/").page
    box = page.locator("#council-search")
    assert box.is_visible()
    box.fill(name.lower())
    shown = page.locator("#a-to-z li[data-name]:visible")
    names = [text.split(":")[0] for text in shown.all_inner_texts()]
    assert name in names and all(name.lower() in n.lower() for n in names)
    assert page.locator("#council-count").inner_text().startswith(f"{len(names)} ")
    box.fill("no council is called this")
    assert page.locator("#a-to-z li[data-name]:visible").count() == 0
    assert "No council matches" in page.locator("#council-count").inner_text()


def test_the_home_page_box_takes_you_to_your_council_with_or_without_javascript(chromium, site_url, open_page):
    name = read_csv(DATA / "day-care-spend" / "council.csv")[0]["authority_name"]
    page = open_page("/").page
    page.fill("#home-council", name)
    page.click("form.council-search button")
    page.wait_for_url("**/councils/?q=*")
    assert name in page.locator("#a-to-z li[data-name]:visible").first.inner_text()
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    try:
        plain = context.new_page()
        plain.goto(site_url + "/councils/?q=" + name)
        assert not plain.locator("#council-search").is_visible()  # no box that cannot work
        plain.get_by_role("link", name=name, exact=True).first.click()
        assert plain.locator("h1").inner_text() == name
    finally:
        context.close()
