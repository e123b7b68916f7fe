"""Preview: one changed Markdown page rebuilt into an existing full build, the same page a full build makes."""

from __future__ import annotations

import shutil

import pytest

from scripts.build import BuildError, build
from scripts.preview import main, preview
from tests.conftest import ROOT

REPORT = "reports/norfolk-2023-market-position/index.html"


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    build(tmp_path / "output", overrides={"PATH": str(content)})
    return tmp_path / "output", content


def test_preview_writes_the_page_a_full_build_would(site, tmp_path):
    output, content = site
    source = content / "reports" / "norfolk-2023-market-position.md"
    source.write_text(source.read_text().replace("This page summarises it", "This page sums it up"))
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    written = preview(source, output, content)
    assert written == [output / REPORT]
    assert "This page sums it up" in (output / REPORT).read_text()
    build(tmp_path / "full", overrides={"PATH": str(content)})
    assert (output / REPORT).read_bytes() == (tmp_path / "full" / REPORT).read_bytes()
    changed = [p for p, data in before.items() if p.read_bytes() != data]
    assert changed == [output / REPORT]


def test_preview_reuses_chart_files_only_when_the_spec_is_the_same(site):
    output, content = site
    source = content / "reports" / "norfolk-2023-market-position.md"
    svg = output / "charts" / "norfolk-people-by-locality.svg"
    svg.write_text(svg.read_text().replace("<desc", '<desc data-reused="yes"', 1))
    preview(source, output, content)
    assert 'data-reused="yes"' in (output / REPORT).read_text()
    spec = output / "charts" / "norfolk-people-by-locality.vl.json"
    spec.write_text(spec.read_text() + "\n")  # a spec that differs by one byte is not the same chart
    preview(source, output, content)
    assert 'data-reused="yes"' not in (output / REPORT).read_text()


def test_preview_needs_a_full_build_first(tmp_path):
    with pytest.raises(BuildError, match="run `make site` first"):
        preview(ROOT / "content" / "pages" / "about.md", tmp_path / "empty", ROOT / "content")


def test_preview_of_a_broken_reference_fails_with_file_and_line(site):
    output, content = site
    source = content / "pages" / "about.md"
    source.write_text(source.read_text() + "\nSpend: {figure spend/nowhere}\n")
    with pytest.raises(BuildError, match=r"about\.md:\d+: unknown figure 'spend/nowhere'"):
        preview(source, output, content)


def test_preview_names_every_bad_reference_once_by_the_file_edited(site, capsys):
    output, content = site
    source = content / "pages" / "about.md"
    text = source.read_text()
    source.write_text(text + "\nSpend: {figure spend/nowhere}\n\nAnd {figure council-figures/no-such-row}.\n")
    lines = text.count("\n") + 1
    assert main([str(source), "--output", str(output), "--content", str(content)]) == 1
    errors = capsys.readouterr().err.splitlines()
    expected = [
        f"build failed: {source}:{lines + 1}: unknown figure 'spend/nowhere'",
        f"build failed: {source}:{lines + 3}: figure 'council-figures/no-such-row'",
    ]
    assert len(errors) == len(expected), errors  # each once, Pelican's "Could not process" left out
    for error, start in zip(errors, expected, strict=True):
        assert error.startswith(start), error


def test_preview_of_a_repository_file_names_it_by_its_repository_path():
    from scripts.formats import shown_path

    assert shown_path(ROOT / "content" / "pages" / "about.md") == "content/pages/about.md"
    assert shown_path("/elsewhere/about.md") == "/elsewhere/about.md"
