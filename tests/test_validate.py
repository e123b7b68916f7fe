"""The validator: shipped data passes, and every fixture of the invalid corpus fails exactly as its ``expected.txt``
says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.settings import default
from scripts.validate import command as validate
from tests.conftest import FIXTURES, PACKAGES, python, run
from tests.overlay import BASE, EXPECTED, expectation, fixture_names, materialise, overlay_files, reported

INVALID = "tests/fixtures/invalid"

INVALID_NAMES = [name.removeprefix("invalid/") for name in fixture_names("invalid")]


def test_every_invalid_fixture_says_what_it_breaks():
    missing = [name for name in INVALID_NAMES if not (FIXTURES / "invalid" / name / EXPECTED).is_file()]
    assert missing == [], f"each fixture needs its {EXPECTED}: python -m tests.overlay --expected invalid/NAME"
    assert len(INVALID_NAMES) >= 18


def test_invalid_fixtures_hold_only_what_differs_from_the_base():
    for name in fixture_names("invalid") + fixture_names("valid"):
        for path in overlay_files(name) if name != "valid/minimal" else []:
            base = BASE / path.name
            assert not (base.exists() and base.read_bytes() == path.read_bytes()), f"{path} is a copy of the base"


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_invalid_fixture_reports_file_line_field_and_message(name, tmp_path, capsys):
    expected = expectation(f"invalid/{name}")
    assert expected, f"{name}/{EXPECTED} is empty: an invalid fixture must break something"
    folder = materialise(f"invalid/{name}", tmp_path)
    code = validate.main([str(folder)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    result = validate.validate([folder], {n: default(n) for n in validate.CLI_SETTINGS})
    assert reported(result, folder) == expected
    assert len(lines) == len(expected) + 1
    for line, wanted in zip(lines, expected):
        assert line.endswith(wanted.split(" ", 1)[1])
    errors, files = len(expected), len({p.path for p in result.problems})
    assert lines[-1].endswith(f": {errors} error{'s' * (errors > 1)} in {files} file{'s' * (files > 1)}.")


@pytest.mark.parametrize("name", ["minimal", "csv-with-bom", "header-only"])
def test_valid_fixture_passes(name, tmp_path, capsys):
    assert validate.main([str(materialise(f"valid/{name}", tmp_path))]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("Checked 1 package (6 resources, ") and line.endswith("): all valid.")


def test_shipped_data_is_valid():
    result = python("-m", "scripts.validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("all valid.")
    assert f"Checked {len(PACKAGES)} packages" in result.stdout


@pytest.mark.parametrize("package", PACKAGES)
def test_shipped_data_passes_upstream_frictionless_cli(package):
    frictionless = Path(__import__("sys").executable).parent / "frictionless"
    result = run(str(frictionless), "validate", f"data/{package}/datapackage.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout


def test_broken_descriptor_is_a_message_not_a_traceback(tmp_path):
    for name in ("malformed-json-descriptor", "unknown-field-type"):
        materialise(f"invalid/{name}", tmp_path, keep_path=True)
    result = python(
        "-m",
        "scripts.validate",
        f"{INVALID}/malformed-json-descriptor",
        f"{INVALID}/unknown-field-type",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "Checked 2 packages (0 resources, 0 rows): 2 errors in 2 files."


def test_github_format_prints_annotations(tmp_path):
    for name in ("below-minimum", "malformed-json-descriptor"):
        materialise(f"invalid/{name}", tmp_path, keep_path=True)
    result = python(
        "-m",
        "scripts.validate",
        "--format",
        "github",
        f"{INVALID}/below-minimum",
        f"{INVALID}/malformed-json-descriptor",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"::error file={INVALID}/below-minimum/spend.csv,line=3,title=constraint-error in amount_gbp::-5 is below the minimum 0",
        f"::error file={INVALID}/malformed-json-descriptor/datapackage.json,line=3,col=3,title=descriptor-error::not valid JSON: Expecting ',' delimiter (column 3)",
    ]


def test_github_annotation_escapes_newlines_and_commas():
    from scripts.validate.problems import Problem

    line = Problem("a,b.csv", 2, "f", "50% bad\nvalue", "x").github()
    assert line == "::error file=a%2Cb.csv,line=2,title=x in f::50%25 bad%0Avalue"


def test_json_report_lists_packages_resources_rows_and_problems(tmp_path):
    report_path = tmp_path / "report.json"
    several = materialise("invalid/several-errors", tmp_path)
    assert validate.main(["--json", str(report_path), str(several), "data/spend"]) == 1
    report = json.loads(report_path.read_text())
    assert report["valid"] is False
    by_name = {p["name"]: p for p in report["packages"]}
    assert by_name["spend"]["valid"] is True
    assert by_name["spend"]["resources"] == [
        {"name": "spend", "path": "data/spend/spend.csv", "rows": 1, "valid": True},
        {"name": "sources", "path": "data/spend/sources.csv", "rows": 1, "valid": True},
    ]
    assert by_name["several-errors"]["valid"] is False
    assert [p["code"] for p in report["problems"]] == [
        "unsuppressed-count",
        "formula-injection",
        "constraint-error",
        "constraint-error",
    ]
    assert report["problems"][-1] == {
        "path": f"{several}/spend.csv",
        "line": 3,
        "field": "amount_gbp",
        "message": "-5 is below the minimum 0",
        "code": "constraint-error",
        "column": None,
    }


def test_suppression_threshold_is_a_setting(tmp_path, capsys):
    # With a threshold of 3, a count of 3 may be published; 2 must still be suppressed.
    small = materialise("invalid/unsuppressed-small-count", tmp_path)
    assert validate.main(["--suppression-threshold", "3", str(small)]) == 0
    assert validate.main(["--suppression-threshold", "3", str(materialise("invalid/several-errors", tmp_path))]) == 1
    assert "counts from 1 to 2 are suppressed" in capsys.readouterr().out


def test_share_tolerance_is_a_setting(tmp_path):
    folder = materialise("invalid/shares-not-summing-to-100", tmp_path)
    assert validate.main(["--share-tolerance", "1", str(folder)]) == 0


def test_gss_reference_file_is_a_setting(tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("code,name\nE10000099,Test county\nE08000012,Liverpool\nE10000020,Norfolk\n")
    folder = materialise("invalid/unknown-gss-code", tmp_path)
    assert validate.main(["--gss-codes", str(codes), str(folder)]) == 0


def test_a_gss_reference_file_that_cannot_be_used_is_named_and_no_package_is_checked(tmp_path, capsys):
    """Every council code is checked against the reference file: one that is missing, a folder, not UTF-8 or without
    a code column is the one problem, named with its path, not a fault in the package ("please report")."""
    folder = materialise("invalid/unknown-gss-code", tmp_path)
    no_codes, not_utf8 = tmp_path / "names.csv", tmp_path / "latin1.csv"
    no_codes.write_text("name\nNorfolk\n", encoding="utf-8")
    not_utf8.write_bytes(("code,name\n" + "E10000020,Norfolk\n" * 2000 + "E10000021,Norfolk \xe9\n").encode("latin-1"))
    cases = {
        tmp_path / "missing.csv": "could not be read (No such file or directory)",
        tmp_path: "could not be read (Is a directory)",
        no_codes: "has no 'code' column (it has 'name')",
        not_utf8: "could not be read ('utf-8' codec can't decode",
    }
    for path, words in cases.items():
        assert validate.main(["--gss-codes", str(path), str(folder)]) == 1
        out = capsys.readouterr().out
        assert out.startswith(f"{path}") and words in out and "please report" not in out, out
        assert "no package was checked" in out and "Checked 0 packages" in out


def test_line_numbers_follow_the_editor_when_a_cell_spans_lines(tmp_path, capsys):
    folder = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "valid" / "minimal", folder)
    (folder / "organization.csv").write_text(
        'id,name,status,source_id\nalpha,"Alpha\nTrust\nof three lines",active,fixture\nbeta,Beta,gone,fixture\n'
    )
    assert validate.main([str(folder)]) == 1
    assert ":5:status: 'gone' is not one of" in capsys.readouterr().out


def test_default_is_every_package_under_data(capsys):
    assert validate.main([]) == 0
    assert capsys.readouterr().out.startswith(f"Checked {len(PACKAGES)} packages")


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as stop:
        validate.main(["--format", "xml"])
    assert stop.value.code == 2


def test_schema_patterns_share_one_duckdb_across_checks_and_threads(monkeypatch):
    """Making a DuckDB database takes about 12 ms, and a schema may have a pattern on every field: the validator
    makes one per process, usable again after a pattern it refused, and from any thread."""
    import threading

    import duckdb

    from scripts.validate import re2

    made, connect = [], duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda **kwargs: made.append(kwargs) or connect(**kwargs))
    re2._connection.cache_clear()
    try:
        assert re2.pattern_problem("^[a-z") is not None
        assert re2.pattern_problem("^[a-z]+$") is None
        cells = [(line, "ab" if line % 3 else "a1") for line in range(2, 302)]
        results = []
        threads = [threading.Thread(target=lambda: results.append(re2.not_matching("[a-z]+", cells))) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [[(line, "a1") for line in range(3, 302, 3)]] * 4
        assert len(made) == 1
    finally:
        re2._connection.cache_clear()
