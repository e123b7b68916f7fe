"""Findable and citable: catalogue metadata, feeds, sitemap, search index and data versions, on real builds."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import frictionless
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from scripts import fingerprint
from scripts.build import build
from scripts.catalogue.metadata import JSONLD_PLACES, spatial_coverage, temporal_coverage
from scripts.catalogue.versions import releases
from scripts.datapackages import authority_names, load_package
from tests.conftest import DATA, PACKAGES, ROOT, descriptor, read_csv

PUBLIC = "https://mh-day-opportunities.github.io"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")


def page_paths(site: Path) -> list[str]:
    """Every HTML page's address, as the sitemap should give it."""
    paths = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative != "404.html" and not relative.startswith("pagefind/"):
            paths.append("/" + relative.removesuffix("index.html"))
    return paths


def site_file(site: Path, url: str) -> Path:
    assert url.startswith(PUBLIC + "/"), url
    return site / url[len(PUBLIC) + 1 :]


def jsonld(site: Path, package: str) -> dict:
    scripts = soup(site, f"data/{package}/index.html").select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


# --- schema.org Dataset, DCAT catalogue, Open Graph ------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_dataset_page_carries_schema_org_dataset(built_site, package):
    data = jsonld(built_site, package)
    meta = descriptor(package)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    assert data["name"] == meta["title"] and data["description"] == meta["description"]
    assert data["version"] == meta["version"]
    assert data["license"] == [licence["path"] for licence in meta["licenses"]]
    assert data["creator"]["name"] and data["url"] == f"{PUBLIC}/data/{package}/"
    changed = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", package], cwd=DATA, capture_output=True, text=True, check=False
    ).stdout.strip()
    assert data["dateModified"] == changed
    assert data["temporalCoverage"]
    files = {d["name"]: d for d in data["distribution"]}
    assert set(files) == {"datapackage.json", f"{package}.zip", *(r["path"] for r in meta["resources"])}
    for download in files.values():
        assert download["@type"] == "DataDownload"
        assert site_file(built_site, download["contentUrl"]).is_file()
    assert files["datapackage.json"]["encodingFormat"] == "application/json"
    assert {files[r["path"]]["encodingFormat"] for r in meta["resources"]} == {"text/csv"}
    # Each file's own licence: the resource's, or the package's single one.
    for resource in meta["resources"]:
        expected = (resource.get("licenses") or meta["licenses"])[0]["path"]
        assert files[resource["path"]]["license"] == expected, resource["path"]
    # Findable and citable: the version's stable address, the catalogue, every field, the sources, the date.
    assert data["identifier"] == f"{PUBLIC}/data/{package}/{meta['version']}/"
    assert site_file(built_site, data["identifier"] + "index.html").is_file()
    assert data["includedInDataCatalog"] == {
        "@type": "DataCatalog",
        "name": "Mental health day opportunities: open data",
        "url": f"{PUBLIC}/data/",
    }
    fields = [(r["name"], f) for r in meta["resources"] if r["name"] != "sources" for f in r["schema"]["fields"]]
    variables = data["variableMeasured"]
    assert [v["propertyID"] for v in variables] == [f"{r}.{f['name']}" for r, f in fields]
    for variable, (_, spec) in zip(variables, fields, strict=True):
        assert variable["@type"] == "PropertyValue" and variable["name"] == spec["title"]
        assert variable.get("unitText") == spec.get("unit")
    sources = read_csv(DATA / package / "sources.csv")
    assert [c["url"] for c in data["citation"]] == [s["url"] for s in sources]
    assert all(c["@type"] == "CreativeWork" and c["name"] for c in data["citation"])
    assert data["datePublished"] == changed  # an untagged current version: the last commit touching it


