"""Every page within the 100 KB budget at the benchmark's large size (``make bench``: 150 council areas).

The heaviest kind of page there is a directory list: every area in its filters, a full page of entries, and a
partial-list note per council. Here it is built with as many areas and a full page of entries, but fewer providers,
so the test stays quick; the rule is test_page_weight_budgets' (tests/test_directory.py): the HTML with the CSS and
JavaScript it loads."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from scripts.build import run_pelican
from scripts.settings import default
from scripts.tools.bench import SIZES, page_weight
from scripts.tools.synthetic import write_site_inputs

BUDGET = 100 * 1024


@pytest.fixture(scope="module")
def large_areas_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weight")
    large = SIZES["large"]
    inputs = write_site_inputs(folder, large.authorities, 2, large.authorities * 4, 2)
    output = folder / "output"
    run_pelican(
        output,
        {
            "DATA_DIR": str(inputs["data"]),
            "PATH": str(inputs["content"]),
            "GSS_CODES": str(inputs["gss_codes"]),
        },
    )
    return output


def weights(site) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): page_weight(site, p) for p in site.rglob("*.html")}


def test_every_page_at_the_large_size_keeps_within_the_weight_budget(large_areas_site):
    found = weights(large_areas_site)
    assert {page: w for page, w in found.items() if w > BUDGET} == {}
    heaviest = max((page for page in found if page.startswith("directory/")), key=found.get)
    listing = BeautifulSoup((large_areas_site / heaviest).read_text(encoding="utf-8"), "lxml")
    # the heaviest kind of page was built: a directory list naming every area, a full page of entries
    assert found[heaviest] > 0.8 * BUDGET, (heaviest, found[heaviest])
    assert len(listing.select('nav.filters a[data-facet="area"]')) >= SIZES["large"].authorities  # and the real ones
    assert len(listing.select("li.entry")) == default("directory_page_size")


def test_with_many_partial_lists_each_area_page_gives_its_own_note(large_areas_site):
    home = BeautifulSoup((large_areas_site / "directory/index.html").read_text(encoding="utf-8"), "lxml")
    (summary,) = home.select(".coverage-note")
    partial = re.match(r"For (\d+) council areas this list is partial", summary.get_text())
    assert partial and int(partial[1]) >= SIZES["large"].authorities
    assert not home.select(".coverage-area")
    area = BeautifulSoup(
        (large_areas_site / "directory/area/synthetic-authority-007/index.html").read_text(encoding="utf-8"), "lxml"
    )
    (note,) = area.select(".coverage-note")
    assert note["data-authority"] == "Synthetic authority 007" and "this list is partial" in note.get_text()
