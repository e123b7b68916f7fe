"""Findable and citable: catalogue metadata, feeds, sitemap, search index and data versions, on real builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from scripts.build import build
from scripts.catalogue.metadata import spatial_coverage, temporal_coverage
from scripts.catalogue.versions import releases
from scripts.datapackages import load_package
from tests.conftest import DATA, PACKAGES, descriptor, read_csv

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


def test_coverage_is_read_from_the_data():
    spend = load_package(DATA / "spend")
    assert temporal_coverage(spend) == "2022-04-01/2023-03-31"  # financial year 2022-23
    assert spatial_coverage(spend) == ["Norfolk"]
    # The survey has no time field of its own: its sources' publication dates give its coverage.
    survey = load_package(DATA / "survey")
    published = sorted(r["date_published"] for r in survey.resources["sources"].rows)
    assert temporal_coverage(survey) in (published[0], f"{published[0]}/{published[-1]}")
    assert spatial_coverage(survey) == []


def test_coverage_follows_a_change_in_the_data(tmp_path):
    shutil.copytree(DATA / "spend", tmp_path / "spend")
    csv = tmp_path / "spend" / "spend.csv"
    csv.write_text(csv.read_text().replace("Norfolk,2022-23", "Suffolk,2019-20"))
    package = load_package(tmp_path / "spend")
    assert temporal_coverage(package) == "2019-04-01/2020-03-31"
    assert spatial_coverage(package) == ["Suffolk"]


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
        assert [lic["@id"] for lic in dataset["dct:license"]] == [lic["path"] for lic in meta["licenses"]]
        assert dataset["dct:publisher"]["foaf:name"]
        media = set()
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            assert site_file(built_site, distribution["dcat:downloadURL"]["@id"]).is_file()
            media.add(distribution["dcat:mediaType"])
        assert media == {"text/csv", "application/json", "application/zip"}


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
    assert links == reports and len(links) == 3


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
        + sorted({f"/councils/{r['authority_code']}/" for r in read_csv(DATA / "council-figures" / "figure.csv")})
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
