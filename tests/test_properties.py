"""Property-based: valid additions of any shape change only what they should.

Hypothesis draws what a maintainer might add in a pull request (spend rows for several
authorities and years, with ties and [x]; providers in any authority; survey findings from
another source), adds it to a copy of the shipped data in a temporary folder, builds the whole
site, and checks every figure, headline, directory count and dataset page against a
recomputation from the CSVs written here, independently of the build's own code.
The generated rows are marked SYNTHETIC and never leave the temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scripts.build import build
from scripts.figures import FIGURES
from scripts.references import REFERENCE
from tests.conftest import DATA, ROOT, read_csv

MARK = "SYNTHETIC test data (not real)"
SOURCE = ["synthetic", "Test generator", MARK, "https://example.invalid/synthetic", "[x]", "2026-01-01", MARK, MARK]
# Real codes stay as they are; the synthetic one lives only in the test's own GSS file.
AUTHORITIES = {"E10000020": "Norfolk", "E08000012": "Liverpool", "E10999001": "Synthetic shire"}
YEARS = ["2021-22", "2022-23", "2023-24"]
PAGE_BUDGET = 100 * 1024


def spend_rows():
    row = st.tuples(
        st.sampled_from(sorted(AUTHORITIES)),
        st.sampled_from(YEARS),
        st.one_of(st.integers(1, 40).map(lambda n: n * 100_000), st.just("[x]")),
    )
    return st.lists(row, max_size=6, unique_by=lambda r: (r[0], r[1])).filter(
        lambda rows: ("E10000020", "2022-23") not in {(r[0], r[1]) for r in rows}
    )


additions = st.fixed_dictionaries(
    {
        "spend": spend_rows(),
        "providers": st.lists(
            st.tuples(st.sampled_from(sorted(AUTHORITIES)), st.sampled_from(["time-bank", "peer-support"])),
            max_size=5,
        ),
        "findings": st.integers(0, 3),
    }
)


def append(path: Path, rows: list[list]) -> None:
    with open(path, "a", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def append_records(path: Path, records: list[dict]) -> None:
    """Rows by column name, in the file's own column order; a column the record does not name is [x]."""
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    append(path, [[record.get(column, "[x]") for column in header] for record in records])


def add_source(package: Path) -> None:
    append(package / "sources.csv", [SOURCE])


def write_inputs(folder: Path, drawn: dict) -> tuple[Path, Path]:
    data = folder / "data"
    shutil.copytree(DATA, data)
    gss = folder / "gss-codes.csv"
    shutil.copyfile(ROOT / "scripts" / "reference" / "gss-codes.csv", gss)
    append(gss, [["E10999001", "Synthetic shire", "E10 county (synthetic)", MARK]])
    for package in ("spend", "providers", "survey"):
        add_source(data / package)
    append(
        data / "spend" / "spend.csv",
        [
            [
                code,
                AUTHORITIES[code],
                year,
                amount,
                "not published" if amount == "[x]" else f"£{amount / 1e6:.1f}m",
                "[x]" if amount == "[x]" else 100000,
                "[x]",
                "synthetic",
            ]
            for code, year, amount in drawn["spend"]
        ],
    )
    providers = data / "providers"
    for n, (code, term) in enumerate(drawn["providers"]):
        org, service = f"synthetic-org-{n}", f"synthetic-service-{n}"
        common = {"description": MARK, "status": "active", "source_id": "synthetic"}
        append_records(
            providers / "organization.csv",
            [
                {
                    **common,
                    "id": org,
                    "name": f"Synthetic organisation {n}",
                    "alternate_name": "",
                    "former_name": "",
                    "last_checked": "2026-01-01",
                }
            ],
        )
        append_records(
            providers / "service.csv",
            [
                {
                    **common,
                    "id": service,
                    "organization_id": org,
                    "name": f"Synthetic service {n}",
                    "eligibility_description": MARK,
                }
            ],
        )
        append_records(
            providers / "service_area.csv",
            [
                {
                    "id": f"{service}-area",
                    "service_id": service,
                    "name": AUTHORITIES[code],
                    "authority_code": code,
                    "source_id": "synthetic",
                }
            ],
        )
        append_records(
            providers / "service_taxonomy.csv",
            [{"service_id": service, "taxonomy_term_id": term, "source_id": "synthetic"}],
        )
    append_records(
        data / "survey" / "finding.csv",
        [
            {
                "id": f"synthetic-{n}",
                "theme": "Synthetic",
                "finding": MARK,
                "authority_code": "E08000012",
                "source_id": "synthetic",
            }
            for n in range(drawn["findings"])
        ],
    )
    return data, gss


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


# --- the independent recomputation -------------------------------------------------------------


def csv_rows(data: Path, package: str, resource: str) -> list[dict]:
    return read_csv(data / package / f"{resource}.csv")


def services_in(data: Path, code: str) -> set[str]:
    return {a["service_id"] for a in csv_rows(data, "providers", "service_area") if a["authority_code"] == code}


