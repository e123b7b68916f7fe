"""Every council's page, /councils/, the home page, the national report, the map and the researchers' formats,
checked against the official series' CSVs (recomputed here, never typed); and the series model and its figures
checked with hypothesis on generated series of any shape."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import defaultdict

import duckdb
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts import series
from scripts.charts import hexmap
from scripts.datapackages import load_packages
from scripts.figures import official
from tests.conftest import DATA, read_csv

PACKAGE = DATA / "day-care-spend"
REPORT = "reports/what-councils-in-england-spent-on-mental-health-day-care/index.html"


def soup(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def number(cell: str) -> float | None:
    return None if cell.startswith("[") else float(cell)


def gross() -> dict[str, dict[str, float | None]]:
    """{year: {code: gross cost}} straight from spend.csv."""
    table = defaultdict(dict)
    for row in read_csv(PACKAGE / "spend.csv"):
        if row["measure"] == "gross-cost":
            table[row["financial_year"]][row["authority_code"]] = number(row["value"])
    return table


def england() -> dict[str, float]:
    return {
        r["financial_year"]: float(r["value"])
        for r in read_csv(PACKAGE / "published_total.csv")
        if r["area"] == "England" and r["measure"] == "gross-cost" and number(r["value"]) is not None
    }


def deflator() -> dict[str, float]:
    return {r["financial_year"]: float(r["index"]) for r in read_csv(PACKAGE / "deflator.csv")}


def pounds(thousands: float) -> str:
    value = thousands * 1000
    return f"£{value / 1e6:,.1f}m" if abs(value) >= 1e6 else f"£{value:,.0f}"


def test_every_council_of_the_series_has_a_page_with_its_series(built_site):
    by_year = gross()
    years = sorted(by_year)
    index = deflator()
    base = years[-1]
    for council in read_csv(PACKAGE / "council.csv"):
        code = council["authority_code"]
        page = soup(built_site, f"councils/{code}/index.html")
        assert page.h1.get_text() == council["authority_name"]
        assert "GSS code" not in page.select_one("p.lead").get_text()
        rows = page.select("table.series-table tbody tr")
        shown = [r.th.get_text(" ", strip=True).split()[0] for r in rows]
        assert shown == [y for y in years if code in by_year[y]], code
        for tr in rows:
            year = tr.th.get_text(" ", strip=True).split()[0]
            cells = [td.get_text() for td in tr.select("td")]
            value = by_year[year][code]
            if value is None:
                continue
            assert cells[0] == pounds(value), (code, year)
            assert cells[1] == pounds(value * index[base] / index[year]), (code, year)
            values = [v for v in by_year[year].values() if v is not None]
            median = statistics.median(values)
            assert cells[5] == pounds(median), (code, year)
            expected = "above" if value > median else "below" if value < median else "at"
            assert cells[6] == expected, (code, year)


def test_a_council_that_no_longer_exists_links_to_its_successors(built_site):
    councils = {c["authority_code"]: c for c in read_csv(PACKAGE / "council.csv")}
    ended = [c for c in councils.values() if not c["successor_codes"].startswith("[")]
    assert ended
    for council in ended:
        page = soup(built_site, f"councils/{council['authority_code']}/index.html")
        links = {a["href"] for a in page.select("main a")}
        for code in council["successor_codes"].split():
            if code in councils:
                assert f"/councils/{code}/" in links, (council["authority_name"], code)
        for name in council["successor_names"].split("; "):
            assert name in page.get_text(" "), name


def test_the_councils_page_lists_every_council_once_from_a_to_z_without_codes(built_site):
    page = soup(built_site, "councils/index.html")
    listed = [a["href"] for a in page.select("#a-to-z li a")]
    expected = {f"/councils/{c['authority_code']}/" for c in read_csv(PACKAGE / "council.csv")}
    expected |= {f"/councils/{r['authority_code']}/" for r in read_csv(DATA / "council-figures" / "figure.csv")}
    assert sorted(listed) == sorted(expected) and len(set(listed)) == len(listed)
    names = [a.get_text() for a in page.select("#a-to-z li a")]
    assert names == sorted(names)
    assert "GSS code" not in page.get_text()
    regions = {c["region_name"] for c in read_csv(PACKAGE / "council.csv")}
    assert {
        s.get_text().rsplit(" (", 1)[0] for s in page.select("#by-region ~ details summary, details summary")
    } >= regions
    nav = soup(built_site, "index.html").select("nav[aria-label=Main] a")
    assert "/councils/" in {a["href"] for a in nav}


def test_the_map_colours_every_council_with_a_figure_and_has_its_table(built_site):
    page = soup(built_site, "councils/index.html")
    polygons = page.select(".hexmap-picture polygon")
    layout = hexmap.load_layout()
    assert len(polygons) == len(layout["hexes"])
    rows = page.select(".hexmap table tbody tr")
    assert len(rows) == len(polygons)
    unit = {}
    latest = max(r["financial_year"] for r in read_csv(PACKAGE / "spend.csv") if r["measure"] == "cost-per-client-week")
    for r in read_csv(PACKAGE / "spend.csv"):
        if r["measure"] == "cost-per-client-week" and r["financial_year"] == latest:
            unit[r["authority_code"]] = number(r["value"])
    names = {spec["name"]: code for code, spec in layout["hexes"].items()}
    for row in rows:
        code = names[row.th.get_text()]
        shown = row.td.get_text()
        assert (shown == "no figure") == (unit.get(code) is None), code
    fills = [p["fill"] for p in polygons]
    assert fills.count(hexmap.NO_FIGURE) == sum(1 for code in layout["hexes"] if unit.get(code) is None)


def test_the_home_page_leads_with_england_from_the_data(built_site):
    totals = england()
    years = sorted(totals)
    index = deflator()
    home = soup(built_site, "index.html")
    values = [v.get_text() for v in home.select(".headline-figures .headline-value")]
    assert values[0] == pounds(totals[years[-1]])
    first_real = totals[years[0]] * index[years[-1]] / index[years[0]]
    change = round(100 * (totals[years[-1]] - first_real) / first_real)
    assert values[1] == f"a {'rise' if change > 0 else 'fall'} of {abs(change)}%"
    assert values[2] == f"{len(read_csv(PACKAGE / 'council.csv')):,}"
    assert home.select_one("form.council-search")["action"] == "/councils/"


def test_every_number_in_the_national_report_is_worked_out_from_the_csvs(built_site):
    page = soup(built_site, REPORT)
    shown = {a["data-figure"]: a.get_text() for a in page.select("a.figure[data-figure]")}
    by_year = gross()
    years = sorted(y for y in by_year if any(v is not None for v in by_year[y].values()))
    latest, first = years[-1], years[0]
    values = [v for v in by_year[latest].values() if v is not None]
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    expected = {
        "day-care-spend/years/first": first,
        "day-care-spend/years/latest": latest,
        "day-care-spend/england/latest": pounds(england()[latest]),
        "day-care-spend/england/first": pounds(england()[first]),
        "day-care-spend/spread/latest/councils": f"{len(values):,}",
        "day-care-spend/spread/latest/median": pounds(median),
        "day-care-spend/spread/latest/lower": pounds(lower),
        "day-care-spend/spread/latest/upper": pounds(upper),
        "day-care-spend/spread/latest/zero": f"{sum(1 for v in values if v == 0):,}",
    }
    breaks = [
        r["financial_year"]
        for r in read_csv(PACKAGE / "definition.csv")
        if r["series_break"] == "true" and first < r["financial_year"] <= latest
    ]
    expected["day-care-spend/years/breaks"] = (
        breaks[0] if len(breaks) == 1 else ", ".join(breaks[:-1]) + " and " + breaks[-1]
    )
    for name, text in expected.items():
        assert shown[name] == text, name
    assert len(page.select("figure.chart")) == 3


def test_the_researchers_formats_hold_the_same_rows(built_site):
    folder = built_site / "data" / "day-care-spend"
    for resource in ("spend", "published_total", "council", "deflator"):
        rows = read_csv(PACKAGE / f"{resource}.csv")
        count = duckdb.sql(f"SELECT count(*) FROM '{folder / 'formats' / (resource + '.parquet')}'").fetchall()[0][0]
        assert count == len(rows), resource
    typed = duckdb.sql(f"SELECT value FROM '{folder / 'formats' / 'spend.parquet'}'").fetchall()
    assert [v for (v,) in typed] == [number(r["value"]) for r in read_csv(PACKAGE / "spend.csv")]
    wide = list(csv.DictReader(io.StringIO((folder / "formats" / "gross-cost-wide.csv").read_text(encoding="utf-8"))))
    by_year = gross()
    for row in wide:
        for year, values in by_year.items():
            cell = row[year]
            assert (number(cell) if cell != "[x]" or row["authority_code"] in values else None) == values.get(
                row["authority_code"]
            )
    for council in read_csv(PACKAGE / "council.csv"):
        record = json.loads((folder / "councils" / f"{council['authority_code']}.json").read_text(encoding="utf-8"))
        mine = [r for r in read_csv(PACKAGE / "spend.csv") if r["authority_code"] == council["authority_code"]]
        assert [(v["financial_year"], v["measure"], v["value"]) for v in record["series"]] == [
            (r["financial_year"], r["measure"], number(r["value"])) for r in mine
        ]
    page = soup(built_site, "data/day-care-spend/index.html")
    assert any("gross-cost-wide.csv" in a.get_text() for a in page.select("a"))


@pytest.mark.parametrize("path", ["councils/index.html", REPORT])
def test_the_new_pages_keep_within_the_weight_budget(built_site, path):
    assert (built_site / path).stat().st_size <= 100 * 1024


def test_every_council_page_keeps_within_the_weight_budget(built_site):
    for page in (built_site / "councils").glob("*/index.html"):
        assert page.stat().st_size <= 100 * 1024, page


# --- the model, for any series (hypothesis) ---------------------------------------------------------------

YEARS = [f"{y}-{str(y + 1)[2:]}" for y in range(2000, 2014)]
CELL = st.one_of(st.integers(0, 5000).map(str), st.sampled_from(["[x]", "[c]", "[z]"]))


class FakeResource:
    def __init__(self, rows):
        self.rows = rows


class FakePackage:
    def __init__(self, resources):
        self.resources = {name: FakeResource(rows) for name, rows in resources.items()}


@st.composite
def packages(draw):
    """SYNTHETIC: a series of 1 to 6 councils over a run of years, with symbols, gaps and breaks."""
    count = draw(st.integers(1, 14))
    start = draw(st.integers(0, 14 - count))
    years = YEARS[start : start + count]
    codes = [f"E0600{n:04d}" for n in range(draw(st.integers(1, 6)))]
    spend, totals = [], []
    for code in codes:
        for year in years:
            if draw(st.booleans()) or year == years[0]:
                for measure in ("gross-cost", "provided-by-others"):
                    spend.append(
                        {"authority_code": code, "financial_year": year, "measure": measure, "value": draw(CELL)}
                    )
    for year in years:
        if draw(st.booleans()):
            totals.append({"area": "England", "financial_year": year, "measure": "gross-cost", "value": draw(CELL)})
    breaks = set(draw(st.lists(st.sampled_from(years), max_size=2)))
    return FakePackage(
        {
            "spend": spend,
            "published_total": totals,
            "council": [
                {
                    "authority_code": c,
                    "authority_name": f"Synthetic {c}",
                    "cassr_code": "100",
                    "council_type": "unitary authority",
                    "region_name": "Synthetic region",
                    "first_year": years[0],
                    "last_year": years[-1],
                    "successor_codes": "[z]",
                    "successor_names": "[z]",
                    "successors_from": "[z]",
                }
                for c in codes
            ],
            "definition": [{"financial_year": y, "series_break": "true" if y in breaks else "false"} for y in years],
            "measure": [],
            "deflator": [
                {"financial_year": y, "index": str(60 + i), "base_year": years[-1]} for i, y in enumerate(years)
            ],
        }
    )


@settings(max_examples=60, deadline=None)
@given(package=packages())
def test_the_series_model_agrees_with_a_recomputation(package):
    data = series.load(package)
    cells = defaultdict(dict)
    for row in package.resources["spend"].rows:
        if row["measure"] == "gross-cost":
            cells[row["financial_year"]][row["authority_code"]] = number(row["value"])
    for year, spread in data.spreads.items():
        values = [v for v in cells[year].values() if v is not None]
        assert spread.councils == len(values) and spread.median == statistics.median(values)
        assert spread.lower <= spread.median <= spread.upper
        assert spread.zero == sum(1 for v in values if v == 0)
    assert [y for span in data.spans for y in span] == data.years
    for span in data.spans[1:]:
        assert data.definitions[span[0]]["series_break"] == "true"
    changes = data.changes(data.spans[-1]) if data.spans else []
    assert [c[3] for c in changes] == sorted((c[3] for c in changes), reverse=True)
    for name in official.FIGURES:
        try:
            text, label = official.resolve(f"day-care-spend/{name}", data)
        except official.SeriesFigureError as error:
            assert str(error).startswith(f"figure 'day-care-spend/{name}'")
        else:
            assert text and "{" not in label


def test_the_shipped_series_loads_every_council():
    data = series.of(load_packages(DATA))
    assert len(data.councils) == len(read_csv(PACKAGE / "council.csv"))
    assert data.base_year == data.latest
