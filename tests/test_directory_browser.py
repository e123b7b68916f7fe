"""The directory in headless Chromium: filters with JavaScript on and off, shareable views, the live region, axe."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations

pytestmark = pytest.mark.browser

LIVERPOOL = {"pss-day-opportunities", "imagine-day-opportunities", "msh-day-opportunities",
             "roots-day-opportunities", "my-time"}


def visible_entries(page) -> set[str]:
    return set(page.eval_on_selector_all(
        "li.entry", "items => items.filter(i => !i.hidden && i.offsetParent !== null).map(i => i.id.slice(6))"))


def status(page) -> str:
    return page.locator("#directory-status").inner_text()


@pytest.fixture
def phone_without_javascript(chromium):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, java_script_enabled=False)
    yield context
    context.close()


def test_liverpools_time_bank_in_two_clicks_on_a_phone_without_javascript(phone_without_javascript, site_url):
    page = phone_without_javascript.new_page()
    page.goto(site_url + "/directory/")
    page.get_by_role("link", name="Time bank").click()
    page.get_by_role("link", name="Waythrough").click()
    assert page.url == site_url + "/directory/waythrough/"
    assert "My Time" in page.locator("main").inner_text()


def test_filters_narrow_without_javascript(phone_without_javascript, site_url):
    page = phone_without_javascript.new_page()
    page.goto(site_url + "/directory/")
    assert visible_entries(page) == LIVERPOOL
    page.get_by_role("link", name="Courses and groups").click()
    assert page.url == site_url + "/directory/support-type/courses-and-groups/"
    assert visible_entries(page) == LIVERPOOL - {"my-time"}
    page.get_by_role("link", name="Peer support").click()
    assert visible_entries(page) == set()
    assert page.locator("#directory-empty").is_visible()
    page.locator("#directory-empty a").click()
    assert page.url == site_url + "/directory/" and visible_entries(page) == LIVERPOOL


def test_filters_are_instant_with_javascript_and_reflected_in_the_address(open_page, site_url):
    watched = open_page("/directory/")
    page = watched.page
    assert visible_entries(page) == LIVERPOOL
    page.get_by_role("link", name="Time bank").click()
    assert page.url == site_url + "/directory/?support=time-bank"  # no navigation to the static page
    assert visible_entries(page) == {"my-time"}
    assert status(page) == "1 of 5 services match: Time bank."
    assert page.get_by_role("link", name="Time bank").get_attribute("aria-current") == "true"
    page.get_by_role("link", name="Liverpool").click()
    assert page.url == site_url + "/directory/?area=liverpool&support=time-bank"
    assert visible_entries(page) == {"my-time"}
    page.get_by_role("link", name="Time bank").click()  # a second click takes the filter off
    assert page.url == site_url + "/directory/?area=liverpool"
    assert visible_entries(page) == LIVERPOOL
    page.go_back()
    assert visible_entries(page) == {"my-time"}
    assert watched.console_errors == [] and watched.off_host() == []


def test_a_filtered_address_restores_the_same_view(open_page):
    page = open_page("/directory/?support=courses-and-groups&activity=social-and-leisure").page
    assert visible_entries(page) == LIVERPOOL - {"my-time"}
    assert status(page) == "4 of 5 services match: Courses and groups, Social and leisure."
    current = page.eval_on_selector_all("a[data-facet][aria-current]", "links => links.map(a => a.dataset.value)")
    assert sorted(current) == ["courses-and-groups", "social-and-leisure"]


def test_the_live_region_announces_the_count(open_page):
    page = open_page("/directory/").page
    region = page.locator("#directory-status")
    assert region.get_attribute("aria-live") == "polite" and region.get_attribute("role") == "status"
    page.get_by_role("link", name="Courses and groups").click()
    assert region.inner_text() == "4 of 5 services match: Courses and groups."


def test_an_empty_result_says_so_and_clears(open_page, site_url):
    page = open_page("/directory/?support=time-bank&activity=social-and-leisure").page
    assert visible_entries(page) == set()
    assert status(page) == "0 of 5 services match: Time bank, Social and leisure."
    empty = page.locator("#directory-empty")
    assert empty.is_visible() and "No services match" in empty.inner_text()
    empty.get_by_role("link").click()
    assert page.url == site_url + "/directory/"
    assert visible_entries(page) == LIVERPOOL and status(page) == "Showing all 5 services."
    assert not empty.is_visible()


@pytest.mark.parametrize("path", ["/directory/", "/directory/?support=time-bank",
                                  "/directory/?support=peer-support", "/directory/support-type/time-bank/",
                                  "/directory/waythrough/"])
def test_directory_pages_pass_axe(open_page, path):
    watched = open_page(path)
    assert axe_violations(watched.page) == []
    assert watched.console_errors == [] and watched.off_host() == []


@pytest.mark.parametrize("path", ["/directory/", "/directory/waythrough/"])
def test_directory_pages_pass_axe_on_a_phone(chromium, open_page, path):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    try:
        page = open_page(path, context=context).page
        assert axe_violations(page) == []
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, "the page scrolls sideways at 320 px"
    finally:
        context.close()