def expected_figure(data: Path, name: str) -> str:
    """The figure recomputed from the CSVs with plain csv and the figure's declared selection."""
    figure = FIGURES[name]
    rows = csv_rows(data, figure.package, figure.resource)
    if figure.authority:
        if rows and "authority_code" in rows[0]:
            rows = [r for r in rows if r["authority_code"] == figure.authority]
        elif figure.resource == "service":
            rows = [r for r in rows if r["id"] in services_in(data, figure.authority)]
    rows = [r for r in rows if all(r[k] == v for k, v in figure.where.items())]
    if figure.aggregate == "count":
        return figure.show(len({r[figure.field] for r in rows}))
    (row,) = rows
    return figure.show(float(row[figure.field]))


def spend_leaders(data: Path) -> tuple[str, set[str]]:
    """The year the spend headline compares, and who spent the most in it."""
    rows = [r for r in csv_rows(data, "spend", "spend") if r["amount_gbp"] not in ("[x]", "[c]", "[z]")]
    counts = {}
    for r in rows:
        counts[r["financial_year"]] = counts.get(r["financial_year"], 0) + 1
    year = max(counts, key=lambda y: (counts[y], y))
    in_year = [r for r in rows if r["financial_year"] == year]
    top = max(float(r["amount_gbp"]) for r in in_year)
    return year, {r["authority_name"] for r in in_year if float(r["amount_gbp"]) == top}


# --- the property ------------------------------------------------------------------------------


# Each example is a whole build: few examples, and no shrinking (a failure prints its example as drawn).
@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(drawn=additions)
def test_valid_additions_keep_every_figure_headline_count_and_page_true(tmp_path_factory, drawn):
    folder = tmp_path_factory.mktemp("generated")
    data, gss = write_inputs(folder, drawn)
    out = folder / "out"
    build(out, data_dir=data, validation={"gss_codes": gss})

    # every figure on every report, as the CSVs say
    for source in (ROOT / "content" / "reports").glob("*.md"):
        slug = next(line[6:] for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("Slug: "))
        page = soup(out / "reports" / slug / "index.html")
        named = [m["name"] for m in REFERENCE.finditer(source.read_text(encoding="utf-8")) if m["kind"] == "figure"]
        links = page.select("a.figure[data-figure]")
        assert [a["data-figure"] for a in links] == named
        for link in links:
            if link["data-figure"] in FIGURES:  # council-figures/<id> rows: tests/test_councils.py
                assert link.get_text() == expected_figure(data, link["data-figure"]), link["data-figure"]

    # the spend headline compares one year and names exactly its leaders
    year, leaders = spend_leaders(data)
    report = soup(out / "reports" / "norfolk-2023-market-position" / "index.html")
    headline = report.select_one("#chart-spend-by-authority-and-year").get_text(" ")
    assert f" in {year}" in headline and all(name in headline for name in leaders)

    # the Liverpool report's providers chart holds Liverpool's areas only
    liverpool = soup(out / "reports" / "liverpool-2019-survey" / "index.html")
    table = liverpool.select_one("#chart-liverpool-providers-by-support-type table")
    areas = {tr.select_one("th, td").get_text() for tr in table.select("tbody tr")}
    assert areas <= {"Liverpool"}

    # the directory lists every service, and each filter count is the services it lists
    entries = json.loads((out / "directory" / "entries.json").read_text(encoding="utf-8"))
    assert entries["total"] == len(csv_rows(data, "providers", "service"))
    links = csv_rows(data, "providers", "service_taxonomy")
    by_term: dict[str, set] = {}
    for link in links:
        by_term.setdefault(link["taxonomy_term_id"], set()).add(link["service_id"])
    by_area: dict[str, set] = {}
    for area in csv_rows(data, "providers", "service_area"):
        by_area.setdefault(AUTHORITIES[area["authority_code"]].lower().replace(" ", "-"), set()).add(area["service_id"])
    directory = soup(out / "directory" / "index.html")
    for link in directory.select("a[data-facet]"):
        facet, value = link["href"].strip("/").split("/")[1:3]
        expected = by_area.get(value, set()) if facet == "area" else by_term.get(value, set())
        if facet in ("area", "support-type", "activity-kind"):
            assert link.get_text(" ", strip=True).endswith(f"({len(expected)})"), (facet, value)

    # dataset pages: row counts and places as the CSVs say
    for package in ("spend", "providers", "survey"):
        page = soup(out / "data" / package / "index.html")
        jsonld = json.loads(page.select_one('script[type="application/ld+json"]').string)
        codes = {
            r["authority_code"]
            for resource in Path(data / package).glob("*.csv")
            for r in read_csv(resource)
            if "authority_code" in r
        }
        names = {AUTHORITIES[code] for code in codes}
        assert {place["name"] for place in jsonld.get("spatialCoverage", [])} == names, package
        for resource in Path(data / package).glob("*.csv"):
            count = len(list(csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))))
            section = page.select_one(f"section[aria-labelledby={resource.stem}]")
            assert f"· {count} row" in section.get_text(" ") or (count == 0 and "no rows" in section.get_text()), (
                package,
                resource.name,
            )

    # every page within the weight budget
    for html in out.rglob("*.html"):
        assert html.stat().st_size <= PAGE_BUDGET, html
