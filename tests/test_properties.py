"""Property-based: the site tells the truth about any valid data.

Hypothesis generates whole spend, provider, survey and official-series packages of many shapes (one
to four authorities, one to four years, several months of locality shares, any number of organisations,
services, areas, places, phones and survey answers, councils' day-care series across a series break,
with ties, zeros and the symbols [c] and [x]), writes
them with the shipped descriptors into a temporary folder, builds the whole site from them, and
checks every figure, chart headline, directory count and dataset page against a recomputation
from the CSVs written here, independently of the build's own code.

Only what the shipped reports name is always generated (a Norfolk spend row for 2022-23, its
market snapshot, its five locality shares for January 2023, a Liverpool service, a Healthwatch
Liverpool finding), because a report naming a figure the data lacks fails the build by design
(tests/test_figures.py). The reference vocabularies (taxonomy terms, urgent help routes) and the
sources they cite are copied. Every generated value is marked SYNTHETIC and never leaves the
temporary folder.
"""

from __future__ import annotations

import calendar
import csv
import json
import shutil
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scripts.build import build
from scripts.catalogue.metadata import JSONLD_PLACES
from scripts.charts.definitions import CHARTS
from scripts.figures.named import FIGURES
from scripts.site.references import REFERENCE
from scripts.symbols import SYMBOLS
from tests.conftest import DATA, ROOT, read_csv

MARK = "SYNTHETIC test data (not real)"
SYNTHETIC_SOURCE = {
    "source_id": "synthetic",
    "publisher": "Test generator",
    "title": MARK,
    "url": "https://example.invalid/synthetic",
    "date_published": "[x]",
    "date_accessed": "2026-01-01",
    "licence": MARK,
    "note": MARK,
}
NORFOLK, LIVERPOOL = "E10000020", "E08000012"
# Real codes stay as they are; the synthetic ones live only in the test's own GSS file.
AUTHORITIES = {
    NORFOLK: "Norfolk",
    LIVERPOOL: "Liverpool",
    "E10999001": "Synthetic shire",
    "E08999002": "Synthetic city",
}
YEARS = ["2020-21", "2021-22", "2022-23", "2023-24"]
LOCALITIES = ["Norwich", "South Norfolk", "North Norfolk", "West Norfolk", "East Norfolk"]
MONTHS = ["2023-01", "2023-02", "2024-06"]
PAGE_BUDGET = 100 * 1024
# Few distinct values, so ties are common.
AMOUNTS = st.one_of(st.sampled_from([1_000_000, 2_500_000, 3_800_000]), st.integers(1, 60).map(lambda n: n * 100_000))
SYMBOL = st.sampled_from(["[c]", "[x]"])


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


# --- the generator -----------------------------------------------------------------------------


@st.composite
def spend(draw) -> dict:
    """Spend rows for one to four authorities over one to four years; Norfolk 2022-23 always."""
    others = draw(st.lists(st.sampled_from(sorted(set(AUTHORITIES) - {NORFOLK})), unique=True, max_size=3))
    years = draw(st.lists(st.sampled_from(YEARS), unique=True, max_size=3))
    cells = {(NORFOLK, "2022-23")} | {
        cell for cell in ((a, y) for a in [NORFOLK, *others] for y in years) if draw(st.booleans())
    }
    rows = []
    for code, year in sorted(cells):
        amount = draw(st.one_of(AMOUNTS, AMOUNTS, SYMBOL))
        known = isinstance(amount, int)
        rows.append(
            {
                "authority_code": code,
                "authority_name": AUTHORITIES[code],
                "financial_year": year,
                "amount_gbp": amount,
                "published_as": f"£{amount / 1e6:.1f}m" if known else "not published",
                "rounded_to_gbp": 100_000 if known else "[x]",
                "excludes": "[x]",
                "source_id": "synthetic",
            }
        )
    return {"spend": rows, "sources": [SYNTHETIC_SOURCE]}


