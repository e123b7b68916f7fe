"""The site build: a real Pelican run into a temporary folder, written whole or not at all."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from scripts.build import BuildError, build
from tests.conftest import ROOT, python
from tests.overlay import materialise


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("site") / "output"
    warnings = build(output)
    assert [w.getMessage() for w in warnings] == []
    return output


def page(site, path="index.html") -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")


def test_home_page_is_built_in_british_english(site):
    home = page(site)
    assert home.html["lang"] == "en-GB"
    assert home.select_one("main#main-content h1").get_text()
    assert home.select_one("a.skip-link")["href"] == "#main-content"


def test_no_staging_folders_are_left_behind(site):
    published = site.readlink().name
    assert sorted(p.name for p in site.parent.iterdir()) == sorted([".output.lock", published, "output"])
    assert site.is_symlink() and published.startswith(".output-v")


def _previous_site(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the last good site")
    return output


def test_a_build_that_fails_half_way_leaves_the_previous_output(tmp_path):
    output = _previous_site(tmp_path)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    # Passes the checks before the build (a Template would not: content.py refuses it), fails inside Pelican.
    (content / "pages" / "broken.md").write_text("Title: Broken\n\nSpend was {figure spend/no-such-figure}.\n")
    with pytest.raises(BuildError, match="no-such-figure"):
        build(output, overrides={"PATH": str(content)})
    assert (output / "index.html").read_text() == "the last good site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"]


def test_invalid_data_stops_the_build_before_anything_is_written(tmp_path):
    output = _previous_site(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    materialise("invalid/below-minimum", tmp_path).rename(data / "spend")
    with pytest.raises(BuildError, match=r"spend\.csv:3:amount_gbp: -5 is below the minimum 0"):
        build(output, data_dir=data)
    assert (output / "index.html").read_text() == "the last good site"


def test_build_command_reports_failure_and_exit_code(tmp_path):
    result = python("-m", "scripts.build", "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").exists()
