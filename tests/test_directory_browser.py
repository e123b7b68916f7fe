"""The directory in headless Chromium: filters with JavaScript on and off, shareable views, the live region, axe."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser import axe_violations, watch
from tests.conftest import DATA, read_csv

pytestmark = pytest.mark.browser

# Every scenario below is worked out from the shipped CSVs, so it holds as the data grows.
# After a click that follows a link, wait_for_url waits for the next page's load: page.url changes as the navigation
# commits, before the new page's entries are there to read (a race CI lost once).
SERVICES = read_csv(DATA / "providers" / "service.csv")
ORGANISATIONS = {row["id"]: row for row in read_csv(DATA / "providers" / "organization.csv")}
LINKS = read_csv(DATA / "providers" / "service_taxonomy.csv")
SHIPPED = {row["id"] for row in SERVICES}
TOTAL = len(SHIPPED)
LIVERPOOL = {
    a["service_id"] for a in read_csv(DATA / "providers" / "service_area.csv") if a["authority_code"] == "E08000012"
}


def with_term(term: str) -> set[str]:
    return {link["service_id"] for link in LINKS if link["taxonomy_term_id"] == term}


def matching(count: int) -> str:
    return f"{count} of {TOTAL} services match"


def visible_entries(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "li.entry", "items => items.filter(i => !i.hidden && i.offsetParent !== null).map(i => i.id.slice(6))"
        )
    )


def status(page) -> str:
    return page.locator("#directory-status").inner_text()


def settle(page):
    """Wait until the script has the JSON index and has drawn the entries (it marks the list aria-busy meanwhile)."""
    page.wait_for_function("() => !document.querySelector('#directory[aria-busy]')")
    return page


@pytest.fixture
def phone_without_javascript(chromium):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, java_script_enabled=False)
    yield context
    context.close()


def test_liverpools_time_bank_in_two_clicks_on_a_phone_without_javascript(phone_without_javascript, site_url):
    page = phone_without_javascript.new_page()
    page.goto(site_url + "/directory/")
    service = next(s for s in SERVICES if s["id"] in with_term("time-bank") and s["id"] in LIVERPOOL)
    organisation = ORGANISATIONS[service["organization_id"]]
    page.get_by_role("link", name="Time bank").click()
    page.wait_for_url(site_url + "/directory/support-type/time-bank/")
    page.get_by_role("link", name=organisation["name"], exact=True).first.click()
    page.wait_for_url(site_url + f"/directory/{organisation['id']}/")
    assert service["name"] in page.locator("main").inner_text()


def test_a_norwich_user_finds_a_norfolk_service_in_two_clicks_without_javascript(phone_without_javascript, site_url):
    """From /directory/: the Norwich filter, then a provider; the service and a sourced way to reach it are there."""
    areas = read_csv(DATA / "providers" / "service_area.csv")
    services = {s["id"]: s for s in read_csv(DATA / "providers" / "service.csv")}
    organisations = {o["id"]: o for o in read_csv(DATA / "providers" / "organization.csv")}
    in_norwich = [services[a["service_id"]] for a in areas if a["name"] == "Norwich"]
    assert in_norwich, "no service in the Norwich locality"
    service = in_norwich[0]
    provider = organisations[service["organization_id"]]
    page = phone_without_javascript.new_page()
    page.goto(site_url + "/directory/")
    page.get_by_role("link", name=re.compile(r"^Norwich \(\d+\)$")).click()
    page.wait_for_url(site_url + "/directory/locality/norwich/")
    assert visible_entries(page) == {s["id"] for s in in_norwich}
    page.get_by_role("link", name=provider["name"], exact=True).first.click()
    page.wait_for_url(site_url + f"/directory/{provider['id']}/")
    main = page.locator("main")
    assert service["name"] in main.inner_text()
    assert main.locator(".contact-value").count() >= 1 and main.locator(".contact .source a").count() >= 1
    assert page.locator("aside.urgent-help").is_visible()


def test_filters_narrow_without_javascript(phone_without_javascript, site_url):
    page = phone_without_javascript.new_page()
    page.goto(site_url + "/directory/")
    assert visible_entries(page) == SHIPPED
    page.get_by_role("link", name="Courses and groups").click()
    page.wait_for_url(site_url + "/directory/support-type/courses-and-groups/")
    assert visible_entries(page) == with_term("courses-and-groups")
    if not with_term("peer-support"):
        assert page.get_by_role("link", name="Peer support").count() == 0  # a count of 0 is not a link
    page.goto(site_url + "/directory/support-type/peer-support/")
    assert visible_entries(page) == with_term("peer-support")
    assert page.locator("#directory-empty").is_visible() == (not with_term("peer-support"))
    page.goto(site_url + "/directory/support-type/one-to-one-outreach/")
    assert visible_entries(page) == with_term("one-to-one-outreach")
    page.locator("#directory-empty a").click()
    page.wait_for_url(site_url + "/directory/")
    assert visible_entries(page) == SHIPPED


def test_filters_are_instant_with_javascript_and_reflected_in_the_address(open_page, site_url):
    watched = open_page("/directory/")
    page = watched.page
    assert visible_entries(page) == SHIPPED
    page.get_by_role("link", name="Time bank").click()
    assert page.url == site_url + "/directory/?support=time-bank"  # no navigation to the static page
    time_bank = with_term("time-bank")
    assert visible_entries(settle(page)) == time_bank
    assert status(page) == f"{matching(len(time_bank))}: Time bank."
    assert page.get_by_role("link", name="Time bank").get_attribute("aria-current") == "true"
    page.get_by_role("link", name="Liverpool").click()
    assert page.url == site_url + "/directory/?area=liverpool&support=time-bank"
    assert visible_entries(page) == time_bank & LIVERPOOL
    page.get_by_role("link", name="Time bank").click()  # a second click takes the filter off
    assert page.url == site_url + "/directory/?area=liverpool"
    assert visible_entries(page) == LIVERPOOL
    page.go_back()
    assert visible_entries(page) == time_bank & LIVERPOOL
    assert watched.console_errors == [] and watched.off_host() == []


def test_a_filtered_address_restores_the_same_view(open_page):
    page = settle(open_page("/directory/?support=courses-and-groups&activity=social-and-leisure").page)
    both = with_term("courses-and-groups") & with_term("social-and-leisure")
    assert visible_entries(page) == both
    assert status(page) == f"{matching(len(both))}: Courses and groups, Social and leisure activities."
    current = page.eval_on_selector_all("a[data-facet][aria-current]", "links => links.map(a => a.dataset.value)")
    assert sorted(current) == ["courses-and-groups", "social-and-leisure"]


def test_the_live_region_announces_the_count(open_page):
    page = open_page("/directory/").page
    region = page.locator("#directory-status")
    assert region.get_attribute("aria-live") == "polite" and region.get_attribute("role") == "status"
    page.get_by_role("link", name="Courses and groups").click()
    courses = len(with_term("courses-and-groups"))
    assert settle(page) and region.inner_text() == f"{matching(courses)}: Courses and groups."


def test_an_empty_result_says_so_and_clears(open_page, site_url):
    # a service matches every filter of the empty combination below only if the data says so
    assert not with_term("time-bank") & with_term("social-and-leisure"), "pick another empty combination"
    page = settle(open_page("/directory/?support=time-bank&activity=social-and-leisure").page)
    assert visible_entries(page) == set()
    assert status(page) == f"{matching(0)}: Time bank, Social and leisure activities."
    empty = page.locator("#directory-empty")
    assert empty.is_visible() and "No services match" in empty.inner_text()
    empty.get_by_role("link").click()
    page.wait_for_url(site_url + "/directory/")
    assert visible_entries(page) == SHIPPED and status(page) == f"Showing all {TOTAL} services."
    assert not empty.is_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/directory/",
        "/directory/?support=time-bank",
        "/directory/?support=peer-support",
        "/directory/support-type/time-bank/",
        "/directory/locality/norwich/",
        "/",
        *(f"/directory/{organisation}/" for organisation in ORGANISATIONS),
    ],
)
def test_directory_pages_pass_axe(open_page, path):
    watched = open_page(path)
    settle(watched.page)
    assert axe_violations(watched.page) == []
    assert watched.console_errors == [] and watched.off_host() == []


URGENT_PAGES = ["/", "/directory/", "/directory/locality/norwich/"] + [
    f"/directory/{o['id']}/" for o in read_csv(DATA / "providers" / "organization.csv")
]


@pytest.mark.parametrize("path", URGENT_PAGES)
def test_directory_pages_and_the_urgent_help_box_pass_axe_on_a_phone(chromium, open_page, path):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    try:
        page = open_page(path, context=context).page
        assert axe_violations(page) == []
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, "the page scrolls sideways at 320 px"
        box = page.locator("aside.urgent-help")
        assert box.is_visible()
        routes = read_csv(DATA / "providers" / "urgent_help.csv")
        assert box.locator("a.urgent-number").all_inner_texts() == [r["number"] for r in routes]
        # Near the top of the page: the box starts within the first two screens on a phone.
        assert box.bounding_box()["y"] < 2 * 640
        if path != "/":  # after the home page: compact, a line or two on a 320 px phone, above the heading
            line = float(
                page.evaluate(
                    "() => getComputedStyle(document.querySelector('aside.urgent-help p')).lineHeight"
                ).removesuffix("px")
            )
            assert box.bounding_box()["height"] <= 2 * line + 20, box.bounding_box()
            assert box.bounding_box()["y"] < page.locator("main h1").bounding_box()["y"]
            for number in box.locator("a.urgent-number").all():
                assert number.bounding_box()["height"] >= 24  # a tap target (WCAG 2.2 target size, minimum)
    finally:
        context.close()


def test_the_urgent_help_box_prints_and_needs_no_javascript(chromium, site_url):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/directory/")
        page.emulate_media(media="print")
        box = page.locator("aside.urgent-help")
        assert box.is_visible() and "116 123" in box.inner_text()
        assert page.evaluate("() => getComputedStyle(document.querySelector('aside.urgent-help')).display") != "none"
    finally:
        context.close()


def test_after_a_filter_tap_on_a_phone_focus_and_view_move_to_the_result_count(chromium, open_page):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    try:
        page = open_page("/directory/", context=context).page
        page.get_by_role("link", name="Time bank").tap()
        settle(page)
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'directory-status'")
        box = page.locator("#directory-status").bounding_box()
        # in view, allowing for a fraction of a pixel of subpixel layout at the top edge
        assert -1 <= box["y"] and box["y"] + box["height"] <= 640, box
        assert status(page) == f"{matching(len(with_term('time-bank')))}: Time bank."
    finally:
        context.close()


def test_an_entry_drawn_by_the_script_reads_like_the_served_one(open_page):
    # a renamed organisation's entry if there is one: its "formerly" words are drawn by both
    service = min(
        (s for s in SERVICES if s["id"] in with_term("time-bank")),
        key=lambda s: ORGANISATIONS[s["organization_id"]]["status"] != "renamed",
    )
    organisation = ORGANISATIONS[service["organization_id"]]
    served = open_page("/directory/").page.locator(f"#entry-{service['id']}")
    text, hrefs = served.inner_text(), served.locator("a").evaluate_all("links => links.map(a => a.href)")
    drawn = settle(open_page("/directory/?support=time-bank").page).locator(f"#entry-{service['id']}")
    run_by = f"Run by {organisation['name']}"
    if organisation["status"] == "renamed":
        run_by += f" (formerly {organisation['former_name']})"
    assert drawn.inner_text() == text and run_by in text
    assert "we last checked it on" in text  # the source's dates, drawn by both
    assert drawn.locator("a").evaluate_all("links => links.map(a => a.href)") == hrefs


# A paginated directory: the synthetic build with 1,500 more providers, 50 entries a page (tests/conftest.py)


def entries_on(paged_site, facet=None, value=None) -> list[str]:
    index = json.loads((paged_site / "directory" / "entries.json").read_text(encoding="utf-8"))
    return [e["id"] for e in index["entries"] if facet is None or value in e.get(facet, [])]


def test_filters_search_every_entry_not_only_the_first_page(browser_context, paged_site, paged_url):
    watched = watch(browser_context, paged_url)
    watched.goto("/directory/")
    page = watched.page
    first_page = visible_entries(page)
    assert len(first_page) == 50 and page.locator('nav[aria-label="Pagination"]').is_visible()
    page.get_by_role("link", name="Time bank").click()
    assert page.url == paged_url + "/directory/?support=time-bank"
    settle(page)
    time_bank = entries_on(paged_site, "support", "time-bank")
    assert len(time_bank) > 50 and set(time_bank) - first_page
    shown = visible_entries(page)
    assert shown == set(time_bank[:50]) and shown - first_page, "only the first page was filtered"
    total = len(entries_on(paged_site))
    assert status(page) == f"{len(time_bank)} of {total:,} services match: Time bank. Showing 1 to 50."
    assert not page.locator('nav[aria-label="Pagination"]').is_visible()  # it pages the unfiltered list
    page.get_by_role("button", name="Show more services").click()
    assert visible_entries(page) == set(time_bank[:100])
    assert page.evaluate("() => document.activeElement.parentElement.id") == "entry-" + time_bank[50]
    area = page.locator("a[data-facet=area]").first
    area_value, area_name = area.get_attribute("data-value"), area.inner_text().split(" (")[0]
    area.click()
    assert page.url == paged_url + f"/directory/?area={area_value}&support=time-bank"
    both = [e for e in time_bank if e in entries_on(paged_site, "area", area_value)]
    assert both and visible_entries(page) == set(both[:50])
    assert status(page).startswith(f"{len(both)} of {total:,} services match: {area_name}, Time bank.")
    assert watched.console_errors == [] and watched.off_host() == []


def test_a_filtered_address_restores_on_any_page(browser_context, paged_site, paged_url):
    watched = watch(browser_context, paged_url)
    watched.goto("/directory/page/7/?support=peer-support&cost=not-confirmed")
    page = settle(watched.page)
    expected = [
        e
        for e in entries_on(paged_site, "support", "peer-support")
        if e in entries_on(paged_site, "cost", "not-confirmed")
    ]
    assert visible_entries(page) == set(expected[:50])
    total = len(entries_on(paged_site))
    assert status(page).startswith(
        f"{len(expected)} of {total:,} services match: Peer support, Cost not yet confirmed."
    )
    page.locator(".js-clear a").click()
    settle(page)
    assert page.url == paged_url + "/directory/"
    assert visible_entries(page) == set(entries_on(paged_site)[:50])
    assert status(page) == f"Showing 1 to 50 of {total:,} services."
    page.go_back()
    settle(page)
    assert visible_entries(page) == set(expected[:50])
    assert watched.console_errors == []


def test_every_page_is_reachable_without_javascript(chromium, paged_site, paged_url):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(paged_url + "/directory/")
        page.get_by_role("link", name="Next page").click()
        page.wait_for_url(paged_url + "/directory/page/2/")
        assert visible_entries(page) == set(entries_on(paged_site)[50:100])
        page.get_by_role("link", name="Page 31").click()
        page.wait_for_url(paged_url + "/directory/page/31/")
        assert visible_entries(page) == set(entries_on(paged_site)[1500:])
        page.get_by_role("link", name="Support at a centre").click()
        page.wait_for_url(paged_url + "/directory/support-type/centre-based/")
        page.get_by_role("link", name="Next page").click()
        page.wait_for_url(paged_url + "/directory/support-type/centre-based/page/2/")
        assert visible_entries(page) == set(entries_on(paged_site, "support", "centre-based")[50:100])
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/directory/page/2/", "/directory/support-type/centre-based/page/2/", "/directory/?support=time-bank"]
)
def test_paginated_pages_pass_axe(browser_context, paged_url, path):
    watched = watch(browser_context, paged_url)
    watched.goto(path)
    assert axe_violations(settle(watched.page)) == []
    assert watched.console_errors == [] and watched.off_host() == []


# A value is a link when it has an address and can take focus; one without (the script's 0) is text.
FILTER_COUNTS = """() => Array.from(document.querySelectorAll('#directory a[data-facet]')).map((a) => {
  a.focus();
  return {facet: a.dataset.facet, value: a.dataset.value, count: a.querySelector('.count').textContent,
          link: a.hasAttribute('href') && document.activeElement === a && !a.hidden};
})"""


def expected_count(entries: list[dict], state: dict, facet: str, value: str) -> int:
    would = {**state, facet: value}
    return sum(all(v in entry.get(f, []) for f, v in would.items()) for entry in entries)


def test_filter_counts_follow_the_selection_and_a_zero_is_never_a_link(open_page, built_site):
    entries = json.loads((built_site / "directory" / "entries.json").read_text(encoding="utf-8"))["entries"]
    term = min(
        (t for t in {link["taxonomy_term_id"] for link in LINKS}),
        key=lambda t: (len(with_term(t)), t),  # the rarest kind of support: the most values fall to 0
    )
    page = open_page(f"/directory/?support={term}").page
    settle(page)
    state = {"support": term}
    shown = [c for c in page.evaluate(FILTER_COUNTS) if c["facet"]]
    assert shown
    zeros = 0
    for count in shown:
        n = expected_count(entries, state, count["facet"], count["value"])
        assert count["count"] == f"({n:,})", count
        chosen = state.get(count["facet"]) == count["value"]
        assert count["link"] == (n > 0 or chosen), count
        zeros += n == 0
    assert zeros, "the rarest support type leaves no value at 0: the test would not see a zero shown as a link"
    page.get_by_role("link", name=re.compile("^Clear all filters")).click()
    served = [c for c in page.evaluate(FILTER_COUNTS) if c["facet"]]
    for count in served:  # back to every entry: the served counts, every one a link
        assert count["link"] and count["count"] == f"({expected_count(entries, {}, count['facet'], count['value']):,})"
