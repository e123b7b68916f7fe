"""The service directory on a real build: entries, static filter pages, provider pages, prose, ORUK export."""

from __future__ import annotations

import csv
import json
import re
import shutil
import uuid
from datetime import date
from functools import cache
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup, SoupStrainer
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scripts.build import BuildError, build
from scripts.datapackages import authority_names
from scripts.directory.model import is_stale
from scripts.directory.openreferral import NAMESPACE
from scripts.directory.present import paginate
from scripts.directory.words import OLD_SOURCE_MONTHS, address_text, date_words, dated, latest_day, months_before
from tests.conftest import DATA, PAGE_SIZE, PAGED_PROVIDERS, ROOT, python, read_csv

PROVIDERS = DATA / "providers"
# The official compiled Open Referral UK schemas, never a hand-written copy (/work/shared/standards/README.md).
STANDARDS = ROOT.parent / "shared" / "standards" / "openreferral-uk"
OFFICIAL = ("service.json", "service_list.json", "organization.json")

# Synthetic entries, only in this test build: a Norfolk peer group (a locality, free, with contacts),
# a stale drop-in (checked long ago, charges) and a closed centre.
EXTRA = {
    "organization": [
        (
            "norwich-peer-network,Norwich Peer Network,,,Synthetic test provider.,https://example.org/,"
            "norfolk-mps-2023,hello@example.org,active,2026-11-01,norfolk-mps-2023"
        ),
        "old-drop-in,Old Drop-in,,,Synthetic stale entry.,[x],[x],[x],active,2024-01-15,norfolk-mps-2023",
        "closed-centre,Closed Centre,,,Synthetic closed entry.,[x],[x],[x],closed,2026-11-01,norfolk-mps-2023",
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
# An address set only in this test build, to show the mailto routes a configured address gets.
TEST_EMAIL = "data@mh-day-opportunities.github.io"
PROSE = """Waythrough was called Richmond Fellowship in 2019.

[A link](https://example.org/) and <script>alert(1)</script><em onclick="x()">emphasis</em>.
"""
# What the shipped data holds, read from its CSVs (tests follow the data; today's values are in tests/golden/).
SERVICES = read_csv(PROVIDERS / "service.csv")
AREAS = read_csv(PROVIDERS / "service_area.csv")
LINKS = read_csv(PROVIDERS / "service_taxonomy.csv")
SHIPPED = {s["id"] for s in SERVICES}
LIVERPOOL = {a["service_id"] for a in AREAS if a["authority_code"] == "E08000012"}
NORFOLK = {a["service_id"] for a in AREAS if a["authority_code"] == "E10000020"}
NORWICH = {a["service_id"] for a in AREAS if a["name"] == "Norwich"}


def with_term(term: str) -> set[str]:
    return {link["service_id"] for link in LINKS if link["taxonomy_term_id"] == term}


def by_cost(kind: str) -> set[str]:
    """Shipped services by what their fees_description says: [x] not confirmed, "Free…" free, else charges."""

    def kind_of(text: str) -> str:
        if text.strip() in ("", "[x]", "[c]", "[z]"):
            return "not-confirmed"
        return "free" if text.strip().lower().startswith("free") else "charges"

    return {s["id"] for s in SERVICES if kind_of(s["fees_description"]) == kind}


SYNTHETIC = {"norwich-peer-group", "old-drop-in-centre", "closed-centre-day"}


@cache
def registry() -> Registry:
    """The official schemas, each under its file's URI; $refs resolve among them only, never over the network."""
    missing = [name for name in OFFICIAL if not (STANDARDS / name).exists()]
    if missing:
        pytest.fail(
            f"the official Open Referral UK schemas are missing from {STANDARDS} ({', '.join(missing)}): "
            "check out the shared/ folder beside the repository (see shared/standards/README.md)"
        )
    resources = []
    for name in OFFICIAL:
        contents = json.loads((STANDARDS / name).read_text(encoding="utf-8"))
        resources.append(((STANDARDS / name).as_uri(), Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one official schema file (service.json, ...), checking formats such as uuid."""
    return jsonschema.Draft202012Validator(
        {"$ref": (STANDARDS / name).as_uri()},
        registry=registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def csv_rows(resource: str) -> list[dict]:
    return read_csv(PROVIDERS / f"{resource}.csv")


def known(cell: str) -> str:
    return "" if cell in ("", "[c]", "[x]", "[z]") else cell


SOURCES = {row["source_id"]: row for row in read_csv(PROVIDERS / "sources.csv")}


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
        overrides={
            "DATA_DIR": str(data),
            "DIRECTORY_PATH": str(prose),
            "DIRECTORY_TODAY": "2026-11-22",
            "CONTACT_EMAIL": TEST_EMAIL,
        },
    )
    return output, [w.getMessage() for w in warnings]


# The shipped data


def test_every_provider_and_service_is_listed(built_site):
    index = soup(built_site, "directory")
    assert entries(index) == {row["id"] for row in read_csv(PROVIDERS / "service.csv")} == SHIPPED
    linked = {a["href"] for a in index.select("li.entry .entry-provider a")}
    for organisation in read_csv(PROVIDERS / "organization.csv"):
        assert f"/directory/{organisation['id']}/" in linked
        assert soup(built_site, f"directory/{organisation['id']}").h1.get_text() == organisation["name"]
    assert index.select_one("#directory-status")["aria-live"] == "polite"
    assert index.select_one("#directory-status").get_text() == f"Showing all {len(SHIPPED)} services."
    assert index.select_one("nav.pagination") is None and not (built_site / "directory" / "page").exists()
    assert index.select_one("#directory")["data-entries"] == "/directory/entries.json"


def test_index_links_every_filter_with_its_count(built_site):
    index = soup(built_site, "directory")
    links = {a["href"]: a.get_text(" ", strip=True) for a in index.select("a[data-facet]")}
    assert links["/directory/support-type/time-bank/"] == f"Time bank ({len(with_term('time-bank'))})"
    assert links["/directory/support-type/courses-and-groups/"] == (
        f"Courses and groups ({len(with_term('courses-and-groups'))})"
    )
    assert links["/directory/area/liverpool/"] == f"Liverpool ({len(LIVERPOOL)})"
    assert links["/directory/area/norfolk/"] == f"Norfolk ({len(NORFOLK)})"
    assert links["/directory/locality/norwich/"] == f"Norwich ({len(NORWICH)})"
    assert links["/directory/activity-kind/social-and-leisure/"] == (
        f"Social and leisure activities ({len(with_term('social-and-leisure'))})"
    )
    assert links["/directory/activity-kind/mental-health-specific/"] == (
        f"Activities about mental health ({len(with_term('mental-health-specific'))})"
    )
    for href in links:
        assert (built_site / href.strip("/") / "index.html").exists()
    assert index.select_one('script[src="/theme/js/directory.js"]') is not None
    titles = [h.get_text() for h in index.select(".filters h3")]
    assert "What kind of support" in titles and "Activity kind" not in titles


def test_a_count_of_zero_is_never_a_link(built_site):
    """Every filter value shows its count; a value no entry has is plain text, not a link to an empty page."""
    entries_json = json.loads((built_site / "directory" / "entries.json").read_text(encoding="utf-8"))["entries"]
    index = soup(built_site, "directory")
    values = index.select(".filter-list li")
    assert len(values) > 10
    zero = 0
    for item in values:
        link, text = item.select_one("a[data-facet]"), item.select_one("[data-facet-empty]")
        facet, value = (
            (link["data-facet"], link["data-value"]) if link else (text["data-facet-empty"], text["data-value"])
        )
        count = sum(value in e.get(facet, []) for e in entries_json)
        assert item.select_one(".count").get_text() == f"({count:,})"
        assert (link is None) == (count == 0), (facet, value)
        zero += count == 0
    assert zero >= 1  # e.g. peer support: no shipped service offers it yet


def test_static_filter_page_lists_only_matching_services(built_site):
    page = soup(built_site, "directory/support-type/time-bank")
    assert entries(page) == with_term("time-bank")
    assert page.select_one('a[data-facet][aria-current="true"]')["href"] == "/directory/support-type/time-bank/"
    assert not page.select_one("#directory").has_attr("data-entries")  # the script filters from /directory/ only
    assert page.select_one("#directory-empty").has_attr("hidden")
    assert entries(soup(built_site, "directory/support-type/courses-and-groups")) == with_term("courses-and-groups")
    assert entries(soup(built_site, "directory/locality/norwich")) == NORWICH


def test_an_empty_filter_page_says_so_and_offers_to_clear(built_site):
    page = soup(built_site, "directory/support-type/one-to-one-outreach")
    assert entries(page) == set()
    empty = page.select_one("#directory-empty")
    assert not empty.has_attr("hidden")
    assert "No services match" in empty.get_text()
    assert empty.select_one("a")["href"] == "/directory/"


STATUS_WORDS = {"active": "Active", "renamed": "Active, under a new name", "closed": "Closed"}


def test_provider_page_shows_the_entry_honestly(built_site):
    for organisation in csv_rows("organization"):
        page = soup(built_site, f"directory/{organisation['id']}")
        text = page.select_one("main").get_text(" ", strip=True)
        assert STATUS_WORDS[organisation["status"]] in text
        if organisation["status"] == "renamed":
            assert f"Formerly {organisation['former_name']}" in text
        for service in SERVICES:
            if service["organization_id"] == organisation["id"]:
                assert service["name"] in text
        assert f"Last checked {organisation['last_checked']}" in text
        for kind in ("website", "email"):  # no made-up website or email
            assert (page.select_one(f'[data-contact="{kind}"] a') is not None) == bool(known(organisation[kind]))
        assert page.select_one(".stale-notice") is None
        prose = ROOT / "content" / "directory" / f"{organisation['id']}.md"
        if prose.exists():
            heading = re.search(r"^## (.+)$", prose.read_text(encoding="utf-8"), re.MULTILINE)
            if heading:
                assert page.select_one(".prose h2").get_text() == heading[1]


def test_report_a_change_by_email_names_the_provider(synthetic):
    site, _ = synthetic
    for organisation in csv_rows("organization"):
        link = soup(site, f"directory/{organisation['id']}").select_one("a.change-mailto")
        url = urlsplit(link["href"])
        assert (url.scheme, url.path) == ("mailto", TEST_EMAIL)
        subject = parse_qs(url.query)["subject"]
        assert subject == [f"Directory change: {organisation['name']} ({organisation['id']})"]
        assert " " not in link["href"]
        issue_form = link.find_previous_sibling("a")
        assert issue_form.get_text() == "Report a change to this entry"  # beside the issue-form link


def test_report_a_change_link_is_prefilled(built_site):
    for organisation in csv_rows("organization"):
        page = soup(built_site, f"directory/{organisation['id']}")
        link = page.find("a", string="Report a change to this entry")
        url = urlsplit(link["href"])
        assert (
            f"{url.scheme}://{url.netloc}{url.path}" == "https://github.com/mh-day-opportunities/open-data/issues/new"
        )
        assert parse_qs(url.query) == {
            "template": ["directory-change.yml"],
            "title": [f"Directory change: {organisation['name']} ({organisation['id']})"],
        }
        assert " " not in url.query


def support_names(service_id: str) -> list[str]:
    terms = {row["id"]: row for row in csv_rows("taxonomy_term") if row["taxonomy"] == "support-type"}
    return [
        terms[link["taxonomy_term_id"]]["name"]
        for link in LINKS
        if link["service_id"] == service_id and link["taxonomy_term_id"] in terms
    ]


def test_provider_page_carries_schema_org_json_ld(built_site):
    for organisation in csv_rows("organization"):
        (script,) = soup(built_site, f"directory/{organisation['id']}").select('script[type="application/ld+json"]')
        graph = json.loads(script.string)["@graph"]
        record, *services = graph
        assert record["@type"] == "Organization" and record["name"] == organisation["name"]
        alternates = [n for n in (organisation["alternate_name"], organisation["former_name"]) if known(n)]
        assert record.get("alternateName", []) == alternates
        assert ("url" in record) == bool(known(organisation["website"]))
        own = [s for s in SERVICES if s["organization_id"] == organisation["id"]]
        assert sorted(s["name"] for s in services) == sorted(s["name"] for s in own)
        for service in services:
            (row,) = [s for s in own if s["name"] == service["name"]]
            assert service["@type"] == "Service" and service["provider"] == {"@id": record["@id"]}
            assert service["serviceType"] == support_names(row["id"])


def test_shipped_entries_are_not_stale(built_site):
    for organisation in read_csv(PROVIDERS / "organization.csv"):
        assert soup(built_site, f"directory/{organisation['id']}").select_one(".stale-notice") is None


def test_entries_json_holds_what_the_filters_and_entries_need(built_site):
    index = json.loads((built_site / "directory" / "entries.json").read_text(encoding="utf-8"))
    assert index["total"] == len(SHIPPED) and {e["id"] for e in index["entries"]} == SHIPPED
    organisations = {o["id"]: o for o in csv_rows("organization")}
    for entry in index["entries"]:
        (service,) = [s for s in SERVICES if s["id"] == entry["id"]]
        organisation = organisations[service["organization_id"]]
        assert (entry["name"], entry["org"], entry["orgName"]) == (
            service["name"],
            organisation["id"],
            organisation["name"],
        )
        assert entry.get("former") == (organisation["former_name"] if known(organisation["former_name"]) else None)
        assert set(entry["support"]) == {
            link["taxonomy_term_id"] for link in LINKS if link["service_id"] == service["id"]
        } & {row["id"] for row in csv_rows("taxonomy_term") if row["taxonomy"] == "support-type"}
        assert entry["cost"] == [
            next(kind for kind in ("free", "charges", "not-confirmed") if service["id"] in by_cost(kind))
        ]
        assert entry["description"] and "checked" not in entry


# The Open Referral UK export, against the official compiled schemas


def exported(site, kind: str, our_id: str) -> dict:
    return json.loads(
        (site / "openreferral" / kind / f"{uuid.uuid5(NAMESPACE, f'{kind[:-1]}/{our_id}')}.json").read_text()
    )


def test_export_validates_against_the_official_schemas(built_site):
    listing = json.loads((built_site / "openreferral" / "services.json").read_text(encoding="utf-8"))
    paging = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
    assert set(listing) == paging
    assert listing["total_items"] == listing["size"] == len(SHIPPED) and listing["empty"] is False
    for record in listing["contents"]:
        validator("service_list.json").validate(record)
        single = json.loads((built_site / "openreferral" / "services" / f"{record['id']}.json").read_text())
        assert single == record
        validator("service.json").validate(single)
        validator("organization.json").validate(single["organization"])
        assert single["description"] and "url" not in single  # [x] in our data: left out, never made up
        assert single["organization"]["id"] == single["organization_id"]
    organisations = sorted((built_site / "openreferral" / "organizations").glob("*.json"))
    assert len(organisations) == len(csv_rows("organization"))
    for path in organisations:
        record = json.loads(path.read_text(encoding="utf-8"))
        validator("organization.json").validate(record)
        for service in record["services"]:
            validator("service.json").validate(service)


def test_export_carries_every_location_phone_and_schedule(built_site):
    """Iterating over the data: each row of location, phone and schedule is in the export, with its values."""
    locations = {row["id"]: row for row in csv_rows("location")}
    addresses = {row["location_id"]: row for row in csv_rows("address")}
    for link in csv_rows("service_at_location"):
        record = exported(built_site, "services", link["service_id"])
        (place,) = [
            p
            for p in record["service_at_locations"]
            if p["id"] == str(uuid.uuid5(NAMESPACE, f"service_at_location/{link['id']}"))
        ]
        location = locations[link["location_id"]]
        assert (
            place["location"]["id"] == place["location_id"] == str(uuid.uuid5(NAMESPACE, f"location/{location['id']}"))
        )
        assert place["location"]["name"] == location["name"]
        assert place["location"]["location_type"] == location["location_type"]
        address = addresses[location["id"]]
        complete = all(known(address[k]) for k in ("address_1", "city", "state_province", "postal_code", "country"))
        if complete:
            assert place["location"]["addresses"][0]["postal_code"] == address["postal_code"]
        else:  # an HSDS address needs every part; the description says what the source gives instead
            assert "addresses" not in place["location"]
            assert address_text(address) in place["location"]["description"]
    for phone in csv_rows("phone"):
        owner = "service" if known(phone["service_id"]) else "organization"
        if owner == "service":
            numbers = exported(built_site, "services", phone["service_id"])["phones"]
        else:
            numbers = exported(built_site, "organizations", phone["organization_id"])["phones"]
        assert phone["number"] in [n["number"] for n in numbers]
    for schedule in csv_rows("schedule"):
        record = exported(built_site, "services", schedule["service_id"])
        (times,) = [
            t for t in record["schedules"] if t["id"] == str(uuid.uuid5(NAMESPACE, f"schedule/{schedule['id']}"))
        ]
        for field in ("freq", "byday", "opens_at", "closes_at", "description"):
            assert times.get(field, "[x]") == schedule[field], field


def test_export_ids_are_stable_uuid5s_of_our_ids(built_site):
    """Each service's record is found at the uuid5 of its id and names its organisation by the uuid5 of that id."""
    for service in csv_rows("service"):
        record = exported(built_site, "services", service["id"])
        assert record["id"] == str(uuid.uuid5(NAMESPACE, f"service/{service['id']}"))
        assert record["name"] == service["name"]
        assert record["organization_id"] == str(uuid.uuid5(NAMESPACE, f"organization/{service['organization_id']}"))
        terms = {
            link["taxonomy_term_id"] for link in csv_rows("service_taxonomy") if link["service_id"] == service["id"]
        }
        assert {a["taxonomy_term"]["code"] for a in record["attributes"]} == terms
        areas = [a["authority_code"] for a in csv_rows("service_area") if a["service_id"] == service["id"]]
        assert sorted(area["uri"].rsplit("/", 1)[1] for area in record["service_areas"]) == sorted(areas)


def test_the_official_schema_rejects_a_broken_record(built_site):
    listing = json.loads((built_site / "openreferral" / "services.json").read_text(encoding="utf-8"))
    broken = dict(listing["contents"][0], id="my-time", status="open")
    errors = list(validator("service.json").iter_errors(broken))
    assert {e.path[0] for e in errors} == {"id", "status"}
    placed = csv_rows("service_at_location")[0]["service_id"]
    broken_place = json.loads(json.dumps(exported(built_site, "services", placed)))
    broken_place["service_at_locations"][0]["location"]["location_type"] = "building"
    errors = list(validator("service.json").iter_errors(broken_place))
    assert [list(e.path)[-1] for e in errors] == ["location_type"]


# Filters, stale, closed and prose with synthetic entries


@pytest.mark.parametrize(
    "path, expected",
    [
        ("directory", SHIPPED | SYNTHETIC),
        ("directory/area/norfolk", NORFOLK | SYNTHETIC),
        ("directory/area/liverpool", LIVERPOOL),
        ("directory/locality/norwich", NORWICH | {"norwich-peer-group"}),
        ("directory/support-type/peer-support", with_term("peer-support") | {"norwich-peer-group"}),
        (
            "directory/support-type/centre-based",
            with_term("centre-based") | {"old-drop-in-centre", "closed-centre-day"},
        ),
        ("directory/support-type/practical-help", with_term("practical-help") | {"old-drop-in-centre"}),
        ("directory/support-type/one-to-one-outreach", with_term("one-to-one-outreach")),
        ("directory/activity-kind/social-and-leisure", with_term("social-and-leisure") | {"norwich-peer-group"}),
        ("directory/cost/free", by_cost("free") | {"norwich-peer-group"}),
        ("directory/cost/charges", by_cost("charges") | {"old-drop-in-centre"}),
        ("directory/cost/not-confirmed", by_cost("not-confirmed") | {"closed-centre-day"}),
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
    assert page.select_one('[data-contact="website"] a[href="https://example.org/"]') is not None
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
    total = PAGED_PROVIDERS + len(SHIPPED)
    assert len(pages) == -(-total // PAGE_SIZE) == 31
    listed = [li["id"].removeprefix("entry-") for page in pages for li in page.select("li.entry")]
    assert len(listed) == len(set(listed)) == total
    assert set(listed) == {e["id"] for e in paged_entries}
    assert all(len(page.select("li.entry")) == PAGE_SIZE for page in pages[:-1])
    assert pages[0].select_one("#directory-status").get_text() == f"Showing 1 to 50 of {total:,} services."
    assert pages[-1].select_one("#directory-status").get_text() == f"Showing 1,501 to {total:,} of {total:,} services."
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
    assert status.startswith(("2", "3")) and "services match: Support at a centre. Showing 51 to " in status


def test_directory_pages_keep_within_the_weight_budget_at_1500_providers(paged_site):
    """The same rule as test_page_weight_budgets (tests/test_site.py): HTML + the CSS and JS it loads, and the
    JavaScript of ours a page loads within 15 KB."""
    pages = sorted((paged_site / "directory").rglob("*.html"))
    assert len(pages) > PAGED_PROVIDERS
    only = SoupStrainer(["link", "script"])
    heaviest = 0
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml", parse_only=only)
        weight, script = path.stat().st_size, 0
        for element in page.select("link[rel=stylesheet][href], script[src]"):
            target = element.get("href") or element.get("src")
            if "pagefind" not in target:
                size = (paged_site / target.lstrip("/")).stat().st_size
                weight += size
                script += size if element.name == "script" and "vendor" not in target else 0
        assert weight <= 100 * 1024, (path, weight)
        assert script <= 15 * 1024, (path, script)
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
    for page in (built_site / "directory").rglob("index.html"):  # the listing, every filter and every provider
        assert page.stat().st_size + css + script <= 100 * 1024, page


# Reaching a service: contact values, their sources, urgent help (the shipped data, iterated; no values typed here)

UK_PHONE = re.compile(r"0[1-9]( ?[0-9]){8,9}")
UK_POSTCODE = re.compile(
    r"(GIR 0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) "
    r"[0-9][ABD-HJLNP-UW-Z]{2})"
)


def well_formed_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in url


def test_every_phone_postcode_and_url_in_the_data_validates():
    for row in csv_rows("phone"):  # whose number it is: exactly one owner
        assert sum(bool(known(row[k])) for k in ("organization_id", "service_id", "location_id")) == 1, row["id"]
    phones = [row["number"] for row in csv_rows("phone")]
    assert phones and all(UK_PHONE.fullmatch(n) for n in phones), phones
    assert all(len(re.sub(r"\D", "", n)) in (10, 11) for n in phones)
    urgent = [row["number"] for row in csv_rows("urgent_help")]
    assert {"999", "111", "116 123"} <= set(urgent)
    postcodes = [known(row["postal_code"]) for row in csv_rows("address") if known(row["postal_code"])]
    assert postcodes and all(UK_POSTCODE.fullmatch(p) for p in postcodes), postcodes
    urls = [known(r["website"]) for r in csv_rows("organization")] + [known(r["url"]) for r in csv_rows("service")]
    urls = [u for u in urls if u] + [s["url"] for s in SOURCES.values()]
    assert len(urls) > len(SOURCES) and all(well_formed_url(u) for u in urls), [
        u for u in urls if not well_formed_url(u)
    ]
    for row in csv_rows("schedule"):
        for field in ("opens_at", "closes_at"):
            assert not known(row[field]) or re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]", row[field])
        if known(row["opens_at"]) and known(row["closes_at"]):
            assert row["opens_at"] < row["closes_at"], row["id"]


def test_the_validator_rejects_a_bad_phone_postcode_and_time(tmp_path):
    """The first given phone, postcode and opening time, each rewritten in a form that is not UK form (or not a
    time), are refused at their line and field."""
    data = tmp_path / "providers"
    shutil.copytree(PROVIDERS, data)
    lines = {}
    for name, field, spoil in (
        ("phone.csv", "number", lambda number: "+44 " + number.removeprefix("0")),
        ("address.csv", "postal_code", lambda postcode: postcode.replace(" ", "")),
        ("schedule.csv", "opens_at", lambda time: f"{int(time[:2])}.{time[3:5]}am"),
    ):
        path = data / name
        rows = read_csv(path)
        first = next(i for i, row in enumerate(rows) if known(row[field]))
        rows[first][field] = spoil(rows[first][field])
        lines[name] = first + 2  # after the header
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    result = python("-m", "scripts.validate", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = result.stdout
    for name, field in (("phone.csv", "number"), ("address.csv", "postal_code"), ("schedule.csv", "opens_at")):
        assert f"{name}:{lines[name]}:{field}: " in report, (name, report)


def cited_sources(organisation: dict) -> set[str]:
    """Every source_id any row about this organisation cites: itself, its website, services and their details."""
    org = organisation["id"]
    services = {r["id"] for r in csv_rows("service") if r["organization_id"] == org}
    links = [r for r in csv_rows("service_at_location") if r["service_id"] in services]
    locations = {r["id"] for r in csv_rows("location") if r["organization_id"] == org} | {
        r["location_id"] for r in links
    }
    cited = {organisation["source_id"], known(organisation["website_source_id"])}
    cited |= {r["source_id"] for r in csv_rows("service") if r["id"] in services}
    for resource, key in (
        ("service_area", "service_id"),
        ("service_taxonomy", "service_id"),
        ("schedule", "service_id"),
    ):
        cited |= {r["source_id"] for r in csv_rows(resource) if r[key] in services}
    cited |= {r["source_id"] for r in links}
    cited |= {r["source_id"] for r in csv_rows("location") if r["id"] in locations}
    cited |= {r["source_id"] for r in csv_rows("address") if r["location_id"] in locations}
    cited |= {
        r["source_id"]
        for r in csv_rows("phone")
        if r["organization_id"] == org or r["service_id"] in services or r["location_id"] in locations
    }
    return cited - {""}


def test_last_checked_is_the_newest_source_actually_read():
    for organisation in csv_rows("organization"):
        newest = max(SOURCES[s]["date_accessed"] for s in cited_sources(organisation))
        assert organisation["last_checked"] == newest, organisation["id"]


def test_every_source_names_where_on_the_page_its_facts_are():
    for source in SOURCES.values():
        assert source["note"].startswith("Locator: "), source["source_id"]
        assert source["licence"] and source["date_accessed"], source["source_id"]


def expected_contacts(organisation: dict) -> list[tuple[str, str, str, str]]:
    """(selector, shown text, href or '', source URL) for every contact value the data has for the organisation."""
    org = organisation["id"]
    services = {r["id"] for r in csv_rows("service") if r["organization_id"] == org}
    links = [r for r in csv_rows("service_at_location") if r["service_id"] in services]
    locations = {r["location_id"] for r in links}
    expected = []
    if known(organisation["website"]):
        website = organisation["website"]
        expected.append(
            ('[data-contact="website"]', website, website, SOURCES[organisation["website_source_id"]]["url"])
        )
    for phone in csv_rows("phone"):
        if phone["organization_id"] == org or phone["service_id"] in services or phone["location_id"] in locations:
            tel = "tel:" + re.sub(r"\D", "", phone["number"])
            expected.append(
                (f'[data-phone-id="{phone["id"]}"]', phone["number"], tel, SOURCES[phone["source_id"]]["url"])
            )
    for address in csv_rows("address"):
        if address["location_id"] in locations:
            selector = f'[data-location-id="{address["location_id"]}"]'
            expected.append((selector, address_text(address), "", SOURCES[address["source_id"]]["url"]))
    for schedule in csv_rows("schedule"):
        if schedule["service_id"] in services:
            selector = f'[data-schedule-id="{schedule["id"]}"]'
            expected.append((selector, schedule["description"], "", SOURCES[schedule["source_id"]]["url"]))
    return expected


def test_every_contact_value_on_a_provider_page_comes_from_the_data_with_its_source(built_site):
    shown_total = 0
    for organisation in csv_rows("organization"):
        page = soup(built_site, f"directory/{organisation['id']}")
        expected = expected_contacts(organisation)
        for selector, text, href, source_url in expected:
            item = page.select_one(f"main {selector}")
            assert item is not None, (organisation["id"], selector)
            value = item.select_one(".contact-value")
            assert value.get_text(strip=True) == text, (organisation["id"], selector)
            if href:
                assert value["href"] == href
            assert item.select_one(".source a")["href"] == source_url, (organisation["id"], selector)
        # Nothing on the page that the data does not hold.
        shown = page.select("main .contact-value")
        assert len(shown) == len(expected), organisation["id"]
        shown_total += len(shown)
        if expected:
            assert page.select_one(".no-contact") is None
        else:
            assert "No way to get in touch" in page.select_one(".no-contact").get_text()
    assert shown_total >= len(csv_rows("phone")) + len(csv_rows("schedule"))


def test_every_entry_with_a_sourced_contact_says_so_in_the_list(built_site):
    index = soup(built_site, "directory")
    phones = csv_rows("phone")
    placed = {r["service_id"] for r in csv_rows("service_at_location")}
    for organisation in csv_rows("organization"):
        org_level = known(organisation["website"]) or known(organisation["email"])
        org_level = org_level or any(p["organization_id"] == organisation["id"] for p in phones)
        for service in (r for r in csv_rows("service") if r["organization_id"] == organisation["id"]):
            own = known(service["url"]) or known(service["email"]) or service["id"] in placed
            own = own or any(p["service_id"] == service["id"] for p in phones)
            link = index.select_one(f'#entry-{service["id"]} a[href$="#contact"]')
            assert (link is not None) == bool(org_level or own), service["id"]


def urgent_pages(site) -> list:
    return [site / "index.html"] + sorted((site / "directory").rglob("index.html"))


def test_the_urgent_help_box_is_on_every_page_it_should_be_with_its_sources(built_site):
    routes = csv_rows("urgent_help")
    pages = urgent_pages(built_site)
    assert len(pages) > len(csv_rows("organization")) + 10
    home, after = pages[0], pages[1:]
    # The home page: the full box, each route with what it is for and its source, straight after the heading.
    page = BeautifulSoup(home.read_text(encoding="utf-8"), "lxml")
    (box,) = page.select("main aside.urgent-help#urgent-help")
    items = box.select("li.urgent-route")
    assert [li["data-route"] for li in items] == [r["id"] for r in routes]
    for item, route in zip(items, routes, strict=True):
        number = item.select_one("a.urgent-number")
        assert number.get_text() == route["number"] and number["href"] == "tel:" + re.sub(r"\D", "", route["number"])
        assert item.select_one(".source a")["href"] == SOURCES[route["source_id"]]["url"]
        assert route["description"] in item.get_text(" ", strip=True)
    assert box.find_previous_sibling("h1") is not None
    # Every other page: the compact box, first in the reading order, every number tappable, linking to the full box.
    for path in after:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        (box,) = page.select("main aside.urgent-help")
        assert "urgent-help-compact" in box["class"], path
        assert page.select_one("main").find(True) is box, f"{path}: the urgent-help box is not first in the page"
        spans = box.select(".urgent-route")
        assert [s["data-route"] for s in spans] == [r["id"] for r in routes], path
        for span, route in zip(spans, routes, strict=True):
            number = span.select_one("a.urgent-number")
            assert number.get_text() == route["number"] and number["href"] == "tel:" + re.sub(
                r"\D", "", route["number"]
            )
            assert route["name"] in span.get_text()  # said to a screen reader before its number
        assert box.select_one('a.urgent-more[href="/#urgent-help"]') is not None
        assert box.select("li") == [] and box.select(".source") == []
    publishers = {SOURCES[r["source_id"]]["publisher"] for r in routes}
    assert any("NHS" in p for p in publishers) and "Samaritans" in publishers


def test_the_directory_and_the_norfolk_report_say_the_list_is_partial(built_site):
    (snapshot,) = [r for r in read_csv(PROVIDERS / "market_snapshot.csv") if r["authority_name"] == "Norfolk"]
    norfolk_orgs = {
        s["organization_id"]
        for s in csv_rows("service")
        for a in csv_rows("service_area")
        if a["service_id"] == s["id"] and a["authority_code"] == snapshot["authority_code"]
    }
    note = (
        soup(built_site, "directory").select_one('.coverage-note[data-authority="Norfolk"]').get_text(" ", strip=True)
    )
    assert f"counts {snapshot['providers_or_locations']} providers" in note
    assert "has not published who they are" in note and f"We list the {len(norfolk_orgs)} Norfolk providers" in note
    report = soup(built_site, "reports/norfolk-2023-market-position").select_one("main")
    heading = report.find("h3", string=re.compile("the council has not said"))
    assert heading is not None
    text = heading.find_next("p")
    assert text.select_one('a[href="/directory/area/norfolk/"]') is not None
    assert snapshot["providers_or_locations"] in text.get_text() and "partial" in text.get_text()
    assert text.select_one('a[href$="template=directory-change.yml"]') is not None


def test_a_report_with_more_than_ten_references_renders_each_one(built_site):
    """The Norfolk report has over ten {figure}/{contact} references: none may be swallowed by another's token."""
    html = (built_site / "reports" / "norfolk-2023-market-position" / "index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "lxml")
    references = page.select("main a.figure, main figure.chart, main a[href*='/issues/new?']")
    assert len(references) > 10
    assert re.search(r'class="figure"[^>]*>[^<]*</a>\d', html) is None
    shares = [a.get_text() for a in page.select('main td a.figure[href$="#locality_share"]')]
    assert len(shares) == len(read_csv(PROVIDERS / "locality_share.csv"))


# --- dates that tell the truth: when a source was published, when we checked it, and its age ---------------


def expected_dates(source: dict, today: date) -> tuple[str, str, bool]:
    published = known(source["date_published"])
    words = f"Published {date_words(published)}" if published else "Undated"
    old = bool(published) and latest_day(published) < months_before(today, OLD_SOURCE_MONTHS)
    return words, date_words(source["date_accessed"]), old


def test_every_entry_says_when_its_source_was_published_and_when_we_checked_it(built_site):
    today = date.today()  # the day built_site was built: the build's default "today"
    page = soup(built_site, "directory")
    for service in SERVICES:
        words, checked, old = expected_dates(SOURCES[service["source_id"]], today)
        entry = page.select_one(f"#entry-{service['id']}")
        dates = entry.select_one(".source-dates")
        assert dates.get_text().startswith(words), service["id"]
        assert dates.select_one(".source-checked").get_text() == checked
        assert (dates.select_one(".source-undated") is not None) == (words == "Undated")
        assert (entry.select_one(".source-old") is not None) == old, service["id"]


def test_every_sourced_detail_on_a_provider_page_carries_its_source_dates(built_site):
    today = date.today()
    by_url = {row["url"]: row for row in SOURCES.values()}
    flagged = 0
    for organisation in csv_rows("organization"):
        page = soup(built_site, f"directory/{organisation['id']}")
        for source in page.select("main .source"):
            if source.find_parent(class_="urgent-help"):
                continue  # the national routes, not a directory entry's details
            row = by_url[source.select_one("a")["href"]]
            words, checked, old = expected_dates(row, today)
            assert source.select_one(".source-dates").get_text().lower().startswith(words.lower())
            assert source.select_one(".source-checked").get_text() == checked
            assert (source.select_one(".source-old") is not None) == old
            flagged += old
    any_old = any(expected_dates(SOURCES[s["source_id"]], today)[2] for s in SERVICES)
    assert flagged or not any_old


@pytest.mark.parametrize(
    "published, today, old",
    [
        ("2019-09-05", date(2026, 12, 6), True),
        ("2024-12-07", date(2026, 12, 6), False),
        ("2024-12-05", date(2026, 12, 6), True),
        ("2024-11", date(2026, 12, 6), True),
        ("2024-12", date(2026, 12, 6), False),  # a month counts from its last day
        ("2024", date(2026, 12, 31), False),
        ("[x]", date(2026, 12, 6), False),
    ],
)
def test_a_source_is_old_after_two_years_from_its_latest_possible_day(published, today, old):
    source = {"date_published": published, "date_accessed": "2026-11-23"}
    assert dated(source, today)["old"] is old
    assert dated(source, today)["undated"] is (published == "[x]")


# --- coverage said plainly, and the organisation's site offered as such -----------------------------


def test_the_directory_says_which_council_areas_it_covers(built_site):
    names = authority_names(ROOT / "scripts" / "reference" / "gss-codes.csv")
    services_in: dict[str, set[str]] = {}
    for area in AREAS:
        services_in.setdefault(names[area["authority_code"]], set()).add(area["service_id"])
    for path in ("directory", "directory/page/2") if (built_site / "directory/page/2").exists() else ("directory",):
        note = soup(built_site, path).select_one(".coverage-areas")
        named = {span.get_text() for span in note.select(".coverage-area")}
        assert named == set(services_in), note  # plain words: the filters below are the links
        text = note.get_text(" ", strip=True)
        assert f"covers {len(services_in)} council" in text and "nothing yet for anywhere else" in text
        for name, services in services_in.items():
            n = len(services)
            assert f"{name} ({n} {'service' if n == 1 else 'services'})" in text


def test_a_service_without_its_own_page_offers_the_organisations_site_as_such(built_site):
    organisations = {o["id"]: o for o in csv_rows("organization")}
    offered = 0
    for service in SERVICES:
        organisation = organisations[service["organization_id"]]
        page = soup(built_site, f"directory/{organisation['id']}")
        section = page.select_one(f"#service-{service['id']}")
        web = section.find("dt", string="Web page").find_next_sibling("dd")
        if known(service["url"]):
            assert web.select_one("a")["href"] == service["url"]
        elif known(organisation["website"]):
            assert web.select_one("a")["href"] == organisation["website"]
            assert "the organisation’s site" in web.get_text() and organisation["name"] in web.get_text()
            offered += 1
        else:
            assert web.select_one("a") is None
    assert offered or not any(
        not known(s["url"]) and known(organisations[s["organization_id"]]["website"]) for s in SERVICES
    )