@st.composite
def shares(draw, code: str, month: str, localities: list[str]) -> list[dict]:
    """Shares of one authority and month that sum to 100, some hidden behind [c] or [x]."""
    weights = draw(st.lists(st.integers(0, 6), min_size=len(localities), max_size=len(localities)))
    if not any(weights):
        weights[0] = 1
    percents = [100 * w // sum(weights) for w in weights]
    percents[weights.index(max(weights))] += 100 - sum(percents)  # whole numbers that sum to exactly 100
    return [
        {
            "authority_code": code,
            "authority_name": AUTHORITIES[code],
            "month": month,
            "locality": locality,
            "share_percent": draw(SYMBOL) if draw(st.integers(0, 4)) == 0 else percent,
            "source_id": "synthetic",
        }
        for locality, percent in zip(localities, percents)
    ]


def add_place(draw, tables: dict, service: str, organisation: str, n: int) -> None:
    """A service's place: its location, address and link, and maybe weekly opening times."""
    location = f"{service}-place"
    tables["location"].append(
        {
            "id": location,
            "organization_id": organisation,
            "name": f"Synthetic place {n}",
            "description": MARK,
            "location_type": "physical",
            "source_id": "synthetic",
        }
    )
    tables["address"].append(
        {
            "id": f"{location}-address",
            "location_id": location,
            "address_1": f"{n} Synthetic Street",
            "city": "Synthetic town",
            "region": "[x]",
            "state_province": "[x]",
            "postal_code": f"ZY99 {n}WZ",  # no such postcode area
            "country": "GB",
            "address_type": "physical",
            "source_id": "synthetic",
        }
    )
    at = f"{service}-at-place"
    tables["service_at_location"].append(
        {"id": at, "service_id": service, "location_id": location, "source_id": "synthetic"}
    )
    if draw(st.booleans()):
        tables["schedule"].append(
            {
                "id": f"{service}-weekly",
                "service_id": service,
                "service_at_location_id": at,
                "freq": "WEEKLY",
                "interval": 1,
                "byday": draw(st.sampled_from(["MO", "TU,TH", "FR"])),
                "bymonthday": "[x]",
                "opens_at": "10:00:00",
                "closes_at": "13:00:00",
                "description": MARK,
                "source_id": "synthetic",
            }
        )


def add_phones(draw, tables: dict, organisations: list[dict]) -> None:
    """Maybe a phone number for each organisation."""
    for n, organisation in enumerate(organisations):
        if draw(st.booleans()):
            # Ofcom's range for drama (01632 960000 to 960999): never a real line.
            tables["phone"].append(
                {
                    "id": f"{organisation['id']}-phone",
                    "organization_id": organisation["id"],
                    "service_id": "[x]",
                    "location_id": "[x]",
                    "number": f"01632 960{n:03d}",
                    "type": "voice",
                    "description": MARK,
                    "source_id": "synthetic",
                }
            )


@st.composite
def providers(draw, copied: dict) -> dict:
    """Organisations, their services in one or more areas, places, phones, times and snapshots."""
    organisations = [
        {
            "id": f"synthetic-org-{n}",
            "name": f"Synthetic organisation {n}",
            "alternate_name": "",
            "former_name": "",
            "description": MARK,
            "website": draw(st.sampled_from(["", f"https://example.invalid/org-{n}"])),
            "website_source_id": "synthetic",
            "email": "[x]",
            "status": draw(st.sampled_from(["active", "active", "closed"])),
            "last_checked": "2026-01-01",
            "source_id": "synthetic",
        }
        for n in range(draw(st.integers(1, 5)))
    ]
    tables = defaultdict(list, organization=organisations)
    terms = [t["id"] for t in copied["taxonomy_term"]]
    for n in range(draw(st.integers(1, 9))):
        service = f"synthetic-service-{n}"
        organisation = organisations[n % len(organisations)]["id"] if n < len(organisations) else None
        organisation = organisation or draw(st.sampled_from(organisations))["id"]
        tables["service"].append(
            {
                "id": service,
                "organization_id": organisation,
                "name": f"Synthetic service {n}",
                "description": MARK,
                "status": draw(st.sampled_from(["active", "active", "temporarily closed", "defunct"])),
                "eligibility_description": MARK,
                "application_process": "",
                "fees_description": draw(st.sampled_from(["[x]", "Free", "£2 a session"])),
                "url": "",
                "email": "[x]",
                "source_id": "synthetic",
            }
        )
        areas = draw(st.lists(st.sampled_from(sorted(AUTHORITIES)), min_size=1, max_size=3, unique=True))
        if n == 0 and LIVERPOOL not in areas:
            areas.append(LIVERPOOL)  # the Liverpool report counts Liverpool's organisations
        for code in areas:
            tables["service_area"].append(
                {
                    "id": f"{service}-{slug(AUTHORITIES[code])}",
                    "service_id": service,
                    "name": AUTHORITIES[code],
                    "authority_code": code,
                    "source_id": "synthetic",
                }
            )
        for term in draw(st.lists(st.sampled_from(terms), unique=True, max_size=3)):
            tables["service_taxonomy"].append(
                {"service_id": service, "taxonomy_term_id": term, "source_id": "synthetic"}
            )
        if draw(st.booleans()):
            add_place(draw, tables, service, organisation, n)
    add_phones(draw, tables, organisations)
    snapshot_cells = {(NORFOLK, "2022-23")} | set(
        draw(st.lists(st.tuples(st.sampled_from(sorted(AUTHORITIES)), st.sampled_from(YEARS)), max_size=3))
    )
    for code, year in sorted(snapshot_cells):
        tables["market_snapshot"].append(
            {
                "authority_code": code,
                "authority_name": AUTHORITIES[code],
                "financial_year": year,
                "people_accessing": draw(st.one_of(st.integers(0, 2000), SYMBOL)),
                "providers_or_locations": draw(st.one_of(st.integers(0, 80), SYMBOL)),
                "source_id": "synthetic",
            }
        )
    tables["locality_share"] += draw(shares(NORFOLK, "2023-01", LOCALITIES))
    for month in draw(st.lists(st.sampled_from(MONTHS[1:]), unique=True, max_size=2)):
        some = draw(st.lists(st.sampled_from(LOCALITIES), min_size=1, unique=True))
        tables["locality_share"] += draw(shares(NORFOLK, month, some))
    if draw(st.booleans()):  # another authority's shares never reach Norfolk's chart
        tables["locality_share"] += draw(shares("E10999001", "2024-06", ["Synthetic north", "Synthetic south"]))
    return {**copied, **tables, "sources": [*copied["sources"], SYNTHETIC_SOURCE]}


@st.composite
def survey(draw, copied_sources: list[dict]) -> dict:
    """Findings (one at least from Healthwatch Liverpool's survey) and answer counts with [c]."""
    findings = [
        {
            "id": f"synthetic-finding-{n}",
            "theme": "Synthetic",
            "finding": MARK,
            "authority_code": LIVERPOOL if n == 0 else draw(st.sampled_from(sorted(AUTHORITIES))),
            "source_id": "healthwatch-liverpool-2019"
            if n == 0
            else draw(st.sampled_from(["healthwatch-liverpool-2019", "synthetic"])),
        }
        for n in range(draw(st.integers(1, 6)))
    ]
    counts = []
    for q in range(draw(st.integers(0, 3))):
        providers_ = draw(
            st.sampled_from([["all"], ["synthetic-org-0", "synthetic-org-1"], ["all", "synthetic-org-0"]])
        )
        for provider in providers_:
            for answer in draw(st.lists(st.sampled_from(["Yes", "No", "Sometimes"]), min_size=1, unique=True)):
                counts.append(
                    {
                        "question_id": f"q{q}",
                        "question": f"Synthetic question {q}?",
                        "answer": answer,
                        "provider_id": provider,
                        "count": draw(st.one_of(st.sampled_from([0, 5, 12, 12]), st.integers(5, 300), SYMBOL)),
                        "source_id": "synthetic",
                    }
                )
    return {"finding": findings, "answer_count": counts, "sources": [*copied_sources, SYNTHETIC_SOURCE]}


def copied() -> dict:
    """The reference vocabularies and the sources they cite, as shipped."""
    providers_ = {t: read_csv(DATA / "providers" / f"{t}.csv") for t in ("taxonomy_term", "urgent_help")}
    cited = {row["source_id"] for rows in providers_.values() for row in rows}
    providers_["sources"] = [s for s in read_csv(DATA / "providers" / "sources.csv") if s["source_id"] in cited]
    survey_sources = [
        s for s in read_csv(DATA / "survey" / "sources.csv") if s["source_id"] == "healthwatch-liverpool-2019"
    ]
    return {"providers": providers_, "survey": survey_sources}


SERIES = "day-care-spend"
# A run of years across the shipped series' break of 2008-09; the last two always share one definition.
SERIES_YEARS = ["2006-07", "2007-08", "2008-09", "2009-10", "2010-11", "2011-12", "2012-13", "2013-14"]
SPAN_START = "2008-09"  # the shipped definitions' last break: the national report compares councils from here
THOUSANDS = st.one_of(st.sampled_from([0, 150, 150, 2000]), st.integers(1, 9000))


def _located(row: dict) -> dict:
    return {
        **row,
        "value_as_published": row["value"],
        "locator_file": "SYNTHETIC",
        "locator_line": 1,
        "locator_row": MARK,
        "locator_column": "A",
        "locator_column_label": MARK,
        "source_id": f"pss-{row['financial_year']}",
    }


@st.composite
def day_care_spend(draw) -> dict:
    """The official series for one to four councils over a run of years ending 2013-14, with zeros, ties,
    symbols and gaps; England's totals as a publisher might print them. The first council always has a gross
    cost in the first year, at the start of the latest span without a break and in the last two years, and England
    always has its first and last totals, because the national report quotes them."""
    # the run starts before the latest break, so the national report has a break to name
    start = draw(st.integers(0, SERIES_YEARS.index(SPAN_START) - 1))
    years = SERIES_YEARS[start:]
    codes = draw(st.lists(st.sampled_from(sorted(AUTHORITIES)), min_size=1, max_size=4, unique=True))
    spend_rows, councils = [], []
    for n, code in enumerate(codes):
        first = years[0] if n == 0 else draw(st.sampled_from(years[:-1]))
        councils.append(
            {
                "authority_code": code,
                "authority_name": AUTHORITIES[code],
                "cassr_code": f"{900 + n}",
                "council_type": draw(st.sampled_from(["county", "metropolitan district", "unitary authority"])),
                "region_code": "E12000006",
                "region_name": draw(st.sampled_from(["East of England", "North West"])),
                "first_year": first,
                "last_year": years[-1],
                "successor_codes": "[z]",
                "successor_names": "[z]",
                "successors_from": "[z]",
                "source_id": "ons-code-history-2024-07",
            }
        )
        for year in years[years.index(first) :]:
            if n and not draw(st.booleans()):
                continue
            must = n == 0 and year in (years[0], max(years[0], SPAN_START), *years[-2:])
            gross = draw(THOUSANDS) if must else draw(st.one_of(THOUSANDS, SYMBOL))
            spend_rows.append(
                {
                    "authority_code": code,
                    "authority_name": AUTHORITIES[code],
                    "cassr_code": f"{900 + n}",
                    "financial_year": year,
                    "measure": "gross-cost",
                    "value": gross,
                }
            )
            if isinstance(gross, int) and draw(st.booleans()):
                bought = draw(st.integers(0, gross))
                spend_rows.append(
                    {
                        "authority_code": code,
                        "authority_name": AUTHORITIES[code],
                        "cassr_code": f"{900 + n}",
                        "financial_year": year,
                        "measure": "provided-by-others",
                        "value": bought,
                    }
                )
    totals = []
    for year in years:
        if year in (years[0], years[-1]) or draw(st.booleans()):
            gross = draw(st.integers(1, 90000))
            for measure, value in (("gross-cost", gross), ("provided-by-others", draw(st.integers(0, gross)))):
                totals.append(
                    {
                        "area": "England",
                        "area_code": "E92000001",
                        "financial_year": year,
                        "measure": measure,
                        "value": value,
                    }
                )
    shipped = {t: read_csv(DATA / SERIES / f"{t}.csv") for t in ("measure", "definition", "deflator", "sources")}
    return {
        "spend": [_located(r) for r in spend_rows],
        "published_total": [_located(r) for r in totals],
        "council": councils,
        **shipped,
    }


COPIED = copied()
packages = st.fixed_dictionaries(
    {
        "spend": spend(),
        "providers": providers(COPIED["providers"]),
        "survey": survey(COPIED["survey"]),
        SERIES: day_care_spend(),
    }
)


# --- writing them out --------------------------------------------------------------------------


def write_inputs(folder: Path, drawn: dict) -> tuple[Path, Path, Path]:
    """data/ (shipped descriptors, generated CSVs), a GSS file with the synthetic codes, and content/
    with one more report that shows every chart."""
    data = folder / "data"
    for package, tables in drawn.items():
        (data / package).mkdir(parents=True)
        shutil.copyfile(DATA / package / "datapackage.json", data / package / "datapackage.json")
        for resource in json.loads((DATA / package / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
            header = [f["name"] for f in resource["schema"]["fields"]]
            with open(data / package / resource["path"], "w", newline="", encoding="utf-8") as file:
                writer = csv.DictWriter(file, header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(tables.get(resource["name"], []))
    shutil.copytree(DATA / "council-figures", data / "council-figures")
    gss = folder / "gss-codes.csv"
    shutil.copyfile(ROOT / "scripts" / "reference" / "gss-codes.csv", gss)
    with open(gss, "a", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        for code, name in AUTHORITIES.items():
            if code not in (NORFOLK, LIVERPOOL):
                writer.writerow([code, name, "synthetic", MARK])
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    organisations = {row["id"] for row in drawn["providers"]["organization"]}
    for page in (content / "directory").glob("*.md"):  # a provider's own page goes with the provider
        if page.stem not in organisations:
            page.unlink()
    for id in CHARTS:  # one chart a page, as a report places it
        (content / "reports" / f"synthetic-chart-{id}.md").write_text(
            f"Title: {MARK}: {id}\nSlug: synthetic-chart-{id}\nDate: 2026-01-01\nSummary: {MARK}\n\n{{chart {id}}}\n",
            encoding="utf-8",
        )
    return data, gss, content


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


# --- the independent recomputation -------------------------------------------------------------


def number(cell) -> float | None:
    return None if cell in SYMBOLS else float(cell)


def rows_of(drawn: dict, package: str, resource: str) -> list[dict]:
    """The rows as written and read back: every cell a string (a package not generated is copied as shipped)."""
    if package not in drawn:
        return read_csv(DATA / package / f"{resource}.csv")
    return [{k: str(v) for k, v in row.items()} for row in drawn[package].get(resource, [])]


def services_in(drawn: dict, code: str) -> set[str]:
    return {a["service_id"] for a in rows_of(drawn, "providers", "service_area") if a["authority_code"] == code}


def expected_figure(drawn: dict, name: str) -> str:
    """The figure recomputed with its declared selection: a value, a count, or a symbol and its meaning."""
    figure = FIGURES[name]
    rows = rows_of(drawn, figure.package, figure.resource)
    if figure.authority:
        if rows and "authority_code" in rows[0]:
            rows = [r for r in rows if r["authority_code"] == figure.authority]
        elif figure.resource == "service":
            rows = [r for r in rows if r["id"] in services_in(drawn, figure.authority)]
    rows = [r for r in rows if all(r[k] == v for k, v in figure.where.items())]
    if figure.aggregate == "count":
        return figure.show(len({r[figure.field] for r in rows}))
    (row,) = rows
    cell = row[figure.field]
    return f"{cell} ({SYMBOLS[cell]})" if cell in SYMBOLS else figure.show(float(cell))


def listed(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def chart_words(page: BeautifulSoup, chart: str) -> tuple[str, str, list[list[str]]]:
    """A chart's headline, its text alternative and its table's rows, as the page shows them."""
    figure = page.select_one(f"#chart-{chart}")
    assert figure is not None, chart
    headline = figure.select_one(".chart-title, h3, figcaption").get_text(" ", strip=True)
    alt = " ".join(
        e.get("alt") or e.get("aria-label") or e.get_text(" ") for e in figure.select("[alt], svg[aria-label], desc")
    )
    table = [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in figure.select("table tbody tr")]
    return " ".join(headline.split()), " ".join(alt.split()), table


def check_spend_chart(drawn: dict, page: BeautifulSoup) -> None:
    """Compares one year (the one with most published figures, the latest of equals), names every leader."""
    rows = [r for r in rows_of(drawn, "spend", "spend") if number(r["amount_gbp"]) is not None]
    headline, _, table = chart_words(page, "spend-by-authority-and-year")
    assert len(table) == len(drawn["spend"]["spend"])
    if not rows:
        return
    counts = Counter(r["financial_year"] for r in rows)
    year = max(counts, key=lambda y: (counts[y], y))
    in_year = [r for r in rows if r["financial_year"] == year]
    top = max(float(r["amount_gbp"]) for r in in_year)
    leaders = sorted(r["authority_name"] for r in in_year if float(r["amount_gbp"]) == top)
    assert f" in {year}" in headline and f"£{top / 1e6:,.1f}m" in headline, headline
    assert listed(leaders) in headline, (headline, leaders)
    assert ("each" in headline) == (len(leaders) > 1), headline
    for other in {r["authority_name"] for r in in_year} - set(leaders):
        assert other not in headline, (headline, other)


def check_locality_chart(drawn: dict, page: BeautifulSoup) -> None:
    """Names the latest month's largest share, every locality tied with it, and every hidden one."""
    norfolk = [r for r in rows_of(drawn, "providers", "locality_share") if r["authority_code"] == NORFOLK]
    month = max(r["month"] for r in norfolk)
    rows = [r for r in norfolk if r["month"] == month]
    headline, alt, table = chart_words(page, "norfolk-people-by-locality")
    assert sorted(row[0] for row in table) == sorted(r["locality"] for r in rows)
    assert {row[0]: row[1] for row in table} == {r["locality"]: r["share_percent"] for r in rows}
    known = [r for r in rows if number(r["share_percent"]) is not None]
    hidden = [r["locality"] for r in rows if number(r["share_percent"]) is None]
    if known:
        top = max(number(r["share_percent"]) for r in known)
        leaders = [r["locality"] for r in known if number(r["share_percent"]) == top]
        assert all(name in headline for name in leaders), (headline, leaders)
        assert not any(r["locality"] in headline for r in rows if r["locality"] not in leaders), headline
        assert f"({top:g}%{' each' if len(leaders) > 1 else ''})" in alt, alt
    if hidden:
        assert all(name in alt.split("No figure is published for")[1] for name in hidden), alt


def check_survey_chart(drawn: dict, page: BeautifulSoup) -> None:
    """Names every answer with the largest count, and says how many counts are suppressed."""
    rows = rows_of(drawn, "survey", "answer_count")
    if not rows:
        assert "There is no data for this chart yet" in page.get_text(), "an empty resource gets a note, not a chart"
        return
    everyone = [r for r in rows if r["provider_id"] == "all"]
    shown = everyone or rows
    headline, alt, table = chart_words(page, "survey-answers-by-question")
    assert len(table) == len(shown)
    counted = [r for r in shown if number(r["count"]) is not None]
    if counted:
        top = max(number(r["count"]) for r in counted)
        tops = [r for r in counted if number(r["count"]) == top]
        if top > 0:
            assert f"({top:g} people" in headline and ("each" in headline) == (len(tops) > 1), headline
            label = (lambda r: r["answer"]) if everyone else (lambda r: f"{r['answer']} ({r['provider_id']})")
            named = {label(r) for r in tops}
            assert all(f"'{name}'" in headline for name in named), headline
            assert not any(f"'{label(r)}'" in headline for r in counted if label(r) not in named), headline
            assert headline.count("'") == 2 * len(named), "each answer named once"
    suppressed = sum(r["count"] == "[c]" for r in shown)
    if suppressed:
        assert f"{suppressed} count{'s are' if suppressed != 1 else ' is'} suppressed" in alt, alt
    else:
        assert "suppressed ([c]" not in alt, alt


def check_providers_chart(drawn: dict, page: BeautifulSoup, chart: str, authority: str | None) -> None:
    """Every area it shows is one the services serve (only the authority's, when it has one), with its counts."""
    services = {s["id"]: s["organization_id"] for s in rows_of(drawn, "providers", "service")}
    support = {
        t["id"]: t["name"] for t in rows_of(drawn, "providers", "taxonomy_term") if t["taxonomy"] == "support-type"
    }
    areas = defaultdict(set)
    for a in rows_of(drawn, "providers", "service_area"):
        if authority is None or a["authority_code"] == authority:
            areas[a["service_id"]].add(a["name"])
    offered = defaultdict(set)
    for link in rows_of(drawn, "providers", "service_taxonomy"):
        if link["taxonomy_term_id"] in support:
            for area in areas[link["service_id"]]:
                offered[(area, support[link["taxonomy_term_id"]])].add(services[link["service_id"]])
    if page.select_one(f"#chart-{chart}") is None:
        assert not offered, chart  # a chart is left out only when it has nothing to draw
        return
    _, _, table = chart_words(page, chart)
    assert {(row[0], row[1]): int(row[2]) for row in table} == {key: len(orgs) for key, orgs in offered.items()}


def check_directory(drawn: dict, out: Path) -> None:
    """Lists every service; every filter count is the services filed under it; every provider page shows its
    services, places and phones."""
    services = rows_of(drawn, "providers", "service")
    entries = json.loads((out / "directory" / "entries.json").read_text(encoding="utf-8"))
    assert entries["total"] == len(services)
    check_filter_counts(drawn, out)
    check_provider_pages(drawn, out, services)


def check_filter_counts(drawn: dict, out: Path) -> None:
    by_facet = defaultdict(set)
    for link in rows_of(drawn, "providers", "service_taxonomy"):
        by_facet[link["taxonomy_term_id"]].add(link["service_id"])
    for area in rows_of(drawn, "providers", "service_area"):
        by_facet[slug(AUTHORITIES[area["authority_code"]])].add(area["service_id"])
    directory = soup(out / "directory" / "index.html")
    for link in directory.select("a[data-facet]"):
        facet, value = link["href"].strip("/").split("/")[1:3]
        if facet in ("area", "support-type", "activity-kind"):
            assert link.get_text(" ", strip=True).endswith(f"({len(by_facet[value])})"), (facet, value)


def check_provider_pages(drawn: dict, out: Path, services: list[dict]) -> None:
    place_of = {a["service_id"]: a["location_id"] for a in rows_of(drawn, "providers", "service_at_location")}
    postcode = {a["location_id"]: a["postal_code"] for a in rows_of(drawn, "providers", "address")}
    phones = defaultdict(list)
    for phone in rows_of(drawn, "providers", "phone"):
        phones[phone["organization_id"]].append(phone["number"])
    for organisation in rows_of(drawn, "providers", "organization"):
        text = soup(out / "directory" / organisation["id"] / "index.html").get_text(" ")
        for service in services:
            if service["organization_id"] == organisation["id"]:
                assert service["name"] in text, service["id"]
                if service["id"] in place_of:
                    assert postcode[place_of[service["id"]]] in text, service["id"]
        for number_ in phones[organisation["id"]]:
            assert number_ in text, organisation["id"]


def coverage(drawn: dict, package: str) -> tuple[set[str], str | None]:
    """The places (every authority code in any file) and the ISO interval of every year and month."""
    places = {
        AUTHORITIES[row["authority_code"]]
        for rows in drawn[package].values()
        for row in rows
        if "authority_code" in row
    }
    spans = []
    for rows in drawn[package].values():
        for row in rows:
            if "financial_year" in row:
                start = int(row["financial_year"][:4])
                spans.append((f"{start}-04-01", f"{start + 1}-03-31"))
            if "month" in row:
                last = calendar.monthrange(*map(int, row["month"].split("-")))[1]
                spans.append((f"{row['month']}-01", f"{row['month']}-{last:02d}"))
    if not spans:  # no time field: the dates of the sources cited
        spans = [
            (d, d)
            for d in (s["date_published"] for s in drawn[package]["sources"])
            if d not in SYMBOLS and len(d) == 10
        ]
    if not spans:
        return places, None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return places, start if start == end else f"{start}/{end}"


def pounds(thousands: float) -> str:
    value = thousands * 1000
    return f"£{value / 1e6:,.1f}m" if abs(value) >= 1e6 else f"£{value:,.0f}"


def cash_and_real(cell: str, factor: float) -> list[str]:
    """A chart table's cells for a gross cost in GBP thousands: in cash and at the base year's prices (a symbol
    as published)."""
    value = number(cell)
    return [cell, cell] if value is None else [f"{value:.0f}", f"{value * factor:.0f}"]


def check_series(drawn: dict, out: Path) -> None:
    """Every council's page and the national report's numbers, recomputed from the generated series."""
    gross: dict[str, dict[str, float | None]] = defaultdict(dict)
    published: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows_of(drawn, SERIES, "spend"):
        if row["measure"] == "gross-cost":
            gross[row["financial_year"]][row["authority_code"]] = number(row["value"])
            published[row["financial_year"]][row["authority_code"]] = row["value"]
    england = {
        r["financial_year"]: float(r["value"])
        for r in rows_of(drawn, SERIES, "published_total")
        if r["measure"] == "gross-cost"
    }
    index = {r["financial_year"]: float(r["index"]) for r in rows_of(drawn, SERIES, "deflator")}
    years = sorted(set(gross) | set(england))
    base = years[-1]
    for council in rows_of(drawn, SERIES, "council"):
        code = council["authority_code"]
        page = soup(out / "councils" / code / "index.html")
        rows = page.select("table.series-table tbody tr")
        assert [r.th.get_text(" ", strip=True).split()[0] for r in rows] == [y for y in years if code in gross[y]]
        for tr in rows:
            year = tr.th.get_text(" ", strip=True).split()[0]
            cells = [td.get_text() for td in tr.select("td")]
            value = gross[year][code]
            known = [v for v in gross[year].values() if v is not None]
            if value is None:
                assert cells[0] in SYMBOLS, cells
                continue
            assert cells[0] == pounds(value) and cells[1] == pounds(value * index[base] / index[year]), (code, year)
            median = statistics.median(known)
            assert cells[5] == pounds(median)
            assert cells[6] == ("above" if value > median else "below" if value < median else "at")
        # its chart: a bar a year in cash and in real terms, the table twin the same numbers; none without a figure
        shown = [y for y in years if code in gross[y]]
        if any(gross[y][code] is not None for y in shown):
            _, _, table = chart_words(page, f"council-{code}-day-care")
            assert table == [[y, *cash_and_real(published[y][code], index[base] / index[y])] for y in shown], code
        else:
            assert page.select_one(".chart") is None, code
    report = soup(out / "reports" / "what-councils-in-england-spent-on-mental-health-day-care" / "index.html")
    shown = {a["data-figure"]: a.get_text() for a in report.select("a.figure[data-figure]")}
    latest = [v for v in gross[years[-1]].values() if v is not None]
    lower, median, upper = statistics.quantiles(latest, n=4, method="inclusive") if len(latest) > 1 else [latest[0]] * 3
    expected = {
        "years/first": years[0],
        "years/latest": years[-1],
        "england/latest": pounds(england[years[-1]]),
        "england/first": pounds(england[years[0]]),
        "spread/latest/councils": f"{len(latest):,}",
        "spread/latest/median": pounds(median),
        "spread/latest/lower": pounds(lower),
        "spread/latest/upper": pounds(upper),
        "spread/latest/zero": f"{sum(1 for v in latest if v == 0):,}",
    }
    for name, text in expected.items():
        assert shown[f"{SERIES}/{name}"] == text, name
    _, _, table = chart_words(report, "england-day-care-by-year")
    assert table == [[y, *cash_and_real(str(england[y]), index[base] / index[y])] for y in years if y in england]
    home = [v.get_text() for v in soup(out / "index.html").select(".headline-figures .headline-value")]
    assert home[0] == pounds(england[years[-1]])


def check_dataset_pages(drawn: dict, out: Path) -> None:
    for package, tables in drawn.items():
        page = soup(out / "data" / package / "index.html")
        jsonld = json.loads(page.select_one('script[type="application/ld+json"]').string)
        places, period = coverage(drawn, package)
        named = {place["name"] for place in jsonld.get("spatialCoverage", [])}
        assert named == (places if len(places) <= JSONLD_PLACES else {"England"}), package
        assert jsonld.get("temporalCoverage") == period, package
        resources = json.loads((DATA / package / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        for resource in resources:
            count = len(tables.get(resource["name"], []))
            section = page.select_one(f"section[aria-labelledby={resource['name']}]")
            assert f"· {count} row" in section.get_text(" ") or (count == 0 and "no rows" in section.get_text()), (
                package,
                resource["name"],
            )


# --- the property ------------------------------------------------------------------------------


# Each example is a whole build (about five seconds): few examples, and no shrinking (a failure
# prints its example as drawn).
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(drawn=packages)
def test_generated_packages_build_a_site_that_tells_the_truth(tmp_path_factory, drawn):
    folder = tmp_path_factory.mktemp("generated")
    data, gss, content = write_inputs(folder, drawn)
    out = folder / "out"
    build(out, overrides={"PATH": str(content)}, data_dir=data, validation={"gss_codes": gss})

    # every figure on every report, as the CSVs say
    for source in (content / "reports").glob("*.md"):
        text = source.read_text(encoding="utf-8")
        page_slug = next(line[6:] for line in text.splitlines() if line.startswith("Slug: "))
        page = soup(out / "reports" / page_slug / "index.html")
        named = [m["name"] for m in REFERENCE.finditer(text) if m["kind"] == "figure"]
        links = page.select("a.figure[data-figure]")
        assert [a["data-figure"] for a in links] == named
        for link in links:
            if link["data-figure"] in FIGURES:  # council-figures/<id> rows: tests/test_councils.py
                assert link.get_text() == expected_figure(drawn, link["data-figure"]), link["data-figure"]

    # every chart's headline, text alternative and table
    def chart_page(id: str) -> BeautifulSoup:
        return soup(out / "reports" / f"synthetic-chart-{id}" / "index.html")

    check_spend_chart(drawn, chart_page("spend-by-authority-and-year"))
    check_locality_chart(drawn, chart_page("norfolk-people-by-locality"))
    check_survey_chart(drawn, chart_page("survey-answers-by-question"))
    check_providers_chart(drawn, chart_page("providers-by-support-type"), "providers-by-support-type", None)
    liverpool_chart = "liverpool-providers-by-support-type"
    check_providers_chart(drawn, chart_page(liverpool_chart), liverpool_chart, LIVERPOOL)
    liverpool = soup(out / "reports" / "liverpool-2019-survey" / "index.html")
    check_providers_chart(drawn, liverpool, "liverpool-providers-by-support-type", LIVERPOOL)

    check_directory(drawn, out)
    check_dataset_pages(drawn, out)
    check_series(drawn, out)

    # every page within the weight budget
    for html in out.rglob("*.html"):
        assert html.stat().st_size <= PAGE_BUDGET, html
