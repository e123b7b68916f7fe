"""Citable: a version-pinned citation on every dataset page, in three formats from one record; CITATION.cff;
one publisher name everywhere."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from scripts.catalogue.citation import Citation, bibtex, csl_json, ris
from tests.conftest import PACKAGES, ROOT, descriptor

PUBLIC = "https://mh-day-opportunities.github.io"
AUTHOR = runpy.run_path(str(ROOT / "pelican.conf.py"))["AUTHOR"]


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")


def ris_fields(text: str) -> dict[str, str]:
    assert text.endswith("ER  - \r\n")
    return {m[1]: m[2] for m in re.finditer(r"^([A-Z][A-Z0-9])  - (.*?)\r$", text, re.MULTILINE)}


def bibtex_fields(text: str) -> dict[str, str]:
    assert re.match(r"@misc\{[A-Za-z0-9-]+,\n", text) and text.endswith("\n}\n")
    return {m[1]: m[2] for m in re.finditer(r"^  (\w+) = \{+(.*?)\}+,?$", text, re.MULTILINE)}


@pytest.mark.parametrize("package", PACKAGES)
def test_dataset_page_cites_the_current_version_in_three_formats(built_site, package):
    meta = descriptor(package)
    folder = f"/data/{package}/{meta['version']}/"
    page = soup(built_site, f"data/{package}/index.html")
    text = page.select_one("textarea.citation").get_text()
    jsonld = json.loads(page.select_one('script[type="application/ld+json"]').string)
    date = jsonld["datePublished"]
    # A compilation of others' data says whose: the descriptor's contributors with the role "author".
    authors = "; ".join(c["title"] for c in meta.get("contributors", []) if c.get("role") == "author")
    note = f" Compiled by {AUTHOR} from data published by {authors}." if authors else ""
    assert text == (
        f"{AUTHOR} ({date[:4]}). {meta['title']}, version {meta['version']} [data set].{note} {PUBLIC}{folder}"
    )
    # It links to the version's own folder, which is a page with the version's files.
    assert page.select_one(f"#cite ~ p a[href='{folder}']") or page.select_one(f"a[href='{folder}']")
    version_page = soup(built_site, folder.lstrip("/") + "index.html")
    assert version_page.select_one("textarea.citation").get_text() == text
    links = {a.get_text(" ", strip=True).split(" (")[0]: a["href"] for a in page.select(".citation-downloads a")}
    assert links == {
        "BibTeX": f"{folder}citation.bib",
        "RIS": f"{folder}citation.ris",
        "CSL-JSON": f"{folder}citation.json",
    }
    read = {kind: (built_site / href.lstrip("/")).read_bytes().decode("utf-8") for kind, href in links.items()}
    bib = bibtex_fields(read["BibTeX"])
    assert (bib["author"], bib["title"], bib["version"], bib["year"], bib["url"]) == (
        AUTHOR,
        meta["title"],
        meta["version"],
        date[:4],
        f"{PUBLIC}{folder}",
    )
    tags = ris_fields(read["RIS"])
    assert (tags["TY"], tags["AU"], tags["TI"], tags["ET"], tags["PY"], tags["DA"], tags["UR"]) == (
        "DATA",
        AUTHOR,
        meta["title"],
        meta["version"],
        date[:4],
        date.replace("-", "/"),
        f"{PUBLIC}{folder}",
    )
    [csl] = json.loads(read["CSL-JSON"])
    assert csl["type"] == "dataset" and csl["author"] == [{"literal": AUTHOR}] and csl["publisher"] == AUTHOR
    assert (csl["title"], csl["version"], csl["URL"]) == (meta["title"], meta["version"], f"{PUBLIC}{folder}")
    assert csl["issued"] == {"date-parts": [[int(p) for p in date.split("-")]]}


def test_citation_formats_escape_and_handle_an_unknown_date():
    cited = Citation("x", "Costs & {braces} 100%", "2.0.0", None, "A & B", "https://example.org/data/x/2.0.0/")
    assert (
        cited.text == "A & B (n.d.). Costs & {braces} 100%, version 2.0.0 [data set]. https://example.org/data/x/2.0.0/"
    )
    text = bibtex(cited)
    assert r"title = {Costs \& \{braces\} 100\%}" in text and "date =" not in text
    assert "PY  -" not in ris(cited) and "DA  -" not in ris(cited)
    assert "issued" not in json.loads(csl_json(cited))[0]


def test_changelog_entry_carries_its_version_citation(built_site):
    for package in PACKAGES:
        changelog = soup(built_site, f"data/{package}/changelog/index.html")
        for section in changelog.select("section.release"):
            version = section["id"][1:]
            text = " ".join(section.get_text().split())
            assert f"version {version} [data set]." in text and f" {PUBLIC}/data/{package}/{version}/" in text
            hrefs = {a["href"] for a in section.select("a[download]")}
            assert hrefs == {f"/data/{package}/{version}/citation.{ext}" for ext in ("bib", "ris", "json")}


def test_citation_cff_is_valid_cff_1_2_0():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # The keys CFF 1.2.0 requires, and the shapes it gives them.
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"].strip()
    assert isinstance(cff["title"], str) and cff["title"].strip()
    assert isinstance(cff["authors"], list) and cff["authors"]
    for author in cff["authors"]:
        assert author.get("name") or author.get("family-names"), author
    assert cff.get("type", "software") in ("software", "dataset")
    for key in ("url", "repository-code"):
        assert cff[key].startswith("https://"), key


def test_one_publisher_name_everywhere(built_site):
    names = {"pelican.conf.py AUTHOR": AUTHOR}
    for package in PACKAGES:
        for contributor in descriptor(package).get("contributors", []):
            if contributor.get("role") == "publisher":
                names[f"data/{package}/datapackage.json"] = contributor["title"]
        data = json.loads(
            soup(built_site, f"data/{package}/index.html").select_one('script[type="application/ld+json"]').string
        )
        names[f"schema.org publisher of {package}"] = data["publisher"]["name"]
        names[f"schema.org creator of {package}"] = data["creator"]["name"]
    catalog = json.loads((built_site / "catalog.jsonld").read_text(encoding="utf-8"))
    names["catalogue publisher"] = catalog["dct:publisher"]["foaf:name"]
    for dataset in catalog["dcat:dataset"]:
        names[f"catalogue publisher of {dataset['dct:identifier']}"] = dataset["dct:publisher"]["foaf:name"]
    names["CITATION.cff"] = yaml.safe_load((ROOT / "CITATION.cff").read_text())["authors"][0]["name"]
    feed = (built_site / "feeds" / "data.atom.xml").read_text(encoding="utf-8")
    names["data feed author"] = re.search(r"<author><name>(.*?)</name>", feed)[1]
    assert len(names) > 3 + 3 * len(PACKAGES)
    assert {where: name for where, name in names.items() if name != AUTHOR} == {}


def test_the_official_series_is_cited_as_compiled_from_its_publishers(built_site):
    meta = descriptor("day-care-spend")
    (authors,) = [c["title"] for c in meta["contributors"] if c.get("role") == "author"]
    folder = built_site / "data" / "day-care-spend" / meta["version"]
    assert f"from data published by {authors}" in (folder / "citation.bib").read_text(encoding="utf-8")
    assert f"N1  - Compiled by {AUTHOR} from data published by {authors}" in (folder / "citation.ris").read_text()
    assert json.loads((folder / "citation.json").read_text())[0]["note"].endswith(authors)
