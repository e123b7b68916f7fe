"""The service directory on a real build: entries, static filter pages, provider pages, prose, ORUK export."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup

from scripts.build import BuildError, build
from scripts.directory import months_before, is_stale
from scripts.openreferral import NAMESPACE
from tests.conftest import DATA, ROOT, read_csv

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "openreferral-uk-3.schema.json").read_text(encoding="utf-8"))
PROVIDERS = DATA / "providers"

# Synthetic entries, only in this test build: a Norfolk peer group (a locality, free, with contacts),
# a stale drop-in (checked long ago, charges) and a closed centre.
EXTRA = {
    "organization": [
        'norwich-peer-network,Norwich Peer Network,,,Synthetic test provider.,https://example.org/,'
        'hello@example.org,active,2026-11-01,norfolk-mps-2023',
        'old-drop-in,Old Drop-in,,,Synthetic stale entry.,[x],[x],active,2024-01-15,norfolk-mps-2023',
        'closed-centre,Closed Centre,,,Synthetic closed entry.,[x],[x],closed,2026-11-01,norfolk-mps-2023',
    ],
    "service": [
        'norwich-peer-group,norwich-peer-network,Peer group,Synthetic.,active,Adults in Norwich,'
        'Self-referral by email,Free,https://example.org/peer,[x],norfolk-mps-2023',
        'old-drop-in-centre,old-drop-in,Drop-in centre,Synthetic.,active,[x],[x],£2 a visit,[x],[x],norfolk-mps-2023',
        'closed-centre-day,closed-centre,Day centre,Synthetic.,defunct,[x],[x],[x],[x],[x],norfolk-mps-2023',
    ],
    "service_area": [
        'norwich-peer-group-norwich,norwich-peer-group,Norwich,E10000020,norfolk-mps-2023',
        'old-drop-in-centre-norfolk,old-drop-in-centre,Norfolk,E10000020,norfolk-mps-2023',
        'closed-centre-day-norfolk,closed-centre-day,Norfolk,E10000020,norfolk-mps-2023',
    ],
    "service_taxonomy": [
        'norwich-peer-group,peer-support,norfolk-mps-2023',
        'norwich-peer-group,social-and-leisure,norfolk-mps-2023',
        'old-drop-in-centre,centre-based,norfolk-mps-2023',
        'old-drop-in-centre,practical-help,norfolk-mps-2023',
        'closed-centre-day,centre-based,norfolk-mps-2023',
    ],
}
PROSE = """Waythrough was called Richmond Fellowship in 2019.

[A link](https://example.org/) and <script>alert(1)</script><em onclick="x()">emphasis</em>.
"""
LIVERPOOL = {"pss-day-opportunities", "imagine-day-opportunities", "msh-day-opportunities",
             "roots-day-opportunities", "my-time"}
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
    warnings = build(output, data_dir=data, overrides={
        "DATA_DIR": str(data), "DIRECTORY_PATH": str(prose), "DIRECTORY_TODAY": "2026-11-22"})
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
    assert page.select_one("#directory").get("data-complete") == "false"
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
    assert parse_qs(url.query) == {"template": ["directory-change.yml"],
                                   "title": ["Directory change: Waythrough (waythrough)"]}
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

@pytest.mark.parametrize("path, expected", [
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
])
def test_each_filter_page_narrows_correctly(synthetic, path, expected):
    site, _ = synthetic
    assert entries(soup(site, path)) == expected


def test_a_stale_entry_shows_a_notice_and_warns(synthetic):
    site, warnings = synthetic
    notice = soup(site, "directory/old-drop-in").select_one(".stale-notice")
    assert "last checked on 2024-01-15, over 12 months ago" in notice.get_text(" ", strip=True)
    assert soup(site, "directory").select_one("#entry-old-drop-in-centre .stale-notice") is not None
    assert [w for w in warnings if "directory:" in w] == [
        "directory: Old Drop-in (old-drop-in) was last checked on 2024-01-15, over 12 months before 2026-11-22; "
        "check it and update last_checked in data/providers/organization.csv"]
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
    with pytest.raises(BuildError, match=r"content/directory/no-such-provider\.md:1: no provider has the id "
                                         r"'no-such-provider'"):
        build(output, overrides={"PATH": str(content)})
    assert not output.exists()


# Small parts

@pytest.mark.parametrize("today, checked, stale", [
    (date(2026, 11, 22), date(2025, 11, 22), False),
    (date(2026, 11, 22), date(2025, 11, 21), True),
    (date(2028, 2, 29), date(2027, 2, 28), False),
    (date(2028, 2, 29), date(2027, 2, 27), True),
])
def test_twelve_months_is_counted_from_today(today, checked, stale):
    assert is_stale(checked, today) is stale


def test_months_before_clamps_to_the_month_end():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_page_weight_budget(built_site):
    script = (built_site / "theme" / "js" / "directory.js").stat().st_size
    assert script <= 15 * 1024
    css = (built_site / "theme" / "css" / "site.css").stat().st_size
    for page in ["directory/index.html", "directory/support-type/time-bank/index.html",
                 "directory/waythrough/index.html"]:
        assert (built_site / page).stat().st_size + css + script <= 100 * 1024, page
