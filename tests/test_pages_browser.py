"""Every template in a real headless Chromium: no console errors, no off-host requests, 0 axe violations."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations

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
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_template_loads_cleanly_and_passes_axe(template, open_page):
    page = open_page(TEMPLATES[template])
    assert page.console_errors == []
    assert page.off_host() == []
    assert axe_violations(page.page) == []


@pytest.mark.parametrize("template", ["home", "report", "dataset"])
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
