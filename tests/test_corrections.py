"""Corrections checked against the stored sources (issue #23): each row says what its source prints.

These name rows by id on purpose: each is a fact we once published wrongly, kept from coming back."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, ROOT, read_csv

FIGURES = {row["id"]: row for row in read_csv(DATA / "council-figures" / "figure.csv")}
MEASURES = {row["id"]: row for row in read_csv(DATA / "council-figures" / "measure.csv")}
PROVIDER_SOURCES = {row["source_id"]: row for row in read_csv(DATA / "providers" / "sources.csv")}
NORFOLK_TEXT = ROOT.parent / "shared" / "sources" / "norfolk-mh-day-opportunities-market-position-2023.txt"


@pytest.mark.parametrize("figure", ["dudley-woodside-referrals", "dudley-woodside-attended"])
def test_the_woodside_figures_carry_the_year_both_reports_print(figure):
    # Shropshire Star and Stourbridge News: the Woodside Day Service "ran from April to June 2024".
    row = FIGURES[figure]
    assert (row["period_type"], row["period"]) == ("span", "2024-04/2024-06")
    assert "2024" in row["period_as_published"] and "not printed" not in row["period_as_published"]


def test_norfolks_681_is_a_snapshot_not_a_count_over_the_year():
    row = FIGURES["norfolk-people-2022-23"]
    measure = MEASURES[row["measure"]]
    assert "financial year" not in measure["name"] and "snapshot" in measure["definition"]
    assert (row["period_type"], row["period"]) == ("date", "2023-03")
    if NORFOLK_TEXT.exists():  # the council's page as stored: the words we quote are its words
        text = " ".join(NORFOLK_TEXT.read_text(encoding="utf-8").split())
        assert row["period_as_published"] in text and row["value_as_published"] in text


def test_the_pss_phone_source_says_which_years_report_it_is():
    phones = [row for row in read_csv(DATA / "providers" / "phone.csv") if row["organization_id"] == "pss"]
    assert phones
    for phone in phones:
        source = PROVIDER_SOURCES[phone["source_id"]]
        if "annual report" in source["title"].lower():
            assert "2019-20" in source["note"] and "31 March 2020" in source["note"], source["note"]
