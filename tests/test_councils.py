"""The council figures compendium: the package, its measures and sources, the council pages, the report and the
home page's headline figures, each checked against the CSVs (never against numbers typed here)."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from bs4 import BeautifulSoup

from scripts.build import BuildError, build
from scripts.charts import definitions
from tests.conftest import DATA, ROOT, python, read_csv

PACKAGE = DATA / "council-figures"
REPORT = "reports/what-councils-publish-about-mental-health-day-services/index.html"
NORFOLK = "E10000020"
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
OFFICIAL_KINDS = {"official", "official-copy"}


def figures() -> list[dict]:
    return read_csv(PACKAGE / "figure.csv")


def measures() -> dict[str, dict]:
    return {m["id"]: m for m in read_csv(PACKAGE / "measure.csv")}


def sources() -> dict[str, dict]:
    return {s["source_id"]: s for s in read_csv(PACKAGE / "sources.csv")}


def by_id() -> dict[str, dict]:
    return {row["id"]: row for row in figures()}


def soup(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")


def shown_number(text: str) -> float:
    """A figure as a page shows it ('£3.8m', 'about 130', 'up to £30,000') read back as a number."""
    match = re.fullmatch(r"(?:about |at least |up to )?(£)?([0-9][0-9,]*(?:\.[0-9]+)?)(m)?", text.strip())
    assert match, f"not a figure: {text!r}"
    value = float(match[2].replace(",", ""))
    return value * 1_000_000 if match[3] else value


def assert_shows(text: str, row: dict) -> None:
    """The text a page shows for a row is the row's value (or, for a range, the source's words)."""
    if row["value"] == "[x]":
        assert text.strip() == f"“{row['value_as_published']}”", (row["id"], text)
    else:
        assert shown_number(text) == float(row["value"]), (row["id"], text)
        prefix = {"approximately": "about ", "at-least": "at least ", "up-to": "up to "}.get(row["qualifier"], "")
        assert text.strip().startswith(prefix), (row["id"], text)


# The package


def test_the_package_passes_the_real_validator_and_frictionless():
    result = python("-m", "scripts.validate", str(PACKAGE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all valid" in result.stdout
    result = python("-m", "frictionless", "validate", str(PACKAGE / "datapackage.json"))
    assert result.returncode == 0, result.stdout


def test_at_least_eleven_councils_norfolk_included():
    codes = {row["authority_code"] for row in figures()}
    assert NORFOLK in codes and len(codes) >= 11


def test_every_council_has_a_confirmed_gss_code_with_its_ons_name():
    reference = {row["code"]: row for row in read_csv(ROOT / "scripts" / "reference" / "gss-codes.csv")}
    for row in figures():
        known = reference.get(row["authority_code"])
        assert known, f"{row['id']}: {row['authority_code']} is not in gss-codes.csv"
        assert known["name"] == row["authority_name"], row["id"]
        if row["authority_code"] not in ("E10000020", "E08000012"):  # the two codes that came before this package
            assert "confirmed" in known["note"], f"{row['authority_code']}: the note must say where it was confirmed"


def test_every_measure_used_is_defined_and_every_defined_measure_is_used():
    defined, used = measures(), {row["measure"] for row in figures()}
    assert used <= set(defined), used - set(defined)
    assert set(defined) <= used, f"measures with no figure: {set(defined) - used}"
    for measure in defined.values():
        assert measure["name"] and measure["definition"] and measure["unit"], measure["id"]


def test_as_reported_figures_come_from_secondary_sources_and_official_ones_from_official_sources():
    defined, cited = measures(), sources()
    for row in figures():
        measure, source = defined[row["measure"]], cited[row["source_id"]]
        reported = measure["basis"] == "as-reported"
        assert reported == measure["id"].endswith("-reported"), measure["id"]
        assert reported == ("as reported" in measure["name"]), measure["id"]
        assert reported == (source["kind"] not in OFFICIAL_KINDS), (row["id"], source["kind"], measure["id"])


def test_every_source_is_cited_and_every_row_has_a_locator():
    cited = {row["source_id"] for row in figures()} | {m["source_id"] for m in measures().values()}
    assert cited == set(sources())
    for row in figures():
        assert row["locator"] not in ("", "[x]"), row["id"]
    for source in sources().values():
        assert source["url"].startswith(("https://", "http://")) and source["publisher"], source["source_id"]


def test_periods_read_as_their_type_says():
    for row in figures():
        kind, period = row["period_type"], row["period"]
        if kind == "not-stated":
            assert period == "[x]", row["id"]
        elif kind == "financial-year":
            first, second = period.split("-")
            assert int(second) == (int(first) + 1) % 100, row["id"]
        elif kind == "span":
            start, end = period.split("/")
            assert start <= end, row["id"]
        else:
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", period), row["id"]
            if len(period) == 10:
                date.fromisoformat(period)


def test_each_value_is_the_number_the_source_printed():
    """Exact figures must appear in the source's own words: digits, a number word, or the £m/£k it was rounded to."""
    for row in figures():
        published = row["value_as_published"].lower()
        if row["qualifier"] == "range":
            assert row["value"] == "[x]", row["id"]
            continue
        assert row["value"] != "[x]", row["id"]
        value = float(row["value"])
        rounding = row["rounding"]
        if rounding == "to £0.1m":
            shown = {f"£{value / 1_000_000:g}m", f"£{value / 1_000_000:g} million"}
        elif rounding == "to £1k":
            shown = {f"£{value / 1000:g}k"}
        elif rounding == "as printed (in words)":
            shown = {word for word, number in WORDS.items() if number == value} | {f"{value:,.0f}"}
        else:
            shown = {f"{value:,.0f}", f"{value:.0f}"}
        assert any(re.search(rf"(?<![\w,.]){re.escape(s)}(?![\w,])", published) for s in shown), (row["id"], shown)