@pytest.mark.parametrize("package", PACKAGES)
def test_coverage_is_read_from_what_the_data_means(package):
    loaded = load_package(DATA / package)
    names = authority_names(ROOT / "scripts" / "reference" / "gss-codes.csv")
    codes = []
    for resource in sorted((DATA / package).glob("*.csv")):
        codes += [row["authority_code"] for row in read_csv(resource) if row.get("authority_code")]
    assert set(spatial_coverage(loaded)) == {names[code] for code in codes}
    spans = [
        (f"{row['financial_year'][:4]}-04-01", f"{int(row['financial_year'][:4]) + 1}-03-31")
        for resource in (DATA / package).glob("*.csv")
        if resource.name != "sources.csv"
        for row in read_csv(resource)
        if re.fullmatch(r"\d{4}-\d{2}", row.get("financial_year", ""))
    ]
    coverage = temporal_coverage(loaded)
    if spans and coverage:
        start, _, end = coverage.partition("/")
        assert start <= min(s for s, _ in spans) and (end or start) >= max(e for _, e in spans)


def test_coverage_follows_a_change_in_the_data(tmp_path):
    shutil.copytree(DATA / "spend", tmp_path / "spend")
    path = tmp_path / "spend" / "spend.csv"
    first = dict(read_csv(path)[0], authority_code="E08000012", authority_name="Liverpool", financial_year="2019-20")
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(first), lineterminator="\n")
        writer.writeheader()
        writer.writerow(first)
    package = load_package(tmp_path / "spend")
    assert temporal_coverage(package) == "2019-04-01/2020-03-31"
    assert spatial_coverage(package) == ["Liverpool"]


def test_a_page_names_its_places_up_to_a_limit_and_past_it_england_while_the_catalogue_names_every_one(built_site):
    gss = read_csv(ROOT / "scripts" / "reference" / "gss-codes.csv")
    assert gss and all(row["code"].startswith("E") for row in gss)  # every place the site can name is in England
    catalog = json.loads((built_site / "catalog.jsonld").read_text(encoding="utf-8"))
    spatial = {
        d["dct:identifier"]: [p["skos:prefLabel"] for p in d.get("dct:spatial", [])] for d in catalog["dcat:dataset"]
    }
    seen = set()
    for package in PACKAGES:
        places = spatial_coverage(load_package(DATA / package))
        assert spatial[package] == places, package
        page = soup(built_site, f"data/{package}/index.html").select_one('script[type="application/ld+json"]')
        named = json.loads(page.string).get("spatialCoverage", [])
        if len(places) > JSONLD_PLACES:
            assert named == [{"@type": "Place", "name": "England", "identifier": "E92000001"}], package
        else:
            assert named == [{"@type": "Place", "name": name} for name in places], package
        seen.add(len(places) > JSONLD_PLACES)
    assert seen == {True, False}  # the shipped data has both kinds: the national series, and local packages


