"""Upstream refresh, against a real HTTP server on 127.0.0.1 serving a valid-unchanged, a valid-changed and a broken file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts import refresh
from tests.browser import serve
from tests.conftest import DATA, FIXTURES, descriptor

SPEND = (FIXTURES / "valid" / "minimal" / "spend.csv").read_bytes()
FILES = {
    "unchanged.csv": SPEND,
    "changed.csv": SPEND.replace(b"Norfolk,2022-23,100,", b"Norfolk,2022-23,150,"),
    "broken.csv": SPEND.replace(b"Norfolk,2022-23,100,", b"Norfolk,2022-23,-5,"),
}

NOTHING_CHANGED = "Nothing was changed: a descriptor or an upstream file is invalid, or a file could not be downloaded."


@pytest.fixture
def upstream_url(tmp_path):
    """A local web server for the test's upstream files; stopped when the test ends."""
    served = tmp_path / "served"
    served.mkdir()
    for name, content in FILES.items():
        (served / name).write_bytes(content)
    with serve(served) as url:
        yield url


def data_dir(tmp_path: Path, upstream: dict[str, str]) -> Path:
    """A copy of the minimal valid package; resource name -> upstream URL."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid" / "minimal", data / "minimal")
    path = data / "minimal" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["name"] in upstream:
            resource[refresh.UPSTREAM] = {"url": upstream[resource["name"]]}
    path.write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    return data


def run_refresh(data: Path, tmp_path: Path, capsys) -> tuple[int, list[str], str]:
    code = refresh.main(
        ["--data-dir", str(data), "--summary", str(tmp_path / "summary.md"), "--allow-host", "127.0.0.1"]
    )
    return code, capsys.readouterr().out.splitlines(), (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_valid_unchanged_upstream_changes_nothing(tmp_path, upstream_url, capsys):
    data = data_dir(tmp_path, {"spend": f"{upstream_url}/unchanged.csv"})
    code, out, summary = run_refresh(data, tmp_path, capsys)
    assert code == 0
    assert out[-1] == "Checked 1 upstream file: all valid, none changed."
    assert (data / "minimal" / "spend.csv").read_bytes() == SPEND
    assert f"| `{upstream_url}/unchanged.csv` | unchanged |" in summary


def test_valid_changed_upstream_is_written_into_the_data(tmp_path, upstream_url, capsys):
    data = data_dir(tmp_path, {"spend": f"{upstream_url}/changed.csv"})
    code, out, summary = run_refresh(data, tmp_path, capsys)
    assert code == 0
    assert out[-1] == "Checked 1 upstream file: all valid, 1 changed and written to data/."
    assert (data / "minimal" / "spend.csv").read_bytes() == FILES["changed.csv"]
    assert "| changed |" in summary


def test_broken_upstream_fails_with_its_errors_and_changes_nothing(tmp_path, upstream_url, capsys):
    data = data_dir(tmp_path, {"spend": f"{upstream_url}/broken.csv"})
    code, out, summary = run_refresh(data, tmp_path, capsys)
    assert code == 1
    assert f"  {upstream_url}/broken.csv:2:amount_gbp: -5 is below the minimum 0" in out
    assert out[-1] == NOTHING_CHANGED
    assert (data / "minimal" / "spend.csv").read_bytes() == SPEND
    assert "-5 is below the minimum 0" in summary


def test_one_broken_upstream_stops_every_change(tmp_path, upstream_url, capsys):
    data = data_dir(tmp_path, {"spend": f"{upstream_url}/changed.csv", "locality_share": f"{upstream_url}/broken.csv"})
    before = {p.name: p.read_bytes() for p in (data / "minimal").iterdir()}
    code, _, _ = run_refresh(data, tmp_path, capsys)
    assert code == 1
    assert {p.name: p.read_bytes() for p in (data / "minimal").iterdir()} == before


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '{\n  "name": "other",\n  "resources": [,]\n}\n',
            "datapackage.json:3: not valid JSON: Expecting value (column 17)",
        ),
        ("[]\n", "datapackage.json:1: a descriptor is a JSON object, not list"),
        ('{"name": "caf\xe9"}'.encode("latin-1"), "datapackage.json: not UTF-8: save the descriptor as UTF-8"),
    ],
)
def test_a_broken_descriptor_elsewhere_is_one_line_naming_it_and_the_summary_is_written(
    tmp_path, upstream_url, capsys, text, error
):
    data = data_dir(tmp_path, {"spend": f"{upstream_url}/changed.csv"})
    (data / "other").mkdir()
    broken = data / "other" / "datapackage.json"
    broken.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, out, summary = run_refresh(data, tmp_path, capsys)
    assert code == 1
    shown = [line for line in out if error in line]
    assert shown == [f"  {broken.parent}/{error}"], out  # one line, no traceback
    assert out[-1] == NOTHING_CHANGED
    assert (data / "minimal" / "spend.csv").read_bytes() == SPEND  # the valid change waits for the fix
    assert error in summary and "| invalid |" in summary


def test_a_missing_upstream_file_fails_and_changes_nothing(tmp_path, upstream_url, capsys):
    data = data_dir(tmp_path, {"spend": f"{upstream_url}/gone.csv"})
    code, out, _ = run_refresh(data, tmp_path, capsys)
    assert code == 1
    assert any("could not download: HTTP Error 404" in line for line in out)
    assert (data / "minimal" / "spend.csv").read_bytes() == SPEND


def test_only_web_addresses_are_fetched(tmp_path, capsys):
    data = data_dir(tmp_path, {"spend": (FIXTURES / "invalid" / "below-minimum" / "spend.csv").as_uri()})
    code, out, _ = run_refresh(data, tmp_path, capsys)
    assert code == 1 and any("must be http or https" in line for line in out)


def test_without_upstreams_there_is_nothing_to_do(tmp_path, capsys):
    code, out, _ = run_refresh(data_dir(tmp_path, {}), tmp_path, capsys)
    assert code == 0 and out == ["No resource declares an upstream file (x-upstream): nothing to refresh."]


def test_shipped_data_declares_no_invented_upstream():
    # No council publishes these tables as a CSV today; add x-upstream only with a real URL.
    declared = [
        r["name"]
        for p in DATA.glob("*/datapackage.json")
        for r in descriptor(p.parent.name)["resources"]
        if refresh.UPSTREAM in r
    ]
    assert declared == []
