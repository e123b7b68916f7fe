"""The validator: shipped data passes, and every fixture of the invalid corpus fails exactly as described."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.validate import command as validate
from tests.conftest import FIXTURES, PACKAGES, python, run

INVALID = "tests/fixtures/invalid"

# fixture folder -> the exact lines the validator prints before its summary
EXPECTED = {
    "wrong-type": ["spend.csv:3:amount_gbp: 'lots' is not a number"],
    "below-minimum": ["spend.csv:3:amount_gbp: -5 is below the minimum 0"],
    "bad-enum": ["organization.csv:3:status: 'open' is not one of: active, renamed, closed"],
    "bad-year": [
        "spend.csv:3:financial_year: '2022/23' does not match the pattern ^[0-9]{4}-[0-9]{2}$ (for example 2022-23)"
    ],
    "financial-year-not-consecutive": [
        "spend.csv:4:financial_year: '2023-25' is not a financial year: after 2023 comes 2024 (2023-24)"
    ],
    "missing-required-value": ["organization.csv:3:name: a value is required"],
    "duplicate-primary-key": [
        "spend.csv:4:authority_code,financial_year: duplicate key (E08000012, 2022-23): the same authority_code and financial_year as line 3"
    ],
    "broken-foreign-key": ["service.csv:3:organization_id: 'gamma' is not an id in organization.csv"],
    "unknown-source": ["organization.csv:3:source_id: unknown source 'made-up': it is not a source_id in sources.csv"],
    "shares-not-summing-to-100": [
        "locality_share.csv:2:share_percent: shares for authority_code=E10000020, month=2023-01 add up to 99, not 100 (±0.5); rows on lines 2, 3"
    ],
    "unsuppressed-small-count": [
        "answer_count.csv:3:count: 3 must be published as [c]: counts from 1 to 4 are suppressed"
    ],
    "formula-injection": [
        """organization.csv:3:name: '=HYPERLINK("http://example.com")' starts with '=', which a spreadsheet would run as a formula: reword the cell so it starts with a letter or digit"""
    ],
    "extra-column": [
        "spend.csv:1:notes: column 'notes' is not in the schema: remove it, or describe it in datapackage.json"
    ],
    "missing-column": [
        "spend.csv:1:authority_name: column 'authority_name' is missing: the header must be authority_code,authority_name,financial_year,amount_gbp,source_id"
    ],
    "columns-out-of-order": [
        "service.csv:1:organization_id: column 1 is 'organization_id' but the schema puts 'id' there: the header must be id,organization_id,name,source_id"
    ],
    "non-utf-8-file": [
        "organization.csv:3: not UTF-8: byte 0xe9 at column 9 cannot be decoded; save the file as UTF-8"
    ],
    "empty-file": ["service.csv:1: file is empty: it needs at least the header row"],
    "malformed-json-descriptor": ["datapackage.json:3: not valid JSON: Expecting ',' delimiter (column 3)"],
    "missing-csv": ["datapackage.json:176: resource 'service' names service.csv, which does not exist"],
    "unknown-field-type": [
        "datapackage.json:71:amount_gbp: resource 'spend': unknown field type 'money'; use one of string, number, integer, boolean, object, array, date, time, datetime, year, yearmonth, duration, geopoint, geojson, any"
    ],
    "unknown-gss-code": [
        "spend.csv:2:authority_code: 'E10000099' is not a known GSS code: check it against ONS, then add it to scripts/reference/gss-codes.csv"
    ],
    "blank-number": [
        "spend.csv:3:amount_gbp: blank: write the number, or [c] (suppressed), [x] (not available) or [z] (not applicable)"
    ],
    "wrong-type-after-multiline-cell": ["answer_count.csv:4:count: 'many' is not a whole number"],
    "resource-without-source": [
        "datapackage.json:114: resource 'organization' must cite a source: a source_id field with a foreign key to the sources resource"
    ],
    "several-errors": [
        "answer_count.csv:3:count: 2 must be published as [c]: counts from 1 to 4 are suppressed",
        "organization.csv:2:name: '@Alpha Trust' starts with '@', which a spreadsheet would run as a formula: reword the cell so it starts with a letter or digit",
        "organization.csv:3:status: 'open' is not one of: active, renamed, closed",
        "spend.csv:3:amount_gbp: -5 is below the minimum 0",
    ],
}


def test_every_invalid_fixture_has_an_expectation():
    folders = {p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)
    assert len(folders) >= 18


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_reports_file_line_field_and_message(name, capsys):
    code = validate.main([f"{INVALID}/{name}"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[:-1] == [f"{INVALID}/{name}/{line}" for line in EXPECTED[name]]
    errors = len(EXPECTED[name])
    assert lines[-1].endswith(
        f": {errors} error{'s' * (errors > 1)} in {len({e.split(':')[0] for e in EXPECTED[name]})} file{'s' * (len({e.split(':')[0] for e in EXPECTED[name]}) > 1)}."
    )


@pytest.mark.parametrize("name", ["minimal", "csv-with-bom", "header-only"])
def test_valid_fixture_passes(name, capsys):
    assert validate.main([f"tests/fixtures/valid/{name}"]) == 0
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


def test_broken_descriptor_is_a_message_not_a_traceback():
    result = python("-m", "scripts.validate", f"{INVALID}/malformed-json-descriptor", f"{INVALID}/unknown-field-type")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "Checked 2 packages (0 resources, 0 rows): 2 errors in 2 files."


def test_github_format_prints_annotations():
    result = python(
        "-m",
        "scripts.validate",
        "--format",
        "github",
        f"{INVALID}/below-minimum",
        f"{INVALID}/malformed-json-descriptor",
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


def test_json_report_lists_packages_resources_rows_and_problems(tmp_path, capsys):
    report_path = tmp_path / "report.json"
    assert validate.main(["--json", str(report_path), f"{INVALID}/several-errors", "data/spend"]) == 1
    report = json.loads(report_path.read_text())
    assert report["valid"] is False
    by_name = {p["name"]: p for p in report["packages"]}
    assert by_name["spend"]["valid"] is True
    assert by_name["spend"]["resources"] == [
        {"name": "spend", "path": "data/spend/spend.csv", "rows": 1, "valid": True},
        {"name": "sources", "path": "data/spend/sources.csv", "rows": 1, "valid": True},
    ]
    assert by_name["minimal"]["valid"] is False
    assert [p["code"] for p in report["problems"]] == [
        "unsuppressed-count",
        "formula-injection",
        "constraint-error",
        "constraint-error",
    ]
    assert report["problems"][-1] == {
        "path": f"{INVALID}/several-errors/spend.csv",
        "line": 3,
        "field": "amount_gbp",
        "message": "-5 is below the minimum 0",
        "code": "constraint-error",
        "column": None,
    }


def test_suppression_threshold_is_a_setting(capsys):
    # With a threshold of 3, a count of 3 may be published; 2 must still be suppressed.
    assert validate.main(["--suppression-threshold", "3", f"{INVALID}/unsuppressed-small-count"]) == 0
    assert validate.main(["--suppression-threshold", "3", f"{INVALID}/several-errors"]) == 1
    assert "counts from 1 to 2 are suppressed" in capsys.readouterr().out


def test_share_tolerance_is_a_setting():
    assert validate.main(["--share-tolerance", "1", f"{INVALID}/shares-not-summing-to-100"]) == 0


def test_gss_reference_file_is_a_setting(tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("code,name\nE10000099,Test county\nE08000012,Liverpool\nE10000020,Norfolk\n")
    assert validate.main(["--gss-codes", str(codes), f"{INVALID}/unknown-gss-code"]) == 0


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


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        validate.main(["--format", "xml"])
    assert stop.value.code == 2
