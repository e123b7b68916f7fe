"""The public site, asserted by selector on a real Pelican build of the shipped data."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile

import pytest
from bs4 import BeautifulSoup

from scripts.build import BuildError, build
from scripts.catalogue.files import PREVIEW_ROWS
from scripts.datapackages import load_packages
from scripts.figures.named import FIGURES, HEADLINE, resolve, select
from scripts.formats import gbp_millions
from scripts.site.references import REFERENCE
from tests.conftest import DATA, PACKAGES, ROOT, descriptor, read_csv

STABLE_URLS = [
    "index.html",
    "data/index.html",
    "reports/index.html",
    "about/index.html",
    "accessibility/index.html",
    "privacy/index.html",
    "404.html",
    "favicon.svg",
    "reports/liverpool-2019-survey/index.html",
    "reports/norfolk-2023-market-position/index.html",
]


def soup(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")


def html_pages(site):
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("path", STABLE_URLS)
def test_stable_url_exists(built_site, path):
    assert (built_site / path).is_file()


@pytest.mark.parametrize("package", PACKAGES)
def test_package_urls_and_byte_identical_downloads(built_site, package):
    assert (built_site / "data" / package / "index.html").is_file()
    files = ["datapackage.json"] + [r["path"] for r in descriptor(package)["resources"]]
    for name in files:
        assert (built_site / "data" / package / name).read_bytes() == (DATA / package / name).read_bytes(), name
    with zipfile.ZipFile(built_site / "data" / f"{package}.zip") as zipped:
        assert sorted(zipped.namelist()) == sorted(files)  # at the root: frictionless.Package opens the zip
        for name in files:
            assert zipped.read(name) == (DATA / package / name).read_bytes()


def test_every_page_has_the_skeleton(built_site):
    for path in html_pages(built_site):
        page = soup(built_site, path)
        where = path.relative_to(built_site)
        assert page.html["lang"] == "en-GB", where
        assert page.select_one("body > a.skip-link[href='#main-content']"), where
        assert len(page.select("main#main-content")) == 1, where
        assert [a.get_text() for a in page.select("header nav[aria-label=Main] a")] == [
            "Home",
            "Councils",
            "Directory",
            "Data",
            "Reports",
            "About",
        ], where
        footer = page.select_one("footer").get_text(" ")
        for words in (
            "Accessibility",
            "Privacy",
            "Share your thoughts",
            "Need this in a different format?",
            "Source code",
            "Open Government Licence",
        ):
            assert words in footer, (where, words)
        assert page.select_one("link[rel=icon][href='/favicon.svg']"), where
        assert page.select_one("link[rel=stylesheet][media=print]"), where


def test_breadcrumbs_on_inner_pages(built_site):
    crumbs = soup(built_site, "data/spend/index.html").select("nav.breadcrumbs li")
    assert [c.get_text(strip=True) for c in crumbs] == [
        "Home",
        "Data",
        "Council spend on mental-health day opportunities",
    ]
    assert crumbs[-1]["aria-current"] == "page"
    report = soup(built_site, "reports/liverpool-2019-survey/index.html").select("nav.breadcrumbs a")
    assert [a["href"] for a in report] == ["/", "/reports/"]


def test_current_section_is_marked_in_the_navigation(built_site):
    current = soup(built_site, "data/providers/index.html").select("nav[aria-label=Main] [aria-current=page]")
    assert [a.get_text() for a in current] == ["Data"]


def test_content_security_policy_allows_only_our_origin_and_no_inline_script(built_site):
    for path in html_pages(built_site):
        page = soup(built_site, path)
        csp = page.select_one("meta[http-equiv=Content-Security-Policy]")["content"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        for script in page.select("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path
        assert not page.select("[style]"), path
        for event in page.select("*"):
            assert not [a for a in event.attrs if a.startswith("on")], path


def test_nothing_is_loaded_from_another_site(built_site):
    for path in html_pages(built_site):
        page = soup(built_site, path)
        for tag, attribute in (
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("iframe", "src"),
            ("source", "src"),
        ):
            for element in page.select(f"{tag}[{attribute}]"):
                if tag == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                    continue
                assert not re.match(r"^(https?:)?//", element[attribute]), (path, str(element))
    for css in built_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css.read_text()), css


def test_home_headline_figures_link_to_dataset_and_source(built_site):
    from scripts.datapackages import load_packages
    from scripts.figures.named import resolve

    figures = soup(built_site, "index.html").select(".headline-figures li")
    expected = [resolve(name, load_packages(DATA)) for name in HEADLINE]  # chosen from the data: tests/test_councils.py
    assert [f.select_one(".headline-value").get_text() for f in figures] == [e.text for e in expected]
    for figure, value in zip(figures, expected, strict=True):
        links = [a["href"] for a in figure.select("a")]
        assert links[0] == (f"/{value.url}" if value.url else f"/data/{value.package}/#{value.resource}")
        assert links[1:] == ([value.source["url"]] if value.source else [])
    home = soup(built_site, "index.html").select_one("main")
    assert {a["href"] for a in home.select(".routes a")} == {"/directory/", "/reports/", "/data/"}


def test_home_figures_come_from_the_data_not_the_template(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    figure = FIGURES["spend/norfolk-2022-23"]
    (row,) = select(figure, load_packages(data))
    old = float(row["amount_gbp"])
    new = old + 400_000
    spend = data / "spend" / "spend.csv"
    text = spend.read_text()
    assert text.count(f"{row['amount_gbp']},{row['published_as']}") == 1
    spend.write_text(text.replace(f"{row['amount_gbp']},{row['published_as']}", f"{new:.0f},{gbp_millions(new)}"))
    council = data / "council-figures" / "figure.csv"  # the home page reads Norfolk's spend from here too
    council.write_text(
        council.read_text().replace(f",{row['amount_gbp']},{row['published_as']},", f",{new:.0f},{gbp_millions(new)},")
    )
    totals = data / "day-care-spend" / "published_total.csv"  # the home page leads with England's latest total
    rows = read_csv(totals)
    latest = max(r["financial_year"] for r in rows if r["area"] == "England" and r["measure"] == "gross-cost")
    england = next(
        r for r in rows if (r["area"], r["financial_year"], r["measure"]) == ("England", latest, "gross-cost")
    )
    line = next(
        line for line in totals.read_text().splitlines() if line.startswith(f"England,E92000001,{latest},gross-cost,")
    )
    totals.write_text(
        totals.read_text().replace(line, line.replace(f",gross-cost,{england['value']},", ",gross-cost,4321,", 1))
    )
    build(tmp_path / "out", overrides={"DATA_DIR": str(data)}, data_dir=data)
    values = [v.get_text() for v in soup(tmp_path / "out", "index.html").select(".headline-value")]
    assert values[0] == "£4.3m"
    report = soup(tmp_path / "out", "reports/norfolk-2023-market-position/index.html")
    shown = [a.get_text() for a in report.select('a.figure[data-figure="spend/norfolk-2022-23"]')]
    assert shown and set(shown) == {gbp_millions(new)}


def test_footer_shows_build_date_and_when_data_last_changed_from_git(built_site):
    changed = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", "data"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    footer = soup(built_site, "index.html").select_one("footer").get_text(" ")
    assert f"Data last changed {changed}" in footer and "Site built " in footer


def test_dataset_page_describes_every_field_with_preview_key_and_downloads(built_site):
    page = soup(built_site, "data/spend/index.html")
    meta = {
        dt.get_text(): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("main > dl.meta-list dt")
    }
    spend = descriptor("spend")
    assert meta["Version"] == spend["version"] and meta["Licence"].startswith(spend["licenses"][0]["title"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["Last updated"])
    section = page.select_one("section[aria-labelledby=spend]")
    assert section.select_one('a[href="/data/spend/spend/"]')  # to the file's page: its dictionary and first rows
    assert not section.select("table"), "each file's columns are on its own page, keeping this one light"
    dictionary = soup(built_site, "data/spend/spend/index.html").select_one("table.dictionary")
    assert [th.get_text() for th in dictionary.select("thead th")] == [
        "Field",
        "Title",
        "Type",
        "Unit",
        "Description",
        "Constraints",
    ]
    rows = {
        tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td")]
        for tr in dictionary.select("tbody tr")
    }
    assert rows["amount_gbp"][:3] == ["Amount (GBP)", "number", "GBP"]
    assert "At least 0." in rows["amount_gbp"][4]
    assert "Four digits, a hyphen and two digits. For example 2022-23." in rows["financial_year"][4]
    assert "^[0-9]{4}-[0-9]{2}$" in rows["financial_year"][4]  # the exact pattern, in its <details>
    assert section.select_one('a[href="/data/spend/spend/"]')
    preview = soup(built_site, "data/spend/spend/index.html").select_one("table.preview")
    csv_rows = read_csv(DATA / "spend" / "spend.csv")
    if len(csv_rows) <= PREVIEW_ROWS:
        assert preview.select_one("caption").get_text() == f"All {len(csv_rows)} rows of spend.csv"
    first = preview.select_one("tbody tr")
    assert [td.get_text() for td in first.select("td, th")] == list(csv_rows[0].values())
    assert [dt.get_text() for dt in page.select("dl.symbols dt")] == ["[c]", "[x]", "[z]"]
    downloads = [a.get_text() for a in page.select("ul.downloads a")]
    kb = lambda path: max(1, math.ceil(path.stat().st_size / 1024))
    assert downloads == [
        f"Download spend.zip ({kb(built_site / 'data' / 'spend.zip')} KB ZIP)",
        f"Download spend.csv ({kb(DATA / 'spend' / 'spend.csv')} KB CSV)",
        f"Download sources.csv ({kb(DATA / 'spend' / 'sources.csv')} KB CSV)",
        f"Download datapackage.json ({kb(DATA / 'spend' / 'datapackage.json')} KB JSON)",
    ]
    citation = page.select_one("textarea.citation").get_text()
    assert f"{spend['title']}, version {spend['version']} [data set]" in citation
    assert citation.rstrip().endswith(f"/data/spend/{spend['version']}/")  # the version's own folder
    assert page.select_one("ul.sources a")["href"] == read_csv(DATA / "spend" / "sources.csv")[0]["url"]


def test_symbols_in_preview_are_explained(built_site):
    page = soup(built_site, "data/providers/organization/index.html")
    symbol = page.select_one(".preview abbr")
    assert symbol.get_text() == "[x]" and symbol["title"] == "not available"


def test_empty_resource_says_so(built_site):
    section = soup(built_site, "data/survey/index.html").select_one("section[aria-labelledby=answer_count]")
    assert "no rows yet" in section.get_text()
    assert "gives no counts" in soup(built_site, "data/survey/index.html").select_one("main > p").get_text()


def test_reports_take_their_numbers_from_the_data(built_site):
    packages = load_packages(DATA)
    for source in sorted((ROOT / "content" / "reports").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        named = [m["name"] for m in REFERENCE.finditer(text) if m["kind"] == "figure"]
        slug = re.search(r"^Slug: (.+)$", text, re.MULTILINE)[1]
        links = soup(built_site, f"reports/{slug}/index.html").select("a.figure[data-figure]")
        assert [a["data-figure"] for a in links] == named, source.name
        for link in links:
            value = resolve(link["data-figure"], packages)
            href = f"/{value.url}" if value.url else f"/data/{value.package}/#{value.resource}"
            assert link.get_text() == value.text and link["href"] == href


def test_every_report_paragraph_with_a_fact_links_a_source(built_site):
    for path in (built_site / "reports").glob("*/index.html"):
        article = soup(built_site, path).select_one("article")
        assert article.select("a[href^='https://']"), path


def test_accessibility_statement_has_the_regulations_sections(built_site):
    page = soup(built_site, "accessibility/index.html")
    headings = [h.get_text() for h in page.select("main h2, main h3")]
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in headings
    assert page.select_one("#other-formats")
    assert page.select_one("main a[href$='template=share-your-thoughts.yml']")


def test_privacy_page_says_no_cookies_and_no_tracking(built_site):
    text = soup(built_site, "privacy/index.html").select_one("main").get_text()
    assert "does not use cookies" in text and "does not track you" in text


def test_page_weight_budgets(built_site):
    """Each page's own weight (HTML + CSS + JS it loads, search excluded) within 100 KB; the JavaScript of ours
    that any page loads within 15 KB. A file the page names twice (each chart names the explore script) is
    fetched once."""
    for path in html_pages(built_site):
        page = soup(built_site, path)
        weight, script, seen = path.stat().st_size, 0, set()
        for element in page.select("link[rel=stylesheet][href], script[src]"):
            target = element.get("href") or element.get("src")
            if "pagefind" in target or target in seen:
                continue
            seen.add(target)
            size = (built_site / target.lstrip("/")).stat().st_size
            weight += size
            script += size if element.name == "script" and "vendor" not in target else 0
        assert weight <= 100 * 1024, (path, weight)
        assert script <= 15 * 1024, (path, script)


# --- Markdown from pull requests is made safe ------------------------------------------------------

HOSTILE = """Title: Hostile
Slug: hostile

