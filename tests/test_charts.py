"""Charts: drawn from the data on every build, static and accessible, their data one click away."""

from __future__ import annotations

import csv
import json
import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import TopLevelSpec
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.charts import cache as drawing_cache
from scripts.charts import definitions as charts
from scripts.charts import render as chart_output
from scripts.charts.cache import Job
from scripts.charts.render import ChartSet, accessible_svg, inline_svg, standalone_svg
from scripts.datapackages import load_packages, number
from scripts.formats import file_size, gbp_millions
from scripts.site import RESOLVERS
from scripts.site.context import BuildContext
from scripts.site.references import ReferenceProblem
from scripts.site.safe_markdown import render as render_markdown
from tests.chart_fixtures import AUTHORITIES, YEARS, fixture_data
from tests.conftest import DATA, ROOT

SHIPPED_WITH_DATA = [
    "council-day-care-spread",
    "england-day-care-bought-from-others",
    "england-day-care-by-year",
    "liverpool-providers-by-support-type",
    "norfolk-people-by-locality",
    "providers-by-support-type",
    "spend-by-authority-and-year",
]

# Members of the one-chart-per-council family, chosen for what makes them hard: Norfolk has every year and both
# series breaks; Bedfordshire ends in 2008-09 (abolished) and has the longest "new definition" run at its end.
COUNCIL_CHARTS = ["council-E10000020-day-care", "council-E10000001-day-care"]


@pytest.fixture(scope="module")
def shipped() -> ChartSet:
    return ChartSet(load_packages(DATA))


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> ChartSet:
    return ChartSet(load_packages(fixture_data(tmp_path_factory.mktemp("chart-fixtures"))))


def build_context(chart_set: ChartSet) -> BuildContext:
    """The context a build hands the reader, with this chart set and the plugin's resolvers."""
    return BuildContext(settings={}, packages=chart_set.packages, charts=chart_set, resolvers=RESOLVERS)


def svg_tree(svg: str) -> BeautifulSoup:
    return BeautifulSoup(svg, "xml")


def assert_accessible_svg(rendered):
    for svg, width in ((rendered.svg, charts.WIDE), (rendered.narrow_svg, charts.NARROW)):
        tree = svg_tree(svg)
        root = tree.find("svg")
        assert root["role"] == "img"
        title_id, desc_id = root["aria-labelledby"].split()
        assert tree.find("title", id=title_id).get_text() == rendered.drawn.title
        assert tree.find("desc", id=desc_id).get_text() == rendered.drawn.alt
        assert root.find_all(attrs={"role": True}) == [], "inner elements keep ARIA roles"
        assert 'style="' not in svg and "<style" not in svg, "inline styles break the CSP"
        assert float(root["width"]) <= width, "drawn wider than its column: the page would shrink it"
        texts = tree.find_all("text")
        assert texts and all(float(t["font-size"].rstrip("px")) >= charts.FONT_SIZE for t in texts)
        # Drawn in the font it was measured with, said once: site.css for the page, the file's own <style> when alone.
        assert {t.get("font-family") for t in texts} == {None}, "a label names a font of its own"
        assert chart_output.EMBEDDED_TEXT_CSS in standalone_svg(svg)
        words = {t.get_text() for t in texts}
        assert rendered.drawn.title not in words and rendered.drawn.subtitle not in words, "headline is page text"


def test_every_chart_is_registered_with_its_words():
    assert set(charts.CHARTS) == set(SHIPPED_WITH_DATA) | {"survey-answers-by-question"}


@pytest.mark.parametrize("chart_id", SHIPPED_WITH_DATA + COUNCIL_CHARTS)
def test_chart_renders_from_the_shipped_data(chart_id, shipped):
    rendered = shipped.render(chart_id)
    assert_accessible_svg(rendered)
    drawn = rendered.drawn
    assert drawn.title and drawn.subtitle and drawn.source.startswith("Source: ")
    assert re.match(r"(Horizontal )?([Bb]ar|[Rr]ange) chart", drawn.alt), "alt text names the chart type"
    assert rendered.png.startswith(b"\x89PNG")


@pytest.mark.parametrize("chart_id", sorted(charts.CHARTS))
def test_chart_renders_from_the_fixtures(chart_id, fixtures):
    assert_accessible_svg(fixtures.render(chart_id))


def test_every_chart_spec_is_valid_vega_lite(shipped, fixtures):
    """The build skips Altair's schema check (scripts/charts/definitions.py vega_lite), so it is made here, on both
    drawings of every chart the shipped data and the fixtures draw, and shown to refuse a broken spec."""
    checked = 0
    for chart_set in (shipped, fixtures):
        for id in chart_set.available():
            rendered = chart_set.render(id)
            for spec in (rendered.spec, rendered.narrow_spec):
                TopLevelSpec.validate(spec)
                checked += 1
    assert checked >= 2 * len(SHIPPED_WITH_DATA + COUNCIL_CHARTS)
    broken = {**shipped.render(SHIPPED_WITH_DATA[0]).spec, "mark": "barr"}
    with pytest.raises(jsonschema.ValidationError):
        TopLevelSpec.validate(broken)


