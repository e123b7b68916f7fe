"""The shipped data: every field and row described and cited, and what holds for any valid data.

Today's values are in the golden snapshot (tests/golden/), not here."""

from __future__ import annotations

import csv
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.datapackages import DataPackage, Resource, file_record_count, load_packages, number, record_count
from tests.conftest import DATA, PACKAGES, descriptor, read_csv


def rows(package: str, resource: str) -> list[dict]:
    return read_csv(DATA / package / f"{resource}.csv")


def source_url(package: str, source_id: str) -> str:
    return next(s["url"] for s in rows(package, "sources") if s["source_id"] == source_id)


def test_every_package_folder_is_named_as_its_package():
    assert PACKAGES and all(descriptor(name)["name"] == name for name in PACKAGES)


def published_amount(text: str) -> float | None:
    """'£3.8m' -> 3800000, '£480,000' -> 480000; None for anything else."""
    match = re.fullmatch(r"£([\d,]+(?:\.\d+)?)(m|bn|k)?", text.strip())
    if not match:
        return None
    scale = {"m": 1e6, "bn": 1e9, "k": 1e3, None: 1}[match[2]]
    return float(match[1].replace(",", "")) * scale


def test_every_spend_figure_is_the_amount_as_published_and_rounded_as_the_source_rounded_it():
    for row in rows("spend", "spend"):
        amount = number(row["amount_gbp"])
        if amount is None:
            continue
        published = published_amount(row["published_as"])
        assert published is not None and abs(published - amount) < 0.5, row
        rounding = number(row["rounded_to_gbp"])
        assert rounding is None or amount % rounding == 0, row


def test_the_market_snapshot_records_the_providers_or_locations_ambiguity():
    fields = {f["name"]: f for r in descriptor("providers")["resources"] for f in r["schema"]["fields"]}
    ambiguity = fields["providers_or_locations"]["description"]
    assert "providers" in ambiguity and "accredited locations registered by March 2023" in ambiguity


def test_a_renamed_organisation_names_its_former_name_and_every_organisation_has_a_service():
    services = rows("providers", "service")
    for organisation in rows("providers", "organization"):
        if organisation["status"] == "renamed":
            assert organisation["former_name"] not in ("", "[x]"), organisation["id"]
        assert any(s["organization_id"] == organisation["id"] for s in services), organisation["id"]


def test_every_service_has_an_area_and_a_kind_of_support():
    areas = {a["service_id"] for a in rows("providers", "service_area")}
    kinds = {link["service_id"] for link in rows("providers", "service_taxonomy")}
    for service in rows("providers", "service"):
        assert service["id"] in areas and service["id"] in kinds, service["id"]


def test_no_invented_counts_and_counts_are_under_disclosure_control():
    survey = descriptor("survey")
    if not rows("survey", "answer_count"):
        assert "gives no counts" in survey["description"]
    count = next(
        f
        for r in survey["resources"]
        if r["name"] == "answer_count"
        for f in r["schema"]["fields"]
        if f["name"] == "count"
    )
    assert count["disclosureControl"] is True


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
        # council-figures cites some pages at the plain http:// address its stored copy was read from
        assert source["url"].startswith("https://") or (package == "council-figures" and source["url"][:7] == "http://")
    for resource in descriptor(package)["resources"]:
        if resource["name"] == "sources":
            continue
        for row in rows(package, resource["name"]):
            assert row["source_id"] in sources, (resource["name"], row)


def test_a_source_under_the_open_government_licence_sits_in_a_package_that_states_it():
    for package in PACKAGES:
        if package == "council-figures":
            continue  # our compilation of single published figures, under CC BY 4.0; the README says so
        if any(s["licence"] == "Open Government Licence v3.0" for s in rows(package, "sources")):
            assert "OGL-UK-3.0" in [licence["name"] for licence in descriptor(package)["licenses"]], package


PIECES = [b"a,b\n", b"1,2\n", b"\n", b"\r\n", b'"x\ny",2\n', "é,ü\n".encode(), b"\xef\xbb\xbf", b"3,4", b'""']


@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from([1, 2, 3, 5, 1 << 20]))
@settings(max_examples=200, database=None)
def test_a_file_counted_a_chunk_at_a_time_has_the_rows_its_whole_bytes_have(tmp_path_factory, pieces, chunk):
    """The dataset pages count a large file's rows without holding it (file_record_count); they must count what
    reading it whole counts, wherever the chunks split it."""
    path = tmp_path_factory.mktemp("count") / "table.csv"
    path.write_bytes(b"".join(pieces))
    assert file_record_count(path, chunk) == record_count(path.read_bytes())


def test_a_columns_distinct_values_streamed_are_those_of_its_rows_in_first_row_order():
    checked = 0
    for package in load_packages(DATA).values():
        for resource in package.data_resources:
            for spec in resource.fields:
                streamed = load_packages(DATA)[package.name].resources[resource.name].distinct(spec["name"])
                assert streamed == list(dict.fromkeys(row[spec["name"]] for row in resource.rows))
                assert resource.distinct(spec["name"]) == streamed  # from the rows once they are read
                checked += 1
    assert checked > 20


CELLS = st.sampled_from(["", "a", "b", "2019-20", "E08000012", "[x]", "é"])


@given(
    st.lists(st.lists(CELLS, min_size=1, max_size=4), max_size=15),
    st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3),
    st.lists(st.sampled_from(["x", "y", "z"]), max_size=2),
)
@settings(max_examples=100, database=None)
def test_fields_read_in_one_pass_have_the_distinct_values_each_read_alone_has(tmp_path_factory, records, asked, first):
    """distinct_each reads several fields in one pass (short and long rows included); each field must come out as reading
    it alone gives, whatever was asked for before."""
    folder = tmp_path_factory.mktemp("distinct")
    with open(folder / "t.csv", "w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows([["x", "y", "z"], *records])

    def resource():
        package = DataPackage(folder, {"name": "p", "resources": []})
        fields = [{"name": name} for name in ("x", "y", "z")]
        return Resource(package, {"name": "t", "path": "t.csv", "schema": {"fields": fields}})

    alone = {name: resource().distinct(name) for name in ("x", "y", "z")}
    assert alone["x"] == list(dict.fromkeys(r[0] for r in records))
    together = resource()
    together.distinct_each(first)
    assert together.distinct_each(asked) == {name: alone[name] for name in asked}