def test_dcat_catalogue_lists_every_package_with_downloads_that_exist(built_site):
    catalog = json.loads((built_site / "catalog.jsonld").read_text(encoding="utf-8"))
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["@context"]["dct"] == "http://purl.org/dc/terms/"
    datasets = {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}
    assert sorted(datasets) == PACKAGES
    for package, dataset in datasets.items():
        meta = descriptor(package)
        assert dataset["@type"] == "dcat:Dataset"
        assert dataset["dct:title"] == meta["title"] and dataset["dct:description"] == meta["description"]
        assert dataset["dct:publisher"]["foaf:name"]
        media = set()
        licences = {}
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            assert site_file(built_site, distribution["dcat:downloadURL"]["@id"]).is_file()
            media.add(distribution["dcat:mediaType"]["@id"])
            assert distribution["dct:license"]["@type"] == "dct:LicenseDocument"  # one licence, typed
            licences[distribution["dct:title"]] = distribution["dct:license"]["@id"]
        iana = "http://www.iana.org/assignments/media-types/"
        assert media == {iana + "text/csv", iana + "application/json", iana + "application/zip"}
        for resource in meta["resources"]:
            assert licences[resource["path"]] == (resource.get("licenses") or meta["licenses"])[0]["path"]
        per_file = {(r.get("licenses") or meta["licenses"])[0]["path"] for r in meta["resources"]}
        # Files under different licences: the zip's licence is the page's statement of each file's licence.
        whole = f"{PUBLIC}/data/{package}/#licence" if len(per_file) > 1 else next(iter(per_file))
        assert licences[f"{package}.zip"] == licences["datapackage.json"] == whole
    # The providers' council figures are OGL, our restatements CC BY: each file states its own.
    providers = {d["dct:title"]: d["dct:license"]["@id"] for d in datasets["providers"]["dcat:distribution"]}
    assert (
        providers["market_snapshot.csv"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    assert providers["service.csv"] == "https://creativecommons.org/licenses/by/4.0/"
    assert providers["providers.zip"] == f"{PUBLIC}/data/providers/#licence"
    assert soup(built_site, "data/providers/index.html").select_one("#licence")


def test_every_page_has_description_and_open_graph(built_site):
    for path in page_paths(built_site) + ["/404.html"]:
        file = built_site / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        page = soup(built_site, file.relative_to(built_site).as_posix())
        og = {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}
        assert page.select_one("meta[name=description]")["content"].strip(), path
        assert og["og:title"] == page.title.get_text(), path
        assert og["og:description"].strip() and og["og:type"] in ("website", "article"), path
        if path != "/404.html":
            assert og["og:url"] == PUBLIC + path, path
    assert (
        soup(built_site, "reports/liverpool-2019-survey/index.html").select_one("meta[property='og:type']")["content"]
        == "article"
    )


# --- Feeds, sitemap, robots.txt --------------------------------------------------------------------


def test_every_page_links_both_feeds(built_site):
    for path in page_paths(built_site):
        file = built_site / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        links = [
            a["href"]
            for a in BeautifulSoup(file.read_text(), "lxml").select("link[rel=alternate][type='application/atom+xml']")
        ]
        assert links == ["/feeds/reports.atom.xml", "/feeds/data.atom.xml"], path


def test_reports_feed_is_atom_listing_every_report(built_site):
    feed = etree.parse(str(built_site / "feeds" / "reports.atom.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    links = sorted(e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry"))
    reports = sorted(f"{PUBLIC}/reports/{p.parent.name}/" for p in built_site.glob("reports/*/index.html"))
    assert links == reports and len(links) == len(list((ROOT / "content" / "reports").glob("*.md")))


def test_data_feed_has_one_entry_per_package_version(built_site):
    feed = etree.parse(str(built_site / "feeds" / "data.atom.xml")).getroot()
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    links = sorted(e.find(f"{ATOM}link").get("href") for e in entries)
    assert links == sorted(f"{PUBLIC}/data/{p}/changelog/#v{descriptor(p)['version']}" for p in PACKAGES)
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("tag:") and entry.find(f"{ATOM}updated").text


def test_sitemap_lists_every_page_and_robots_points_to_it(built_site):
    sitemap = etree.parse(str(built_site / "sitemap.xml")).getroot()
    listed = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert sorted(listed) == sorted(PUBLIC + p for p in page_paths(built_site))
    for expected in ("/", "/search/", "/data/spend/", "/data/spend/changelog/", "/reports/liverpool-2019-survey/"):
        assert PUBLIC + expected in listed
    robots = (built_site / "robots.txt").read_text()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.splitlines()


# --- Search ----------------------------------------------------------------------------------------


def test_build_writes_the_pagefind_index(built_site):
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    assert list((built_site / "pagefind").glob("pagefind.*.pf_meta"))


def test_the_index_of_the_pages_that_can_hold_a_body_is_the_index_of_every_page(built_site, tmp_path):
    """Pagefind reads only search.PAGES; reading every page (its default) must write the very same index."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns("pagefind"))
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"], check=True, timeout=300)
    assert fingerprint.folder(site / "pagefind") == fingerprint.folder(built_site / "pagefind")
    listing = site / "directory" / "area" / "a-list" / "index.html"  # outside search.PAGES
    listing.parent.mkdir(parents=True)
    listing.write_text("<html lang='en-GB'><body><main data-pagefind-body>a list given a body</main></body></html>")
    shutil.rmtree(site / "pagefind")
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"], check=True, timeout=300)
    assert fingerprint.folder(site / "pagefind") != fingerprint.folder(built_site / "pagefind")


def test_only_reports_dataset_pages_and_directory_entries_are_marked_for_indexing(built_site):
    marked = sorted(
        p
        for p in page_paths(built_site)
        if soup(built_site, p.lstrip("/") + "index.html").select("[data-pagefind-body]")
    )
    providers = [row["id"] for row in read_csv(DATA / "providers" / "organization.csv")]
    assert marked == sorted(
        [f"/data/{p}/" for p in PACKAGES]
        + [f"/reports/{p.parent.name}/" for p in built_site.glob("reports/*/index.html")]
        + [f"/directory/{p}/" for p in providers]
        + ["/councils/"]
        + sorted(
            {f"/councils/{r['authority_code']}/" for r in read_csv(DATA / "council-figures" / "figure.csv")}
            | {f"/councils/{r['authority_code']}/" for r in read_csv(DATA / "day-care-spend" / "council.csv")}
        )
    )
    for path in marked:
        page = soup(built_site, path.lstrip("/") + "index.html")
        body = page.select_one("[data-pagefind-body]")
        assert (body.name == "main" or body.find_parent("main")) and not body.select("nav, header, footer"), path


def test_search_assets_and_wasm_permission_only_on_the_search_page(built_site):
    for path in page_paths(built_site):
        page = soup(built_site, path.lstrip("/") + "index.html")
        csp = page.select_one("meta[http-equiv=Content-Security-Policy]")["content"]
        scripts = [s["src"] for s in page.select("script[src]")]
        if path == "/search/":
            assert scripts == ["/theme/js/search.js"]
            assert "script-src 'self' 'wasm-unsafe-eval';" in csp
        else:
            # Other pages may load their own scripts (directory filters, chart explorer), never search's.
            assert not [s for s in scripts if "search" in s or "pagefind" in s] and "wasm" not in csp, path
    assert "pagefind.js" in (built_site / "theme" / "js" / "search.js").read_text()


def test_header_search_is_a_plain_form_to_the_search_page(built_site):
    form = soup(built_site, "data/index.html").select_one("header form[role=search]")
    assert form["action"] == "/search/" and form.get("method") == "get"
    field = form.select_one("input[name=q]")
    assert form.select_one(f"label[for={field['id']}]").get_text(strip=True)
    search = soup(built_site, "search/index.html")
    assert not search.select("header form")  # the page has its own box
    assert search.select_one("main form[action='/search/'] input[name=q]")
    assert {a["href"] for a in search.select("#search-no-js a")} == {"/directory/", "/reports/", "/data/"}
    assert search.select_one("[aria-live=polite]#search-status")


# --- Versions and changelog ------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_current_version_is_published_and_listed(built_site, package):
    version = descriptor(package)["version"]
    for name in ["datapackage.json"] + [r["path"] for r in descriptor(package)["resources"]]:
        assert (built_site / "data" / package / version / name).read_bytes() == (DATA / package / name).read_bytes()
    page = soup(built_site, f"data/{package}/index.html")
    versions = page.select("ul.versions > li")
    assert [li.a.get_text() for li in versions] == [f"Version {version}"]
    for link in versions[0].select("a[href]"):
        target = link["href"].split("#")[0]
        assert (built_site / target.lstrip("/")).exists() or (built_site / target.lstrip("/") / "index.html").is_file()
    assert page.select_one(f"a[href='/data/{package}/changelog/']")
    changelog = soup(built_site, f"data/{package}/changelog/index.html")
    assert [s["id"] for s in changelog.select("section.release")] == [f"v{version}"]


def git(repo: Path, *args: str, date: str = "2024-01-15T12:00:00+00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def bump(folder: Path, version: str) -> None:
    meta = folder / "datapackage.json"
    meta.write_text(meta.read_text().replace('"version": "1.0.0"', f'"version": "{version}"'))


EXTRA_SOURCE = "test-{n},Test publisher,Test source {n},https://example.org/{n},[x],2024-01-01,CC BY 4.0,\n"


@pytest.fixture(scope="module")
def released_repo(tmp_path_factory) -> Path:
    """A git repository holding the real data, with spend released at 1.0.0 and again at 1.1.0."""
    repo = tmp_path_factory.mktemp("released")
    shutil.copytree(DATA, repo / "data")
    spend = repo / "data" / "spend"
    with open(spend / "sources.csv", "a", encoding="utf-8") as file:
        file.write(EXTRA_SOURCE.format(n="a"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "spend 1.0.0")
    git(repo, "tag", "spend-v1.0.0")
    # 1.1.0: one spend row changed; in sources one row removed and two added.
    (spend / "spend.csv").write_text(
        (spend / "spend.csv").read_text().replace("transport costs", "transport and meals")
    )
    sources = (spend / "sources.csv").read_text().replace(EXTRA_SOURCE.format(n="a"), "")
    (spend / "sources.csv").write_text(sources + EXTRA_SOURCE.format(n="b") + EXTRA_SOURCE.format(n="c"))
    bump(spend, "1.1.0")
    git(repo, "commit", "-q", "-am", "spend 1.1.0", date="2024-06-01T12:00:00+00:00")
    git(repo, "tag", "spend-v1.1.0", date="2024-06-01T12:00:00+00:00")
    return repo


def test_releases_come_from_tags_with_changes_counted_by_primary_key(released_repo):
    found = releases(load_package(released_repo / "data" / "spend"))
    assert [(r.version, r.date, r.tag, r.current) for r in found] == [
        ("1.1.0", "2024-06-01", "spend-v1.1.0", True),
        ("1.0.0", "2024-01-15", "spend-v1.0.0", False),
    ]
    newest = {c["resource"]: (c["added"], c["removed"], c["changed"]) for c in found[0].changes}
    assert newest == {"spend": (0, 0, 1), "sources": (2, 1, 0)}
    first = {c["resource"]: (c["added"], c["removed"], c["changed"]) for c in found[1].changes}
    assert first == {"spend": (1, 0, 0), "sources": (2, 0, 0)}
    assert b"transport costs" in found[1].files["spend.csv"] and b"transport and meals" in found[0].files["spend.csv"]


def test_untagged_current_version_is_a_release_dated_from_git(released_repo, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(released_repo, repo)
    found = releases(load_package(repo / "data" / "survey"))  # survey has no tags
    assert [(r.version, r.date, r.tag, r.current) for r in found] == [("1.0.0", "2024-01-15", None, True)]


def test_build_writes_every_version_and_a_changelog(released_repo, tmp_path):
    data = released_repo / "data"
    build(tmp_path / "out", overrides={"DATA_DIR": str(data)}, data_dir=data)
    site = tmp_path / "out"
    for version, marker in (("1.0.0", b"transport costs"), ("1.1.0", b"transport and meals")):
        assert marker in (site / "data" / "spend" / version / "spend.csv").read_bytes()
        assert f'"version": "{version}"' in (site / "data" / "spend" / version / "datapackage.json").read_text()
    changelog = soup(site, "data/spend/changelog/index.html")
    assert [s["id"] for s in changelog.select("section.release")] == ["v1.1.0", "v1.0.0"]
    rows = {
        tr.th.get_text(strip=True): [td.get_text() for td in tr.select("td")]
        for tr in changelog.select("#v1\\.1\\.0 tbody tr")
    }
    assert rows == {"spend": ["0", "0", "1"], "sources": ["2", "1", "0"]}
    assert "2024-06-01" in changelog.select_one("#v1\\.1\\.0").get_text()
    page = soup(site, "data/spend/index.html")
    assert [li.a.get_text() for li in page.select("ul.versions > li")] == ["Version 1.1.0", "Version 1.0.0"]
    assert page.select_one("a[href='/data/spend/1.0.0/spend.csv']")
    feed = etree.parse(str(site / "feeds" / "data.atom.xml")).getroot()
    spend_entries = [e for e in feed.iter(f"{ATOM}entry") if "/data/spend/" in e.find(f"{ATOM}link").get("href")]
    assert len(spend_entries) == 2
    assert "sources: 2 rows added, 1 row removed" in spend_entries[0].find(f"{ATOM}summary").text
    # Each version: its own page, zip and citation, and the dataset page cites the current one.
    for version, date in (("1.1.0", "2024-06-01"), ("1.0.0", "2024-01-15")):
        folder = site / "data" / "spend" / version
        text = f"({date[:4]}). Council spend on mental-health day opportunities, version {version} [data set]. "
        text += f"{PUBLIC}/data/spend/{version}/"
        assert text in soup(site, f"data/spend/{version}/index.html").select_one("textarea.citation").get_text()
        assert text in changelog.find(id=f"v{version}").get_text()
        assert f"version = {{{version}}}" in (folder / "citation.bib").read_text()
        assert f"DA  - {date.replace('-', '/')}" in (folder / "citation.ris").read_text()
        with zipfile.ZipFile(folder / f"spend-{version}.zip") as zipped:
            assert zipped.read("spend.csv") == (folder / "spend.csv").read_bytes()
        assert frictionless.Package(str(folder / f"spend-{version}.zip")).version == version
    assert "version 1.1.0 [data set]" in page.select_one("textarea.citation").get_text()
    assert json.loads(page.select_one('script[type="application/ld+json"]').string)["identifier"] == (
        f"{PUBLIC}/data/spend/1.1.0/"
    )


# --- Archives that open as data packages -----------------------------------------------------------


def site_zips(site: Path) -> list[Path]:
    return sorted(site.glob("data/*.zip")) + sorted(site.glob("data/*/*/*.zip"))


def test_every_zip_opens_and_validates_as_a_data_package(built_site):
    zips = site_zips(built_site)
    assert sorted(z.name for z in zips) == sorted(
        [f"{p}.zip" for p in PACKAGES] + [f"{p}-{descriptor(p)['version']}.zip" for p in PACKAGES]
    )
    for archive in zips:
        # data/<package>.zip, or data/<package>/<version>/<package>-<version>.zip
        package = archive.stem if archive.parent.name == "data" else archive.parent.parent.name
        meta = descriptor(package)
        with zipfile.ZipFile(archive) as zipped:
            # datapackage.json at the root, the CSVs beside it: no sub-folder.
            assert zipped.namelist() == ["datapackage.json"] + [r["path"] for r in meta["resources"]], archive
        opened = frictionless.Package(str(archive))
        assert [r.name for r in opened.resources] == [r["name"] for r in meta["resources"]], archive
        report = frictionless.validate(str(archive))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        rows = {task.name: task.stats.get("rows", 0) for task in report.tasks}
        assert rows == {r["name"]: len(read_csv(DATA / package / r["path"])) for r in meta["resources"]}, archive


def test_zips_hold_the_published_bytes_and_are_reproducible(built_site, tmp_path):
    from scripts.catalogue.files import write_zip

    for package in PACKAGES:
        with zipfile.ZipFile(built_site / "data" / f"{package}.zip") as zipped:
            for name in zipped.namelist():
                assert zipped.read(name) == (DATA / package / name).read_bytes()
        files = {name: (DATA / package / name).read_bytes() for name in zipped.namelist()}
        write_zip(files, tmp_path / "again.zip")
        assert (tmp_path / "again.zip").read_bytes() == (built_site / "data" / f"{package}.zip").read_bytes()
        version = descriptor(package)["version"]
        released = built_site / "data" / package / version / f"{package}-{version}.zip"
        assert released.read_bytes() == (built_site / "data" / f"{package}.zip").read_bytes()


# --- The catalogue is findable -----------------------------------------------------------------------


def test_data_page_links_to_the_catalogue_and_feeds_in_words(built_site):
    page = soup(built_site, "data/index.html")
    links = {a["href"]: a.get_text(" ", strip=True) for a in page.select("main a[href]")}
    assert "catalogue" in links["/catalog.jsonld"].lower() and "DCAT-AP" in links["/catalog.jsonld"]
    assert "Atom feed" in links["/feeds/data.atom.xml"] and "Atom feed" in links["/feeds/reports.atom.xml"]
    alternate = page.select_one("link[rel=alternate][type='application/ld+json']")
    assert alternate["href"] == "/catalog.jsonld"
    json.loads((built_site / "catalog.jsonld").read_text(encoding="utf-8"))


# --- A data dictionary people can read ---------------------------------------------------------------


def test_dictionary_names_wrap_only_at_underscores_and_constraints_are_in_words(built_site):
    for package in PACKAGES:
        for resource in descriptor(package)["resources"]:  # each file's page, whether or not it has rows
            address = f"data/{package}/{resource['name']}/index.html"
            page, raw = soup(built_site, address), (built_site / address).read_text(encoding="utf-8")
            rows = page.select("table.dictionary tbody tr")
            assert len(rows) == len(resource["schema"]["fields"])
            for row, spec in zip(rows, resource["schema"]["fields"], strict=True):
                name = spec["name"]
                assert row.th.code.get_text() == name
                assert f"<code>{'_<wbr>'.join(name.split('_'))}</code>" in raw
                pattern = spec.get("constraints", {}).get("pattern")
                cell = row.select("td")[-1]
                details = cell.select_one("details")
                if pattern:
                    # The exact pattern only inside the <details>; the words outside it never show a regex.
                    assert details.select_one("code.pattern").get_text() == pattern
                    details.extract()
                    assert pattern not in cell.get_text() and "^" not in cell.get_text()
                else:
                    assert details is None
    spend = soup(built_site, "data/spend/spend/index.html")
    code_row = next(tr for tr in spend.select("table.dictionary tr") if tr.th.get_text() == "authority_code")
    assert "A GSS code for a council: E06…, E07…, E08…, E09… or E10… and six digits." in code_row.get_text()


def test_every_pattern_in_the_data_has_words():
    from scripts.catalogue.files import PATTERN_WORDS

    patterns = {
        f.get("constraints", {}).get("pattern")
        for p in PACKAGES
        for r in descriptor(p)["resources"]
        for f in r["schema"]["fields"]
    } - {None}
    assert patterns <= set(PATTERN_WORDS), patterns - set(PATTERN_WORDS)


def test_a_package_with_two_licences_must_state_each_files_licence(tmp_path):
    from scripts.build import BuildError

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    meta = json.loads((data / "providers" / "datapackage.json").read_text(encoding="utf-8"))
    market = next(r for r in meta["resources"] if r["name"] == "market_snapshot")
    del market["licenses"]  # OGL figures, now without a licence of their own
    (data / "providers" / "datapackage.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        build(tmp_path / "out", overrides={"DATA_DIR": str(data)}, data_dir=data)
    message = str(raised.value)
    assert "providers/datapackage.json: resource market_snapshot: 2 licences apply" in message
    assert "market_snapshot.csv" in message and "Traceback" not in message
    assert not (tmp_path / "out").exists()