def test_the_empty_survey_package_gives_no_chart_only_a_note(shipped, built_site):
    assert sorted(id for id in shipped.available() if id in charts.CHARTS) == SHIPPED_WITH_DATA
    note = shipped.block_html("survey-answers-by-question")
    assert "no data for this chart yet" in note and "<svg" not in note
    assert not list((built_site / "charts").glob("survey-*"))
    pages = [p for p in built_site.rglob("*.html") if "chart-survey" in p.read_text(encoding="utf-8")]
    assert pages == []


def _latest_norfolk_shares(data: Path) -> tuple[list[dict], list[dict]]:
    """All rows of locality_share.csv, and those of Norfolk's latest month (the month the chart shows)."""
    with open(data / "providers" / "locality_share.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    norfolk = [r for r in rows if r["authority_code"] == "E10000020"]
    month = max(r["month"] for r in norfolk)
    return rows, [r for r in norfolk if r["month"] == month]


def test_every_council_with_a_gross_cost_has_a_chart_of_its_own(shipped):
    """The family's members are exactly the councils with a published gross cost in some year, recomputed from
    spend.csv; an id outside the family, or a council without a figure, is no chart."""
    with (DATA / "day-care-spend" / "spend.csv").open(encoding="utf-8", newline="") as f:
        codes = {
            r["authority_code"]
            for r in csv.DictReader(f)
            if r["measure"] == "gross-cost" and number(r["value"]) is not None
        }
    members = [id for id in shipped.available() if id not in charts.CHARTS]
    assert sorted(members) == sorted(f"council-{code}-day-care" for code in codes)
    assert all(charts.get(id).id == id and shipped.has_data(id) for id in members)
    assert not shipped.has_data("council-E99999999-day-care")
    for unknown in ("council--day-care", "council-E10000020", "E10000020-day-care"):
        with pytest.raises(charts.ChartError, match="unknown chart"):
            charts.get(unknown)


def test_a_council_chart_draws_both_prices_and_marks_the_new_definitions(shipped):
    from scripts import series

    data = series.of(shipped.packages)
    rendered = shipped.render("council-E10000020-day-care")
    texts = {t.get_text() for t in svg_tree(rendered.svg).find_all("text")}
    assert {"In cash", f"At {data.base_year} prices"} <= texts
    breaks = [d["financial_year"] for d in data.breaks_between(data.first, data.latest)]
    assert breaks and {f"{year} (new definition)" for year in breaks} <= texts
    assert f"{data.first} (new definition)" not in texts and data.first in texts
    assert f"in real terms since {data.spans[-1][0]}" in rendered.drawn.title, "a change is told within one definition"


def test_locality_title_and_alt_text_come_from_the_numbers(shipped):
    _, latest = _latest_norfolk_shares(DATA)
    known = [r for r in latest if number(r["share_percent"]) is not None]
    top = max(number(r["share_percent"]) for r in known)
    leaders = [r["locality"] for r in known if number(r["share_percent"]) == top]
    drawn = shipped.render("norfolk-people-by-locality").drawn
    words = charts.share_in_words(top)
    where = leaders[0] if len(leaders) == 1 else "each of " + charts.listing(leaders)
    assert drawn.title == f"{words[0].upper()}{words[1:]} of Norfolk's people using day opportunities lived in {where}"
    if len(leaders) == 1:
        assert f"{leaders[0]} had the largest share ({top:g}%)" in drawn.alt
    assert charts.month_name(latest[0]["month"]) in drawn.subtitle


@pytest.mark.parametrize(
    "percent, words",
    [
        (50, "half"),
        (51, "about half"),
        (33, "about a third"),
        (33.3, "a third"),
        (41, "41%"),
        (75, "three quarters"),
        (7, "7%"),
    ],
)
def test_shares_in_words_stay_true_to_the_number(percent, words):
    assert charts.share_in_words(percent) == words


def test_same_data_gives_byte_identical_files():
    first, second = ChartSet(load_packages(DATA)), ChartSet(load_packages(DATA))
    for chart_id in SHIPPED_WITH_DATA:
        assert first.render(chart_id).files() == second.render(chart_id).files()


def test_a_chart_is_rendered_once_per_build(shipped):
    assert shipped.render("norfolk-people-by-locality") is shipped.render("norfolk-people-by-locality")


def _give_shares(data: Path, leading: list[int]) -> list[tuple[str, int]]:
    """Give Norfolk's localities in its latest month these shares (in file order) and spread the rest of 100 over
    the others, so the shares still sum to 100; returns each (locality, share) as given."""
    rows, latest = _latest_norfolk_shares(data)
    rest = latest[len(leading) :]
    assert rest, "the chart's month needs more localities than the shares given"
    left = 100 - sum(leading)
    spread = [left // len(rest) + (1 if i < left % len(rest) else 0) for i in range(len(rest))]
    assert max(spread) < min(leading)
    for row, share in zip(latest, leading + spread):
        row["share_percent"] = str(share)
    with open(data / "providers" / "locality_share.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return [(r["locality"], int(r["share_percent"])) for r in latest]


def _replaced_labels(given: list[tuple[str, int]]) -> set[str]:
    """The shipped share labels that the given shares replace and that no locality still has."""
    _, shipped_latest = _latest_norfolk_shares(DATA)
    now = {f"{share}%" for _, share in given}
    return {f"{number(r['share_percent']):g}%" for r in shipped_latest if number(r["share_percent"]) is not None} - now


def test_changing_a_locality_share_changes_the_chart(tmp_path, shipped):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    given = _give_shares(data, [41, 30])
    changed = ChartSet(load_packages(data)).render("norfolk-people-by-locality")
    before = shipped.render("norfolk-people-by-locality")
    assert changed.svg != before.svg
    labels = [t.get_text() for t in svg_tree(changed.svg).find_all("text")]
    assert "41%" in labels and "30%" in labels
    assert not _replaced_labels(given) & set(labels)
    assert changed.drawn.title.startswith("41% of Norfolk's people")
    assert {"locality": given[0][0], "share_percent": "41"} in changed.drawn.table


def test_a_tie_for_the_largest_share_names_every_locality_in_it(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (first, _), (second, _), (third, share) = _give_shares(data, [35, 35])[:3]
    drawn = ChartSet(load_packages(data)).render("norfolk-people-by-locality").drawn
    assert drawn.title.endswith(f"lived in each of {first} and {second}")
    assert f"{first} and {second} had the largest shares (35% each), then {third} ({share}%)" in drawn.alt


def test_a_tie_for_the_most_common_answer_names_every_answer_in_it(tmp_path):
    data = fixture_data(tmp_path)
    path = data / "survey" / "answer_count.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    top = max(int(r["count"]) for r in rows if r["provider_id"] == "all" and r["count"].isdigit())
    tied = next(r for r in rows if r["provider_id"] == "all" and r["count"].isdigit() and int(r["count"]) < top)
    tied["count"] = str(top)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    drawn = ChartSet(load_packages(data)).render("survey-answers-by-question").drawn
    leaders = [r["answer"] for r in rows if r["provider_id"] == "all" and r["count"] == str(top)]
    assert len(leaders) == 2
    assert drawn.title == f"The most common answers were '{leaders[0]}' and '{leaders[1]}' ({top} people each)"
    assert f"with {top} people each" in drawn.alt


def test_the_same_answer_most_common_to_two_questions_is_named_once(tmp_path):
    data = fixture_data(tmp_path)
    path = data / "survey" / "answer_count.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    everyone = [r for r in rows if r["provider_id"] == "all"]
    top = max(int(r["count"]) for r in everyone if r["count"].isdigit())
    leader = next(r for r in everyone if r["count"] == str(top))
    other = next(r for r in everyone if r["question_id"] != leader["question_id"])
    other.update(answer=leader["answer"], count=str(top))
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    drawn = ChartSet(load_packages(data)).render("survey-answers-by-question").drawn
    assert drawn.title == f"The most common answer was '{leader['answer']}' ({top} people to each of 2 questions)"
    assert f"'{leader['answer']}' to '{other['question']}'" in drawn.alt


def test_changing_a_csv_value_changes_the_built_site(tmp_path):
    from scripts.build import build

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    given = _give_shares(data, [41, 30])
    output = tmp_path / "output"
    build(output, overrides={"DATA_DIR": str(data)}, data_dir=data)
    svg = (output / "charts" / "norfolk-people-by-locality.svg").read_text(encoding="utf-8")
    assert ">41%<" in svg and not [label for label in _replaced_labels(given) if f">{label}<" in svg]
    report = (output / "reports" / "norfolk-2023-market-position" / "index.html").read_text(encoding="utf-8")
    assert "41% of Norfolk&#39;s people" in report or "41% of Norfolk's people" in report


@pytest.mark.parametrize("chart_id", SHIPPED_WITH_DATA + COUNCIL_CHARTS)
def test_csv_download_equals_the_chart_data(chart_id, built_site, shipped):
    rendered = shipped.render(chart_id)
    with open(built_site / "charts" / f"{chart_id}.csv", newline="", encoding="utf-8") as file:
        assert list(csv.DictReader(file)) == rendered.drawn.table
    assert (built_site / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8") == standalone_svg(rendered.svg)
    narrow = (built_site / "charts" / f"{chart_id}.narrow.svg").read_text(encoding="utf-8")
    assert inline_svg(narrow) == rendered.narrow_svg
    assert (built_site / "charts" / f"{chart_id}.png").read_bytes() == rendered.png
    assert (built_site / "charts" / f"{chart_id}.vl.json").read_text(encoding="utf-8") == rendered.vega_lite_json
    spec = (built_site / "charts" / f"{chart_id}.narrow.vl.json").read_text(encoding="utf-8")
    assert spec == rendered.narrow_vega_lite_json


def test_locality_chart_plots_the_csv_values(shipped):
    rendered = shipped.render("norfolk-people-by-locality")
    plotted = {row["locality"]: row["share_percent"] for row in next(iter(rendered.spec["datasets"].values()))}
    assert plotted == {row["locality"]: float(row["share_percent"]) for row in rendered.drawn.table}


def test_suppressed_counts_are_labelled_never_drawn_as_zero(fixtures):
    rendered = fixtures.render("survey-answers-by-question")
    assert {
        "question": "SYNTHETIC: How often do you attend?",
        "answer": "Less often",
        "provider_id": "all",
        "count": "[c]",
    } in rendered.drawn.table
    plotted = next(iter(rendered.spec["datasets"].values()))
    suppressed = [row for row in plotted if row["label"] == "[c] suppressed"]
    assert len(suppressed) == 2 and all(row["count"] is None for row in suppressed)
    labels = [t.get_text() for t in svg_tree(rendered.svg).find_all("text")]
    assert labels.count("[c] suppressed") == 2
    assert labels.count("0") >= 1  # the real zero ("Not sure") is still a zero
    table = BeautifulSoup(fixtures.block_html("survey-answers-by-question"), "lxml").select_one("table")
    assert [a.get_text() for a in table.select("abbr")] == ["[c]", "[c]"]
    assert "2 counts are suppressed" in rendered.drawn.alt


def _hide_every_value(path: Path, column: str, symbol: str) -> None:
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, column: symbol} for row in rows)


@pytest.mark.parametrize(
    "chart_id, resource, column, symbol, words",
    [
        ("spend-by-authority-and-year", "spend/spend.csv", "amount_gbp", "[x]", "No figure is published"),
        (
            "norfolk-people-by-locality",
            "providers/locality_share.csv",
            "share_percent",
            "[x]",
            "every share is missing",
        ),
        ("survey-answers-by-question", "survey/answer_count.csv", "count", "[c]", "Every answer count is suppressed"),
    ],
)
def test_a_chart_with_every_value_hidden_still_draws_and_says_so(tmp_path, chart_id, resource, column, symbol, words):
    """Every cell a symbol: an empty plot (no bar of zero), the words say nothing is published, the table keeps the
    symbols, and the picture files are still made (the build used to stop at "SVG has an invalid size")."""
    data = fixture_data(tmp_path)
    _hide_every_value(data / resource, column, symbol)
    rendered = ChartSet(load_packages(data)).render(chart_id)
    assert words in rendered.drawn.title + " " + rendered.drawn.alt
    assert rendered.drawn.table and all(symbol in row.values() for row in rendered.drawn.table)
    assert rendered.png.startswith(b"\x89PNG")
    bars = [path for group in svg_tree(rendered.svg).select("g.mark-rect.role-mark") for path in group.find_all("path")]
    assert bars == []


def test_spend_chart_stays_readable_at_150_authorities_by_10_years(fixtures):
    rendered = fixtures.render("spend-by-authority-and-year")
    for svg, width in ((rendered.svg, charts.WIDE), (rendered.narrow_svg, charts.NARROW)):
        root = svg_tree(svg).find("svg")
        assert float(root["width"]) <= width and float(root["height"]) >= AUTHORITIES * YEARS * charts.STEP / 2
        labels = [t.get_text() for t in svg_tree(svg).find_all("text")]
        assert {f"Synthetic authority {n:03d}" for n in range(1, AUTHORITIES + 1)} <= set(labels)
        assert {f"2{14 + y:03d}-{(15 + y) % 100:02d}" for y in range(YEARS)} <= set(labels), "a panel a year"
    assert len(rendered.drawn.table) == AUTHORITIES * YEARS
    assert "1 figure is not published" in rendered.drawn.alt


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("chart_id", ["spend-by-authority-and-year", "norfolk-people-by-locality"])
def test_a_png_is_drawn_at_2x_unless_that_would_pass_the_pixel_limit(fixtures, chart_id):
    """Sharp at 2x; a chart as tall as 150 councils by 10 years at 1x, so drawing it stays within memory."""
    rendered = fixtures.render(chart_id)
    width, height = chart_output.svg_size(rendered.plain_svg)
    scale = 2 if 4 * width * height <= drawing_cache.PNG_MAX_PIXELS else 1
    assert png_size(rendered.png) == (pytest.approx(scale * width, abs=1), pytest.approx(scale * height, abs=1))
    assert (scale == 1) == (chart_id == "spend-by-authority-and-year")


def test_long_labels_are_written_above_their_bars_and_kept_to_the_width(fixtures):
    from tests.chart_fixtures import LOCALITIES, LONG_LOCALITY

    rendered = fixtures.render("norfolk-people-by-locality")
    assert LONG_LOCALITY in rendered.drawn.title
    for svg in (rendered.svg, rendered.narrow_svg):
        labels = [" ".join(t.stripped_strings) for t in svg_tree(svg).find_all("text")]
        assert len([label for label in labels if label.startswith("SYNTHETIC locality")]) == LOCALITIES
    wide = [" ".join(t.stripped_strings) for t in svg_tree(rendered.svg).find_all("text")]
    assert LONG_LOCALITY in wide, "wrapped onto lines, whole"
    (long,) = [t for t in svg_tree(rendered.narrow_svg).find_all("text") if "whose name" in t.get_text()]
    lines = list(long.stripped_strings)
    assert len(lines) == charts.MAX_LINES and lines[-1].endswith("…"), "past three lines, cut; the table has it whole"
    assert all(len(line) * charts.CHAR_WIDTH <= charts.NARROW for line in lines)


def test_names_wrap_within_the_width():
    assert charts.wrap("short", 288) == "short"
    wrapped = charts.wrap("word " * 30, 100)
    assert wrapped.count("\n") == charts.MAX_LINES - 1 and wrapped.endswith("…")
    assert all(len(line) <= 100 / charts.CHAR_WIDTH + 1 for line in wrapped.split("\n"))


def test_the_shipped_spend_chart_headline_is_the_words_for_its_rows(shipped):
    rows = shipped.packages["spend"].resources["spend"].rows
    known = [r for r in rows if number(r["amount_gbp"]) is not None]
    authorities = sorted({r["authority_name"] for r in rows})
    title, alt = charts.spend_words(known, authorities, sorted({r["financial_year"] for r in rows}))
    drawn = shipped.render("spend-by-authority-and-year").drawn
    assert drawn.title == title and drawn.alt.startswith(alt)


spend_rows = st.lists(
    st.fixed_dictionaries(
        {
            "authority_name": st.sampled_from(["Norfolk", "Liverpool", "Suffolk", "Leeds"]),
            "financial_year": st.sampled_from(["2021-22", "2022-23", "2023-24"]),
            "amount_gbp": st.integers(1, 50).map(lambda n: str(n * 100_000)),
        }
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda r: (r["authority_name"], r["financial_year"]),
)


@settings(max_examples=60, deadline=None)
@given(spend_rows)
def test_spend_headline_compares_one_year_and_names_every_leader(rows):
    authorities = sorted({r["authority_name"] for r in rows})
    years = sorted({r["financial_year"] for r in rows})
    title, alt = charts.spend_words(rows, authorities, years)
    by_year = {}
    for row in rows:
        by_year.setdefault(row["financial_year"], []).append(row)
    # the year compared: the one with most figures, the latest of those
    year = max(by_year, key=lambda y: (len(by_year[y]), y))
    assert title.count(" in 20") == 1 and f" in {year}" in title
    compared = by_year[year]
    top = max(float(r["amount_gbp"]) for r in compared)
    leaders = {r["authority_name"] for r in compared if float(r["amount_gbp"]) == top}
    assert all(name in title for name in leaders)
    assert not [r for r in rows if r["authority_name"] in title and r["authority_name"] not in leaders]
    assert gbp_millions(top) in title
    if len(compared) == 1:
        assert "the most" not in title
    elif len(leaders) > 1:
        assert title.endswith(" each")
    for other_year in set(by_year) - {year}:
        assert other_year not in title and other_year not in alt.split(f"In {year}:")[1]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_palette_contrasts_at_least_3_to_1_with_white():
    for colour in charts.PALETTE + [charts.INK, charts.SUBTLE]:
        assert 1.05 / (_luminance(colour) + 0.05) >= 3, colour


@pytest.mark.parametrize("chart_id", SHIPPED_WITH_DATA)
def test_chart_marks_use_only_the_palette(chart_id, shipped):
    fills = set(re.findall(r'<path[^>]* fill="(#[0-9A-Fa-f]{6})"', shipped.render(chart_id).svg))
    assert fills and fills <= set(charts.PALETTE)


def test_inline_styles_become_presentation_attributes():
    svg = accessible_svg(
        '<svg width="1"><style>text{fill:red}</style><text style="font-weight: bold; fill: #000">a</text></svg>',
        "x",
        "T",
        "D",
    )
    assert "<style" not in svg and "style=" not in svg
    assert 'font-weight="bold"' in svg and 'fill="#000"' in svg


def test_unknown_chart_fails_with_file_and_line(shipped):
    source = "Title: T\n\nSome text.\n\n{chart no-such-chart}\n"
    with pytest.raises(ReferenceProblem, match=r"content/x\.md:5: unknown chart 'no-such-chart'"):
        render_markdown(
            "<p>Some text.</p>\n<p>{chart no-such-chart}</p>",
            source,
            "content/x.md",
            build_context(shipped),
        )


def test_a_chart_reference_becomes_the_trusted_block(shipped):
    html = render_markdown(
        "<p>{chart norfolk-people-by-locality}</p>",
        "{chart norfolk-people-by-locality}",
        "content/x.md",
        build_context(shipped),
    )
    page = BeautifulSoup(html, "lxml")
    assert page.select_one("figure#chart-norfolk-people-by-locality svg[role=img]")
    assert not page.select("p > figure")


REPORTS = {
    "norfolk-2023-market-position": ["spend-by-authority-and-year", "norfolk-people-by-locality"],
    "liverpool-2019-survey": ["liverpool-providers-by-support-type"],
}


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_reports_place_their_charts_with_table_and_downloads(report, built_site):
    page = BeautifulSoup((built_site / "reports" / report / "index.html").read_text(encoding="utf-8"), "lxml")
    assert [f["id"] for f in page.select("figure.chart")] == [f"chart-{c}" for c in REPORTS[report]]
    for chart_id in REPORTS[report]:
        figure = page.select_one(f"figure#chart-{chart_id}")
        drawn = chart_output.ChartSet(load_packages(DATA)).render(chart_id).drawn
        heading = figure.select_one("h3.chart-title")
        assert heading.get_text() == drawn.title and figure["aria-labelledby"] == heading["id"]
        assert figure.select_one("h3 + p.chart-subtitle").get_text() == drawn.subtitle
        assert len(figure.select(".chart-image > svg[role=img]")) == 2, "a wide and a phone drawing"
        assert figure.select_one("svg[role=img] title") and figure.select_one("svg desc")
        table = figure.select_one("details table")
        assert figure.select_one("details summary") and table.caption.get_text()
        assert all(th.get("scope") in ("col", "row") for th in table.select("th"))
        links = {a["href"]: a.get_text() for a in figure.select("ul.chart-downloads a")}
        for kind in ("csv", "svg", "png"):
            size = (built_site / "charts" / f"{chart_id}.{kind}").stat().st_size
            text = links[f"/charts/{chart_id}.{kind}"]
            assert text.endswith(f"({file_size(size)} {kind.upper()})")
        assert links[f"/charts/{chart_id}.csv"].startswith("Download the data for this chart (")
        button = figure.select_one("button.chart-explore")
        assert button.has_attr("hidden") and button["data-spec"] == f"/charts/{chart_id}.vl.json"
        assert button["data-spec-narrow"] == f"/charts/{chart_id}.narrow.vl.json"


def test_pages_carry_no_inline_script_or_style(built_site):
    for path in built_site.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        executable = [s for s in page.select("script") if s.get("type") != "application/ld+json"]  # JSON-LD is data
        assert all(script.get("src") and not script.string for script in executable), path
        assert page.select("style") == [] and page.select("[style]") == [], path


def test_explore_script_is_small_and_vendored_libraries_are_pinned_with_licences(built_site):
    import json

    ours = built_site / "theme" / "js" / "explore.js"
    assert ours.stat().st_size < 15 * 1024
    pins = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    for package, built in chart_output.VENDOR:
        copied = built_site / "vendor" / f"{package}.min.js"
        assert copied.read_bytes() == (ROOT / "node_modules" / package / built).read_bytes()
        assert (built_site / "vendor" / f"{package}-{pins[package]}-LICENSE.txt").exists()
    assert list((built_site / "vendor").glob("vega-interpreter-*-LICENSE.txt"))
    assert "cdn" not in ours.read_text() and "http" not in ours.read_text()


def test_no_chart_image_is_committed():
    from tests.conftest import run

    tracked = run("git", "ls-files").stdout.split()
    assert [p for p in tracked if p.endswith((".svg", ".png")) and "favicon" not in p] == []


def test_charts_at_150_authorities_keep_their_page_within_the_weight_budget(tmp_path):
    """At scale the chart is an image of its SVG file and the table shows its first rows."""
    from scripts.charts.render import INLINE_SVG_LIMIT, TABLE_ROW_LIMIT, ChartSet
    from scripts.datapackages import load_packages
    from scripts.tools.synthetic import write_site_inputs

    inputs = write_site_inputs(tmp_path, authorities=150, years=10, providers=300, reports=0)
    chart_set = ChartSet(load_packages(inputs["data"]))
    block = BeautifulSoup(chart_set.block_html("spend-by-authority-and-year"), "lxml")
    rendered = chart_set.render("spend-by-authority-and-year")
    assert len(rendered.svg.encode()) + len(rendered.narrow_svg.encode()) > INLINE_SVG_LIMIT
    image = block.select_one(".chart-image picture img")
    assert image["src"] == "/charts/spend-by-authority-and-year.narrow.svg" and image["alt"] == rendered.drawn.alt
    source = block.select_one(".chart-image picture source")
    assert source["srcset"] == "/charts/spend-by-authority-and-year.svg" and source["media"] == "(min-width: 45em)"
    assert not block.select(".chart-image svg")
    too_big = block.select_one(".chart-too-big")
    assert "too big to draw well" in too_big.get_text() and "1,501 rows" in too_big.get_text()
    assert too_big.select_one("a")["href"] == "/charts/spend-by-authority-and-year.csv"
    assert len(block.select(".chart-data tbody tr")) == TABLE_ROW_LIMIT
    assert f"first {TABLE_ROW_LIMIT} of 1,501 rows" in block.get_text()
    assert len(str(block).encode()) < 60 * 1024
    small = BeautifulSoup(chart_set.block_html("norfolk-people-by-locality"), "lxml")
    assert small.select_one(".chart-image svg[role=img]") and not small.select(".chart-too-big")


# --- the font: one, self-hosted, the same files for the renderer and the browser ------------------------------


def test_the_renderer_measures_with_the_site_font():
    """With the font registered, a wide letter measures wider than a narrow one: the renderer knows its metrics."""
    import altair as alt
    import pandas as pd
    import vl_convert

    chart_output.register_font()

    def width(text: str) -> float:
        frame = pd.DataFrame({"a": [text], "b": [1]})
        axis = alt.Axis(labelLimit=0, labelFontSize=20, ticks=False, domain=False, labelPadding=0)
        chart = alt.Chart(frame).mark_point().encode(y=alt.Y("a:N", axis=axis), x=alt.X("b:Q", axis=None))
        svg = vl_convert.vegalite_to_svg(chart.properties(width=0).configure(font=charts.FONT, padding=0).to_dict())
        return float(svg_tree(svg).find("svg")["width"])

    assert width("W" * 40) > 2 * width("i" * 40)


def test_the_renderers_fonts_draw_every_chart_as_the_published_faces_do(shipped, tmp_path):
    """The renderer measures and draws with only the faces a chart draws with (measuring_fonts): every drawing, SVG
    and PNG, is byte for byte what the package's twelve faces give, for the shipped charts (a sample of the council
    ones) and for text beyond Latin, which a face outside the folder could otherwise have drawn."""
    councils = [id for id in shipped.available() if id.startswith("council-")]
    ids = [id for id in shipped.available() if id not in councils] + councils[::25]
    beyond_latin = {
        "data": {
            "values": [{"name": name, "n": n} for n, name in enumerate(["Київ", "Ωμέγα", "Ŵales café", "½ – £1"])]
        },
        "mark": "bar",
        "encoding": {"y": {"field": "name", "type": "nominal"}, "x": {"field": "n", "type": "quantitative"}},
        "config": {"font": charts.FONT},
    }
    jobs = [job for id in ids for job in shipped.render(id).jobs] + [Job(json.dumps(beyond_latin), png=True)]
    ours = chart_output.measuring_fonts(tmp_path / "cache")
    assert sorted(p.name for p in ours.iterdir()) == sorted(f"SourceSansPro-{f}.ttf" for f in chart_output.CHART_FACES)
    assert chart_output.measuring_fonts(tmp_path / "cache") == ours  # made once
    spawn = multiprocessing.get_context("spawn")  # a process's fonts are its own: one process for each folder
    with ProcessPoolExecutor(1, mp_context=spawn) as published, ProcessPoolExecutor(1, mp_context=spawn) as measuring:
        theirs = published.map(drawing_cache.draw, jobs, repeat(str(chart_output.font_folder() / "TTF")))
        mine = measuring.map(drawing_cache.draw, jobs, repeat(str(ours)))
        drawn = list(zip(mine, theirs, strict=True))
    assert len(drawn) > 10 and all(a == b for a, b in drawn)
    assert "Київ" in drawn[-1][0].svg


def test_the_font_is_pinned_served_from_our_origin_and_named_by_the_css(built_site):
    import json

    pins = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert pins[chart_output.FONT_PACKAGE] == "3.6.0"
    package = json.loads((ROOT / "node_modules" / chart_output.FONT_PACKAGE / "package.json").read_text())
    assert package["license"] == "OFL-1.1"
    assert (built_site / "fonts" / f"{chart_output.FONT_PACKAGE}-3.6.0-LICENSE.txt").read_text().count("SIL Open Font")
    css = (built_site / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    faces = re.findall(r"@font-face \{([^}]*)\}", css)
    assert len(faces) == len(chart_output.FONT_FACES)
    for face in faces:
        assert f'font-family: "{charts.FONT_FAMILY}"' in face
        (url,) = re.findall(r'url\("([^"]+)"\)', face)
        assert url.startswith("../../fonts/") and (built_site / "theme" / "css" / url).resolve().is_file()
    served = ROOT / "node_modules" / chart_output.FONT_PACKAGE / "WOFF2" / "TTF" / "SourceSansPro-Regular.ttf.woff2"
    assert (built_site / "fonts" / "SourceSansPro-Regular.woff2").read_bytes() == served.read_bytes()
    assert re.search(r'body \{[^}]*font-family: "Source Sans Pro", sans-serif;', css)
    assert re.search(r'\.chart-svg text \{ font-family: "Source Sans Pro", sans-serif; \}', css)
    assert "http" not in css, "nothing loaded from another origin"


def test_svg_files_carry_the_font_so_they_draw_the_same_as_images(built_site):
    """Each SVG file holds the site's faces cut to the characters charts draw: every character of its text, each
    as wide as in the served font (so labels are laid out as measured), renamed as the Open Font License asks
    of a modified font (no Reserved Font Name), its copyright and licence kept."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    svg = (built_site / "charts" / "norfolk-people-by-locality.narrow.svg").read_text(encoding="utf-8")
    tree = svg_tree(svg)
    (style,) = tree.find_all("style")
    fonts = [TTFont(io.BytesIO(base64.b64decode(data))) for data in re.findall(r"base64,([A-Za-z0-9+/=]+)", style.text)]
    served = {face: TTFont(built_site / "fonts" / f"SourceSansPro-{face}.woff2") for face in ("Regular", "Bold")}
    assert sorted(font["name"].getDebugName(2) for font in fonts) == ["Bold", "Regular"]
    drawn = {ord(c) for text in tree.find_all("text") for c in text.get_text()}
    assert drawn and drawn <= set(chart_output.EMBEDDED_CHARACTERS)
    for font in fonts:
        original = served[font["name"].getDebugName(2)]
        cmap, widths = font.getBestCmap(), font["hmtx"].metrics
        assert set(cmap) == set(chart_output.EMBEDDED_CHARACTERS) & set(original.getBestCmap())
        assert drawn <= set(cmap)
        for code, glyph in cmap.items():
            assert widths[glyph] == original["hmtx"].metrics[original.getBestCmap()[code]], chr(code)
        for name_id in (1, 3, 4, 6, 16):
            assert "Source" not in (font["name"].getDebugName(name_id) or ""), name_id
        assert "Open Font License" in font["name"].getDebugName(13) and font["name"].getDebugName(0)
    assert len(style.text) < 40_000, "two subset faces weigh about 16 KB each in base64"
    rules = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", style.text)
    assert f"font-family:'{chart_output.EMBEDDED_FAMILY}'" in rules
    assert "http" not in rules, "nothing loaded from another origin"


def test_chart_html_comes_from_the_template():
    source = (ROOT / "scripts" / "charts" / "render.py").read_text(encoding="utf-8")
    assert not re.search(r"f['\"][^'\"]*<(figure|table|ul|li|details|button|p|a)\b", source), (
        "HTML belongs in _chart.html"
    )
    assert (ROOT / "theme" / "templates" / "_chart.html").exists()


def test_charts_state_the_threshold_the_build_validated_with(tmp_path):
    """A build with another suppression threshold: the survey chart and the data dictionary say the same counts."""
    from scripts.build import build

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "survey")
    shutil.copytree(ROOT / "tests" / "fixtures" / "charts" / "survey", data / "survey")  # counts, some [c]
    output = tmp_path / "output"
    build(output, data_dir=data, validation={"suppression_threshold": 3}, allow_incomplete_history=True)
    described = svg_tree((output / "charts" / "survey-answers-by-question.svg").read_text(encoding="utf-8"))
    assert "suppressed ([c], 1 to 2 people)" in described.find("desc").get_text()
    counts = output / "data" / "survey" / "answer_count" / "index.html"  # the counts file's page: its dictionary
    assert "Counts from 1 to 2 are published as [c]." in BeautifulSoup(
        counts.read_text(encoding="utf-8"), "lxml"
    ).get_text(" ", strip=True)
    drawn = ChartSet(load_packages(data), settings={"SUPPRESSION_THRESHOLD": 3}).render("survey-answers-by-question")
    assert drawn.drawn.subtitle.endswith("[c] marks a count of 1 to 2, suppressed")
