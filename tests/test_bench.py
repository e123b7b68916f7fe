"""The benchmark's inputs and report. Speed itself is measured by `make bench`, never asserted in a test."""

from __future__ import annotations

import json
import subprocess

from scripts.tools.bench import SIZES, Measure, report
from scripts.tools.synthetic import MARK, write_site_inputs
from scripts.validate.command import CLI_SETTINGS, SETTINGS, validate
from tests.conftest import DATA, ROOT


def test_synthetic_inputs_are_valid_marked_and_kept_out_of_data(tmp_path):
    before = subprocess.run(
        ["git", "status", "--porcelain", "--", "data", "content"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    inputs = write_site_inputs(tmp_path, authorities=3, years=2, providers=20, reports=2, transactions=500)
    settings = {**{n: SETTINGS[n].default for n in CLI_SETTINGS}, "gss_codes": inputs["gss_codes"]}
    result = validate(sorted(p.parent for p in inputs["data"].glob("*/datapackage.json")), settings)
    assert result.valid, [p.text() for p in result.problems]
    for descriptor in inputs["data"].glob("*/datapackage.json"):
        assert MARK in json.loads(descriptor.read_text())["title"]
    assert "SYNTHETIC" in (inputs["content"] / "reports" / "synthetic-0000.md").read_text()
    after = subprocess.run(
        ["git", "status", "--porcelain", "--", "data", "content"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    assert after == before
    assert not list(DATA.glob("transactions*"))


def test_report_prints_a_table_per_size_and_the_budgets():
    stages = {name: Measure(2.0, 100) for name in ("validate", "charts", "pages", "search index", "total (make site)")}
    result = {
        "stages": stages,
        "html_pages": 1000,
        "rebuild": Measure(1.0, 90),
        "bare": Measure(4.0, 50),
        "heaviest_page_kb": 80.0,
    }
    large = {
        **result,
        "size": SIZES["large"],
        "stages": {**stages, "total (make site)": Measure(30.0, 1100)},
        "rows_check": {"rows": 1_000_000, "ours": Measure(5.0, 500), "frictionless": Measure(50.0, 200)},
    }
    text = report([{**result, "size": SIZES["small"]}, large])
    assert "## small: 15 authorities x 10 years, 500 providers, 20 reports" in text
    assert "| full build, 5,000 providers (s)          | <= 20   | 30.0     | NO  |" in text
    assert "| growth, 10x entries (time ratio)         | <= 11   | 15.0     | NO  |" in text
    assert "| validation speed vs frictionless CLI (x) | >= 5    | 10.0     | yes |" in text
    assert "| peak memory, 5,000-provider build (MB)   | <= 1024 | 1100.0   | NO  |" in text
    assert "upstream `frictionless validate` 50.0 s (20,000 rows/s): 10.0x" in text
