"""The shipped data: the real, sourced figures are there, and every field and row is described and cited."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, PACKAGES, descriptor, read_csv

NORFOLK = "E10000020"
LIVERPOOL = "E08000012"
NORFOLK_SOURCE = "https://norfolk.gov.uk/article/43532/Day-opportunities-for-people-with-mental-ill-health"
HEALTHWATCH_2019 = (
    "https://healthwatchliverpool.co.uk/report/2019-09-05/mental-health-day-opportunities-report-august-2019"
)
HEALTHWATCH_2025 = "https://www.healthwatchliverpool.co.uk/MH-Day-services-report-2025"


def rows(package: str, resource: str) -> list[dict]:
    return read_csv(DATA / package / f"{resource}.csv")


def source_url(package: str, source_id: str) -> str:
    return next(s["url"] for s in rows(package, "sources") if s["source_id"] == source_id)


def test_three_packages():
    assert PACKAGES == ["providers", "spend", "survey"]


def test_norfolk_spend_2022_23():
    (row,) = rows("spend", "spend")
    assert row["authority_code"] == NORFOLK and row["authority_name"] == "Norfolk"
    assert row["financial_year"] == "2022-23"
    assert float(row["amount_gbp"]) == 3_800_000
    assert row["published_as"] == "£3.8m" and float(row["rounded_to_gbp"]) == 100_000
    assert row["excludes"] == "transport costs"
    assert source_url("spend", row["source_id"]) == NORFOLK_SOURCE


def test_norfolk_people_and_providers_with_the_ambiguity_recorded():
    (row,) = rows("providers", "market_snapshot")
    assert (row["authority_code"], row["financial_year"]) == (NORFOLK, "2022-23")
    assert int(row["people_accessing"]) == 681 and int(row["providers_or_locations"]) == 44
    assert source_url("providers", row["source_id"]) == NORFOLK_SOURCE
    fields = {f["name"]: f for r in descriptor("providers")["resources"] for f in r["schema"]["fields"]}
    ambiguity = fields["providers_or_locations"]["description"]
    assert "providers" in ambiguity and "accredited locations registered by March 2023" in ambiguity


def test_norfolk_locality_shares_january_2023():
    shares = {
        r["locality"]: float(r["share_percent"])
        for r in rows("providers", "locality_share")
        if r["authority_code"] == NORFOLK and r["month"] == "2023-01"
    }
    assert shares == {"Norwich": 51, "South Norfolk": 20, "North Norfolk": 14, "West Norfolk": 8, "East Norfolk": 7}


def liverpool_services() -> set[str]:
    return {a["service_id"] for a in rows("providers", "service_area") if a["authority_code"] == LIVERPOOL}


def test_liverpools_five_providers():
    in_liverpool = {s["organization_id"] for s in rows("providers", "service") if s["id"] in liverpool_services()}
    organisations = {o["name"]: o for o in rows("providers", "organization") if o["id"] in in_liverpool}
    assert set(organisations) == {
        "Person Shaped Support",
        "Imagine Independence",
        "Mary Seacole House",
        "Liverpool Roots Trust",
        "Waythrough",
    }
    assert organisations["Person Shaped Support"]["alternate_name"] == "PSS"
    waythrough = organisations["Waythrough"]
    assert waythrough["former_name"] == "Richmond Fellowship" and waythrough["status"] == "renamed"
    assert source_url("providers", waythrough["source_id"]) == HEALTHWATCH_2025
    areas = {a["service_id"]: a["authority_code"] for a in rows("providers", "service_area")}
    assert set(areas.values()) == {LIVERPOOL, NORFOLK}


def test_my_time_is_a_time_bank_and_the_others_run_courses_and_groups():
    services = {s["id"]: s for s in rows("providers", "service") if s["id"] in liverpool_services()}
    terms: dict[str, set] = {}
    for link in rows("providers", "service_taxonomy"):
        terms.setdefault(link["service_id"], set()).add(link["taxonomy_term_id"])
    my_time = next(s for s in services.values() if s["name"] == "My Time")
    assert services[my_time["id"]]["organization_id"] == "waythrough"
    assert terms[my_time["id"]] == {"time-bank"}
    others = [sid for sid in services if sid != my_time["id"]]
    assert len(others) == 4
    for sid in others:
        assert terms[sid] == {"courses-and-groups", "mental-health-specific", "social-and-leisure"}
        assert source_url("providers", services[sid]["source_id"]) == HEALTHWATCH_2019


def test_survey_findings_and_no_invented_counts():
    findings = rows("survey", "finding")
    assert len(findings) == 7
    assert all(source_url("survey", f["source_id"]) == HEALTHWATCH_2019 for f in findings)
    assert rows("survey", "answer_count") == []
    survey = descriptor("survey")
    assert "gives no counts" in survey["description"]
    count = next(
        f
        for r in survey["resources"]
        if r["name"] == "answer_count"
        for f in r["schema"]["fields"]
        if f["name"] == "count"
    )
    assert count["disclosureControl"] is True and "[c]" in survey["resources"][1]["schema"]["missingValues"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_field_has_a_title_and_description(package):
    for resource in descriptor(package)["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("title") and field.get("description"), f"{package}/{resource['name']}.{field['name']}"


@pytest.mark.parametrize("package", PACKAGES)
def test_package_metadata(package):
    meta = descriptor(package)
    for key in ("name", "title", "description", "version", "licenses", "sources"):
        assert meta.get(key), key
    for resource in meta["resources"]:
        schema = resource["schema"]
        assert schema["primaryKey"], resource["name"]
        assert schema["missingValues"] == ["", "[c]", "[x]", "[z]"]
        assert resource["title"] and resource["description"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_row_cites_a_source_with_publisher_title_url_and_access_date(package):
    sources = {s["source_id"]: s for s in rows(package, "sources")}
    for source in sources.values():
        assert source["publisher"] and source["title"] and source["date_accessed"] and source["licence"]
        assert source["url"].startswith("https://")
    for resource in descriptor(package)["resources"]:
        if resource["name"] == "sources":
            continue
        for row in rows(package, resource["name"]):
            assert row["source_id"] in sources, (resource["name"], row)


def test_council_figures_are_under_the_open_government_licence():
    assert [l["name"] for l in descriptor("spend")["licenses"]] == ["OGL-UK-3.0"]
    assert "OGL-UK-3.0" in [l["name"] for l in descriptor("providers")["licenses"]]
    norfolk = next(s for s in rows("providers", "sources") if s["url"] == NORFOLK_SOURCE)
    assert norfolk["licence"] == "Open Government Licence v3.0"
