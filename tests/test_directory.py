"""The service directory on a real build: entries, static filter pages, provider pages, prose, ORUK export."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup, SoupStrainer

from scripts.build import BuildError, build
from scripts.directory.model import is_stale, months_before, paginate
from scripts.directory.openreferral import NAMESPACE
from tests.conftest import DATA, PAGE_SIZE, PAGED_PROVIDERS, ROOT, read_csv

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "openreferral-uk-3.schema.json").read_text(encoding="utf-8"))
PROVIDERS = DATA / "providers"

# Synthetic entries, only in this test build: a Norfolk peer group (a locality, free, with contacts),
# a stale drop-in (checked long ago, charges) and a closed centre.
EXTRA = {
    "organization": [
        (
            "norwich-peer-network,Norwich Peer Network,,,Synthetic test provider.,https://example.org/,"
            "hello@example.org,active,2026-11-01,norfolk-mps-2023"
        ),
        "old-drop-in,Old Drop-in,,,Synthetic stale entry.,[x],[x],active,2024-01-15,norfolk-mps-2023",
        "closed-centre,Closed Centre,,,Synthetic closed entry.,[x],[x],closed,2026-11-01,norfolk-mps-2023",
    ],
    "service": [
        (
            "norwich-peer-group,norwich-peer-network,Peer group,Synthetic.,active,Adults in Norwich,"
            "Self-referral by email,Free,https://example.org/peer,[x],norfolk-mps-2023"
        ),
        "old-drop-in-centre,old-drop-in,Drop-in centre,Synthetic.,active,[x],[x],£2 a visit,[x],[x],norfolk-mps-2023",
        "closed-centre-day,closed-centre,Day centre,Synthetic.,defunct,[x],[x],[x],[x],[x],norfolk-mps-2023",
    ],
    "service_area": [
        "norwich-peer-group-norwich,norwich-peer-group,Norwich,E10000020,norfolk-mps-2023",
        "old-drop-in-centre-norfolk,old-drop-in-centre,Norfolk,E10000020,norfolk-mps-2023",
        "closed-centre-day-norfolk,closed-centre-day,Norfolk,E10000020,norfolk-mps-2023",
    ],
    "service_taxonomy": [
        "norwich-peer-group,peer-support,norfolk-mps-2023",
        "norwich-peer-group,social-and-leisure,norfolk-mps-2023",
        "old-drop-in-centre,centre-based,norfolk-mps-2023",
        "old-drop-in-centre,practical-help,norfolk-mps-2023",
        "closed-centre-day,centre-based,norfolk-mps-2023",
    ],
}
PROSE = """Waythrough was called Richmond Fellowship in 2019.