Hello <script>alert(1)</script> world.

<img src="/favicon.svg" alt="x" onerror="alert(2)"> <a href="javascript:alert(3)">click</a>
<iframe src="https://example.com"></iframe> <b style="color:red" onclick="alert(4)">bold</b>
<abbr title="Office for National Statistics">ONS</abbr>

| a | b |
| - | - |
| 1 | 2 |
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "pages" / "hostile.md").write_text(HOSTILE)
    build(root / "output", overrides={"PATH": str(content)})
    return root / "output"


def test_script_never_reaches_the_page(hostile_site):
    html = (hostile_site / "hostile" / "index.html").read_text()
    assert "alert(1)" not in html and "<script" not in html
    main = soup(hostile_site, "hostile/index.html").select_one("main")
    assert "Hello" in main.get_text() and "world." in main.get_text()


def test_event_handlers_javascript_urls_iframes_and_styles_are_removed(hostile_site):
    main = soup(hostile_site, "hostile/index.html").select_one("main")
    assert not main.select("iframe, [style], [onerror], [onclick]")
    assert main.select_one("img")["src"] == "/favicon.svg"
    assert not [a for a in main.select("a") if "javascript" in (a.get("href") or "")]
    assert main.select_one("abbr")["title"] == "Office for National Statistics"
    assert main.select_one("table td").get_text() == "1"


def test_unknown_figure_reference_fails_the_build_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "reports" / "typo.md").write_text(
        "Title: Typo\nDate: 2026-01-01\n\nFirst line.\n\nSpend was {figure spend/norfolk-2022-32}.\n"
    )
    (tmp_path / "output").mkdir()
    with pytest.raises(BuildError, match=r"typo\.md:6: unknown figure 'spend/norfolk-2022-32'"):
        build(tmp_path / "output", overrides={"PATH": str(content)})
    assert list((tmp_path / "output").iterdir()) == []


def test_unknown_reference_kind_fails_the_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "pages" / "kind.md").write_text("Title: Kind\n\n{gif spend/norfolk-2022-23}\n")
    with pytest.raises(BuildError, match=r"kind\.md:3: unknown reference kind 'gif'"):
        build(tmp_path / "output", overrides={"PATH": str(content)})


def test_references_inside_code_are_left_alone(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "pages" / "docs.md").write_text("Title: Docs\n\nWrite `{figure some/name}` to quote a figure.\n")
    build(tmp_path / "output", overrides={"PATH": str(content)})
    assert "<code>{figure some/name}</code>" in (tmp_path / "output" / "docs" / "index.html").read_text()