def test_norfolk_rows_agree_with_the_spend_and_providers_packages():
    rows = by_id()
    (spend,) = read_csv(DATA / "spend" / "spend.csv")
    (market,) = read_csv(DATA / "providers" / "market_snapshot.csv")
    assert float(rows["norfolk-spend-2022-23"]["value"]) == float(spend["amount_gbp"])
    assert rows["norfolk-spend-2022-23"]["value_as_published"] == spend["published_as"]
    assert float(rows["norfolk-people-2022-23"]["value"]) == float(market["people_accessing"])
    assert float(rows["norfolk-locations-2023-03"]["value"]) == float(market["providers_or_locations"])
    assert {rows[i]["source_id"] for i in rows if i.startswith("norfolk-")} == {spend["source_id"]}


# Charts: a chart never puts two measures side by side


def mixed_measures(drawn: definitions.Drawn) -> set[str]:
    """The measures a chart's table holds when it holds more than one (none is fine)."""
    found = {row.get("measure") for row in drawn.table if "measure" in row}
    return found if len(found) > 1 else set()


def test_the_mixed_measure_check_catches_a_chart_of_two_measures():
    # SYNTHETIC: a made-up chart table, only to show the check can fail.
    drawn = definitions.Drawn(None, [{"measure": "spend-year"}, {"measure": "providers"}], {}, "", "", "", "")
    assert mixed_measures(drawn) == {"spend-year", "providers"}


def test_no_chart_of_council_figures_mixes_measures():
    from scripts.datapackages import load_packages

    packages = load_packages(DATA)
    for spec in definitions.CHARTS.values():
        if "council-figures" in spec.packages and definitions.has_data(spec, packages):
            assert not mixed_measures(definitions.draw(spec.id, packages)), spec.id


# The site


def test_every_figure_in_the_report_is_its_row_of_the_csv(built_site):
    rows, report = by_id(), soup(built_site, REPORT)
    links = [a for a in report.select("article a.figure") if "/councils/" in a["href"]]
    assert len({a["href"] for a in links}) >= 20
    for link in links:
        code, figure_id = re.fullmatch(r"/councils/(E\d{8})/#([a-z0-9-]+)", link["href"]).groups()
        row = rows[figure_id]
        assert row["authority_code"] == code
        assert_shows(link.get_text(), row)
    total = report.select_one("article a.figure[href='/data/council-figures/#figure']")
    assert int(total.get_text()) == len(rows)
    assert "{figure" not in report.get_text() and "{compare" not in report.get_text()


def test_compare_tables_hold_one_measure_each_in_order_of_council_not_ranked(built_site):
    rows = by_id()
    tables = soup(built_site, REPORT).select("table.compare")
    assert tables
    for table in tables:
        measure = table["id"].removeprefix("compare-")
        shown = [a["href"].split("#")[1] for a in table.select("td a.figure")]
        assert {rows[i]["measure"] for i in shown} == {measure}, table["id"]
        assert sorted(shown) == sorted(r["id"] for r in rows.values() if r["measure"] == measure)
        names = [th.get_text() for th in table.select("tbody th")]
        assert names == sorted(names), table["id"]