[A link](https://example.org/) and <script>alert(1)</script><em onclick="x()">emphasis</em>.
"""
LIVERPOOL = {
    "pss-day-opportunities",
    "imagine-day-opportunities",
    "msh-day-opportunities",
    "roots-day-opportunities",
    "my-time",
}
SYNTHETIC = {"norwich-peer-group", "old-drop-in-centre", "closed-centre-day"}


def validator(definition: str) -> jsonschema.Draft202012Validator:
    """A validator for one object of the profile (page, service, ...), checking formats such as uuid."""
    schema = {"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def soup(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path.strip("/") / "index.html").read_text(encoding="utf-8"), "lxml")


def entries(page: BeautifulSoup) -> set[str]:
    return {li["id"].removeprefix("entry-") for li in page.select("li.entry")}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A build with the synthetic entries and a prose file, 'today' fixed at 2026-11-22; (site, warnings)."""
    root = tmp_path_factory.mktemp("directory")
    data = root / "data"
    shutil.copytree(DATA, data)
    for resource, lines in EXTRA.items():
        with open(data / "providers" / f"{resource}.csv", "a", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
    prose = root / "prose"
    prose.mkdir()
    (prose / "waythrough.md").write_text(PROSE, encoding="utf-8")
    output = root / "output"
    warnings = build(
        output,
        data_dir=data,
        overrides={"DATA_DIR": str(data), "DIRECTORY_PATH": str(prose), "DIRECTORY_TODAY": "2026-11-22"},
    )
    return output, [w.getMessage() for w in warnings]


# The shipped data


def test_every_provider_and_service_is_listed(built_site):
    index = soup(built_site, "directory")
    assert entries(index) == {row["id"] for row in read_csv(PROVIDERS / "service.csv")} == LIVERPOOL
    linked = {a["href"] for a in index.select("li.entry .entry-provider a")}
    for organisation in read_csv(PROVIDERS / "organization.csv"):
        assert f"/directory/{organisation['id']}/" in linked
        assert soup(built_site, f"directory/{organisation['id']}").h1.get_text() == organisation["name"]
    assert index.select_one("#directory-status")["aria-live"] == "polite"
    assert index.select_one("#directory-status").get_text() == "Showing all 5 services."
    assert index.select_one("nav.pagination") is None and not (built_site / "directory" / "page").exists()
    assert index.select_one("#directory")["data-entries"] == "/directory/entries.json"


def test_index_links_every_filter_with_its_count(built_site):
    index = soup(built_site, "directory")
    links = {a["href"]: a.get_text(" ", strip=True) for a in index.select("a[data-facet]")}
    assert links["/directory/support-type/time-bank/"] == "Time bank (1)"
    assert links["/directory/support-type/courses-and-groups/"] == "Courses and groups (4)"
    assert links["/directory/support-type/peer-support/"] == "Peer support (0)"
    assert links["/directory/area/liverpool/"] == "Liverpool (5)"
    assert links["/directory/activity-kind/social-and-leisure/"] == "Social and leisure (4)"
    assert links["/directory/cost/not-confirmed/"] == "Cost not yet confirmed (5)"
    for href in links:
        assert (built_site / href.strip("/") / "index.html").exists()
    assert index.select_one('script[src="/theme/js/directory.js"]') is not None


def test_static_filter_page_lists_only_matching_services(built_site):
    page = soup(built_site, "directory/support-type/time-bank")
    assert entries(page) == {"my-time"}
    assert page.select_one('a[data-facet][aria-current="true"]')["href"] == "/directory/support-type/time-bank/"
    assert not page.select_one("#directory").has_attr("data-entries")  # the script filters from /directory/ only
    assert page.select_one("#directory-empty").has_attr("hidden")
    assert entries(soup(built_site, "directory/support-type/courses-and-groups")) == LIVERPOOL - {"my-time"}


def test_an_empty_filter_page_says_so_and_offers_to_clear(built_site):
    page = soup(built_site, "directory/support-type/one-to-one-outreach")
    assert entries(page) == set()
    empty = page.select_one("#directory-empty")
    assert not empty.has_attr("hidden")
    assert "No services match" in empty.get_text()
    assert empty.select_one("a")["href"] == "/directory/"


def test_provider_page_shows_the_entry_honestly(built_site):
    page = soup(built_site, "directory/waythrough")
    text = page.select_one("main").get_text(" ", strip=True)
    assert "Formerly Richmond Fellowship" in text
    assert "My Time" in text and "Active, under a new name" in text
    assert "Last checked 2026-11-22" in text
    assert "Not yet confirmed from a source" in text
    assert page.select_one("#contact + dl a") is None  # no made-up website or email
    source = "https://www.healthwatchliverpool.co.uk/MH-Day-services-report-2025"
    assert any(a["href"] == source for a in page.select("main dl a"))
    assert page.select_one(".stale-notice") is None
    prose = page.select_one(".prose")  # content/directory/waythrough.md
    assert prose.h2.get_text() == "Why the name changed"
    assert prose.select_one('a[href="https://www.healthwatchliverpool.co.uk/MH-Day-services-report-2025"]')


def test_report_a_change_link_is_prefilled(built_site):
    link = soup(built_site, "directory/waythrough").find("a", string="Report a change to this entry")
    url = urlsplit(link["href"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://github.com/mh-day-opportunities/open-data/issues/new"
    assert parse_qs(url.query) == {
        "template": ["directory-change.yml"],
        "title": ["Directory change: Waythrough (waythrough)"],
    }
    assert "%20" in url.query and " " not in url.query


def test_provider_page_carries_schema_org_json_ld(built_site):
    (script,) = soup(built_site, "directory/waythrough").select('script[type="application/ld+json"]')
    graph = json.loads(script.string)["@graph"]
    organisation, service = graph
    assert organisation["@type"] == "Organization" and organisation["name"] == "Waythrough"
    assert organisation["alternateName"] == ["Richmond Fellowship"]
    assert "url" not in organisation
    assert service["@type"] == "Service" and service["name"] == "My Time"
    assert service["serviceType"] == ["Time bank"] and service["provider"] == {"@id": organisation["@id"]}


def test_shipped_entries_are_not_stale(built_site):
    for organisation in read_csv(PROVIDERS / "organization.csv"):
        assert soup(built_site, f"directory/{organisation['id']}").select_one(".stale-notice") is None


def test_entries_json_holds_what_the_filters_and_entries_need(built_site):
    index = json.loads((built_site / "directory" / "entries.json").read_text(encoding="utf-8"))
    assert index["total"] == 5 and {e["id"] for e in index["entries"]} == LIVERPOOL
    my_time = next(e for e in index["entries"] if e["id"] == "my-time")
    assert my_time == {
        "id": "my-time",
        "name": "My Time",
        "org": "waythrough",
        "orgName": "Waythrough",
        "former": "Richmond Fellowship",
        "description": my_time["description"],
        "where": "Liverpool",
        "for": my_time["for"],
        "terms": "Time bank",
        "costText": "Not yet confirmed from a source",
        "area": ["liverpool"],
        "support": ["time-bank"],
        "cost": ["not-confirmed"],
    }
    assert my_time["description"] and "closed" not in my_time and "checked" not in my_time


# The Open Referral UK export


def test_export_validates_against_the_profile(built_site):
    listing = json.loads((built_site / "openreferral" / "services.json").read_text(encoding="utf-8"))
    validator("page").validate(listing)
    assert listing["total_items"] == listing["size"] == 5 and listing["empty"] is False
    assert {s["name"] for s in listing["contents"]} >= {"My Time"}
    for record in listing["contents"]:
        single = json.loads((built_site / "openreferral" / "services" / f"{record['id']}.json").read_text())
        assert single == record
        validator("service").validate(single)
        assert single["description"] and "url" not in single  # [x] in our data: left out, never made up
        assert single["organization"]["id"] == single["organization_id"]


def test_export_ids_are_stable_uuid5s_of_our_ids(built_site):
    my_time = uuid.uuid5(NAMESPACE, "service/my-time")
    record = json.loads((built_site / "openreferral" / "services" / f"{my_time}.json").read_text())
    assert record["name"] == "My Time"
    assert record["organization_id"] == str(uuid.uuid5(NAMESPACE, "organization/waythrough"))
    assert [a["taxonomy_term"]["code"] for a in record["attributes"]] == ["time-bank"]
    assert record["service_areas"][0]["uri"].endswith("/E08000012")
    assert record["contacts"] == [] and record["cost_options"] == []


def test_the_schema_rejects_a_broken_record(built_site):
    listing = json.loads((built_site / "openreferral" / "services.json").read_text(encoding="utf-8"))
    broken = dict(listing["contents"][0], id="my-time", status="open")
    errors = list(validator("service").iter_errors(broken))
    assert {e.path[0] for e in errors} == {"id", "status"}


# Filters, stale, closed and prose with synthetic entries


@pytest.mark.parametrize(
    "path, expected",
    [
        ("directory", LIVERPOOL | SYNTHETIC),
        ("directory/area/norfolk", SYNTHETIC),
        ("directory/area/liverpool", LIVERPOOL),
        ("directory/locality/norwich", {"norwich-peer-group"}),
        ("directory/support-type/peer-support", {"norwich-peer-group"}),
        ("directory/support-type/centre-based", {"old-drop-in-centre", "closed-centre-day"}),
        ("directory/support-type/practical-help", {"old-drop-in-centre"}),
        ("directory/support-type/one-to-one-outreach", set()),
        ("directory/activity-kind/social-and-leisure", (LIVERPOOL - {"my-time"}) | {"norwich-peer-group"}),
        ("directory/cost/free", {"norwich-peer-group"}),
        ("directory/cost/charges", {"old-drop-in-centre"}),
        ("directory/cost/not-confirmed", LIVERPOOL | {"closed-centre-day"}),
    ],
)
def test_each_filter_page_narrows_correctly(synthetic, path, expected):
    site, _ = synthetic
    assert entries(soup(site, path)) == expected


def test_a_stale_entry_shows_a_notice_and_warns(synthetic):
    site, warnings = synthetic
    notice = soup(site, "directory/old-drop-in").select_one(".stale-notice")
    assert "last checked on 2024-01-15, over 12 months ago" in notice.get_text(" ", strip=True)
    assert soup(site, "directory").select_one("#entry-old-drop-in-centre .stale-notice") is not None
    assert [w for w in warnings if "directory:" in w] == [
        (
            "directory: Old Drop-in (old-drop-in) was last checked on 2024-01-15, over 12 months before 2026-11-22; "
            "check it and update last_checked in data/providers/organization.csv"
        )
    ]
    assert soup(site, "directory/norwich-peer-network").select_one(".stale-notice") is None


def test_a_closed_entry_says_so(synthetic):
    site, _ = synthetic
    assert "This provider has closed." in soup(site, "directory/closed-centre").get_text()
    assert "(closed)" in soup(site, "directory").select_one("#entry-closed-centre-day").get_text()


def test_confirmed_contacts_and_costs_are_shown(synthetic):
    site, _ = synthetic
    page = soup(site, "directory/norwich-peer-network")
    assert page.select_one('#contact + dl a[href="https://example.org/"]') is not None
    assert page.select_one('a[href="mailto:hello@example.org"]') is not None
    assert "Self-referral by email" in page.get_text() and "Free" in page.get_text()
    assert "Norwich (Norfolk)" in page.get_text()


def test_prose_is_added_by_id_and_sanitised(synthetic):
    site, _ = synthetic
    prose = soup(site, "directory/waythrough").select_one(".prose")
    assert "called Richmond Fellowship in 2019" in prose.get_text()
    assert prose.select_one('a[href="https://example.org/"]') is not None
    assert prose.select("script") == [] and prose.select("[onclick]") == []


def test_a_prose_file_with_an_unknown_id_fails_the_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "directory").mkdir(exist_ok=True)
    bogus = content / "directory" / "no-such-provider.md"
    bogus.write_text("Some prose.\n", encoding="utf-8")
    output = tmp_path / "output"
    with pytest.raises(
        BuildError,
        match=r"content/directory/no-such-provider\.md:1: no provider has the id "
        r"'no-such-provider'",
    ):
        build(output, overrides={"PATH": str(content)})
    assert not output.exists()


# Pagination, from synthetic data: 1,500 more providers, 50 entries a page


def walk(site, first: str) -> list[BeautifulSoup]:
    """Every page of a list, following rel=next from its first page."""
    pages, url = [], first
    while url:
        page = soup(site, url)
        pages.append(page)
        following = page.select_one('nav[aria-label="Pagination"] a[rel="next"]')
        url = following["href"] if following else None
        assert len(pages) <= 100, "rel=next goes round in circles"
    return pages


@pytest.fixture(scope="module")
def paged_entries(paged_site):
    return json.loads((paged_site / "directory" / "entries.json").read_text(encoding="utf-8"))["entries"]


def test_every_service_is_on_exactly_one_index_page(paged_site, paged_entries):
    pages = walk(paged_site, "/directory/")
    total = PAGED_PROVIDERS + len(LIVERPOOL)
    assert len(pages) == -(-total // PAGE_SIZE) == 31
    listed = [li["id"].removeprefix("entry-") for page in pages for li in page.select("li.entry")]
    assert len(listed) == len(set(listed)) == total
    assert set(listed) == {e["id"] for e in paged_entries}
    assert all(len(page.select("li.entry")) == PAGE_SIZE for page in pages[:-1])
    assert pages[0].select_one("#directory-status").get_text() == "Showing 1 to 50 of 1,505 services."
    assert pages[-1].select_one("#directory-status").get_text() == "Showing 1,501 to 1,505 of 1,505 services."
    assert (paged_site / "directory" / "page" / "31" / "index.html").exists()
    assert (
        not (paged_site / "directory" / "page" / "1").exists()
        and not (paged_site / "directory" / "page" / "32").exists()
    )


def test_pagination_navigation_is_accessible_and_resolves(paged_site):
    first, third, last = (soup(paged_site, p) for p in ("directory", "directory/page/3", "directory/page/31"))
    nav = third.select_one('nav[aria-label="Pagination"]')
    assert nav.select_one('a[rel="prev"]')["href"] == "/directory/page/2/"
    assert nav.select_one('a[rel="next"]')["href"] == "/directory/page/4/"
    assert third.select_one('link[rel="prev"]')["href"] == "/directory/page/2/"
    assert third.select_one('link[rel="next"]')["href"] == "/directory/page/4/"
    (current,) = nav.select("[aria-current]")
    assert current["aria-current"] == "page" and current.get_text() == "Page 3"
    assert current["href"] == "/directory/page/3/"
    numbers = [a.get_text() for a in nav.select("a:not([rel])")]
    assert numbers == ["Page 1", "Page 2", "Page 3", "Page 4", "Page 5", "Page 31"]
    assert nav.select_one('a[href="/directory/"]').get_text() == "Page 1"  # page 1 is /directory/ itself
    assert first.select_one('nav[aria-label="Pagination"] a[rel="prev"]') is None
    assert first.select_one('link[rel="prev"]') is None
    assert last.select_one('nav[aria-label="Pagination"] a[rel="next"]') is None
    assert third.title.get_text().startswith("Find a day service (page 3 of 31) |")
    assert third.select_one('.breadcrumbs [aria-current="page"]').get_text() == "Page 3"
    for page in (first, third, last):
        for link in page.select('nav[aria-label="Pagination"] a'):
            assert (paged_site / link["href"].strip("/") / "index.html").exists(), link["href"]


def test_each_filter_page_is_paginated_and_matches_the_json_index(paged_site, paged_entries):
    index = soup(paged_site, "directory")
    links = index.select("a[data-facet]")
    assert len(links) > 20
    several = 0
    for link in links:
        facet, value = link["data-facet"], link["data-value"]
        expected = [e["id"] for e in paged_entries if value in e.get(facet, [])]
        pages = walk(paged_site, link["href"])
        listed = [li["id"].removeprefix("entry-") for page in pages for li in page.select("li.entry")]
        assert listed == expected, link["href"]
        assert link.select_one(".count").get_text() == f"({len(expected):,})"
        several += len(pages) > 1
        if len(pages) > 1:
            assert pages[1].select_one('a[rel="prev"]')["href"] == link["href"]
            assert (paged_site / link["href"].strip("/") / "page" / "2" / "index.html").exists()
    assert several >= 5  # e.g. /directory/support-type/centre-based/page/2/
    page = soup(paged_site, "directory/support-type/centre-based/page/2")
    status = page.select_one("#directory-status").get_text()
    assert status.startswith(("2", "3")) and "services match support type: Centre-based. Showing 51 to " in status


def test_directory_pages_keep_within_the_weight_budget_at_1500_providers(paged_site):
    """The same rule as test_page_weight_budgets (tests/test_site.py): HTML + the CSS and JS it loads."""
    ours = [p for p in paged_site.rglob("*.js") if "vendor" not in p.parts and "pagefind" not in p.parts]
    assert sum(p.stat().st_size for p in ours) <= 15 * 1024
    pages = sorted((paged_site / "directory").rglob("*.html"))
    assert len(pages) > PAGED_PROVIDERS
    only = SoupStrainer(["link", "script"])
    heaviest = 0
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml", parse_only=only)
        weight = path.stat().st_size
        for element in page.select("link[rel=stylesheet][href], script[src]"):
            target = element.get("href") or element.get("src")
            if "pagefind" not in target:
                weight += (paged_site / target.lstrip("/")).stat().st_size
        assert weight <= 100 * 1024, (path, weight)
        heaviest = max(heaviest, weight)
    assert heaviest > 40 * 1024  # the list pages were weighed, not only the small ones


def test_page_numbers_show_the_ends_and_two_either_side():
    pages = paginate(list(range(1000)), "/directory/", 10)
    assert len(pages) == 100 and pages[0].url == "/directory/" and pages[49].url == "/directory/page/50/"
    assert pages[49].links == [1, None, 48, 49, 50, 51, 52, None, 100]
    assert pages[0].links == [1, 2, 3, None, 100]
    assert pages[3].links == [1, 2, 3, 4, 5, 6, None, 100]
    assert (pages[49].first, pages[49].last, pages[99].next, pages[0].previous) == (491, 500, "", "")
    (empty,) = paginate([], "/directory/cost/free/", 10)
    assert (empty.count, empty.first, empty.last, empty.links) == (1, 0, 0, [1])
    with pytest.raises(ValueError, match="DIRECTORY_PAGE_SIZE"):
        paginate([1], "/directory/", 0)


# Small parts


@pytest.mark.parametrize(
    "today, checked, stale",
    [
        (date(2026, 11, 22), date(2025, 11, 22), False),
        (date(2026, 11, 22), date(2025, 11, 21), True),
        (date(2028, 2, 29), date(2027, 2, 28), False),
        (date(2028, 2, 29), date(2027, 2, 27), True),
    ],
)
def test_twelve_months_is_counted_from_today(today, checked, stale):
    assert is_stale(checked, today) is stale


def test_months_before_clamps_to_the_month_end():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_page_weight_budget(built_site):
    script = (built_site / "theme" / "js" / "directory.js").stat().st_size
    assert script <= 15 * 1024
    css = (built_site / "theme" / "css" / "site.css").stat().st_size
    for page in [
        "directory/index.html",
        "directory/support-type/time-bank/index.html",
        "directory/waythrough/index.html",
    ]:
        assert (built_site / page).stat().st_size + css + script <= 100 * 1024, page
