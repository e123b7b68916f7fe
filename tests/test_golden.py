"""The shipped site says what the golden snapshot records: the one test of today's values.

After a change to data/ or content/, run `make golden` and commit tests/golden/site.json with it.
"""

from __future__ import annotations

import json

from tests.golden import GOLDEN, snapshot


def test_the_site_says_what_the_golden_snapshot_records(built_site):
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = json.loads(json.dumps(snapshot(built_site)))
    assert current == recorded, "the site changed: run `make golden`, review tests/golden/site.json, commit it"


def test_the_snapshot_holds_figures_charts_directory_and_files():
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert recorded["headline"] and recorded["directory"]["entries"] and recorded["files"]
    assert any(page["figures"] for page in recorded["pages"].values())
    assert any(page["charts"] for page in recorded["pages"].values())