def test_every_council_has_a_page_with_every_figure_as_in_the_csv(built_site):
    index = soup(built_site, "councils/index.html")
    listed = {a["href"] for a in index.select("#a-to-z li a")}
    by_code: dict[str, list[dict]] = {}
    for row in figures():
        by_code.setdefault(row["authority_code"], []).append(row)
    assert {f"/councils/{code}/" for code in by_code} <= listed
    for code, rows in by_code.items():
        page = soup(built_site, f"councils/{code}/index.html")
        assert page.select_one("h1").get_text() == rows[0]["authority_name"]
        assert len(page.select("article.council-figure")) == len(rows)
        for row in rows:
            article = page.select_one(f"article#{row['id']}")
            assert article, row["id"]
            assert_shows(article.select_one(".figure-value").get_text(), row)
            assert row["value_as_published"] in article.get_text()
            assert article.select_one(f"a[href='{sources()[row['source_id']]['url']}']"), row["id"]


def newest_official(measure_id: str) -> dict:
    """Worked out here, apart from scripts/figures/compendium.py: the latest dated official figure of a measure."""

    def end(row):
        kind, period = row["period_type"], row["period"]
        if kind == "financial-year":
            return f"{int(period[:4]) + 1}-03-31"
        last = period.split("/")[-1]
        return last + {4: "-12-31", 7: "-31"}.get(len(last), "")

    dated = [
        r for r in figures() if r["measure"] == measure_id and r["period_type"] != "not-stated" and r["value"] != "[x]"
    ]
    return max(dated, key=end)


def test_the_newest_figure_of_each_official_measure_is_the_newest_in_the_data():
    from scripts.datapackages import load_packages
    from scripts.figures.named import resolve

    packages = load_packages(DATA)
    official = [m for m, row in measures().items() if row["basis"] == "official"]
    for measure_id in official:
        dated = [r for r in figures() if r["measure"] == measure_id and r["period_type"] != "not-stated"]
        if not [r for r in dated if r["value"] != "[x]"]:
            continue
        expected = newest_official(measure_id)
        value = resolve(f"council-figures/newest/{measure_id}", packages)
        assert value.url == f"councils/{expected['authority_code']}/#{expected['id']}", measure_id
        assert_shows(value.text, expected)


def test_the_newest_figure_follows_a_change_in_the_data(tmp_path):
    from scripts.datapackages import load_packages
    from scripts.figures.named import resolve

    # SYNTHETIC: a newer official providers figure, written only into a temporary copy of the data.
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    table = data / "council-figures" / "figure.csv"
    text = table.read_text(encoding="utf-8")
    newer = next(line for line in text.splitlines() if line.startswith("liverpool-providers-2025,"))
    text += (
        newer.replace("liverpool-providers-2025,", "liverpool-providers-synthetic,")
        .replace("source-date,2025-03", "source-date,2026-01")
        .replace(",5,currently provided by five organisations,", ",6,currently provided by six organisations,")
        + "\n"
    )
    table.write_text(text, encoding="utf-8")
    assert resolve("council-figures/newest/providers", load_packages(data)).text == "6"


def test_an_unknown_council_figure_fails_the_build_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "reports" / "typo.md").write_text(
        "Title: Typo\nDate: 2026-01-01\n\nFirst line.\n\nDevon had {figure council-figures/devon-no-such-row}.\n"
    )
    (tmp_path / "output").mkdir()
    with pytest.raises(BuildError, match=r"typo\.md:6: figure 'council-figures/devon-no-such-row'.*matches 0 rows"):
        build(tmp_path / "output", overrides={"PATH": str(content)})


def test_a_compare_table_of_an_unknown_measure_fails_the_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "reports" / "typo.md").write_text("Title: Typo\nDate: 2026-01-01\n\n{compare spend-per-head}\n")
    (tmp_path / "output").mkdir()
    with pytest.raises(BuildError, match=r"typo\.md:4: unknown measure 'spend-per-head'"):
        build(tmp_path / "output", overrides={"PATH": str(content)})


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/councils/", "/councils/E10000008/", "/" + REPORT.removesuffix("index.html"), "/"])
def test_council_pages_and_the_report_load_cleanly_and_pass_axe(path, open_page):
    from tests.browser import axe_violations

    page = open_page(path)
    assert page.console_errors == [] and page.off_host() == []
    assert axe_violations(page.page) == []


def test_every_qualifier_and_source_kind_the_schema_allows_has_words_on_the_pages():
    import json

    from scripts.figures.compendium import KINDS, QUALIFIERS

    descriptor = json.loads((PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert set(fields["qualifier"]["constraints"]["enum"]) == set(QUALIFIERS)
    assert set(fields["kind"]["constraints"]["enum"]) == set(KINDS)
