"""The validator: shipped data passes, and every fixture of the invalid corpus fails exactly as described."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.settings import default
from scripts.validate import command as validate
from tests.conftest import FIXTURES, PACKAGES, python, run
from tests.overlay import BASE, fixture_names, materialise, overlay_files

INVALID = "tests/fixtures/invalid"

# fixture folder -> what the validator reports, flattened to (file, line, field, code, message)
EXPECTED = {
    "absolute-path": [
        (
            "datapackage.json",
            43,
            None,
            "descriptor-error",
            "resource 'spend': path '/etc/passwd' must name a file inside the package folder (one file name: no folder, no URL, no absolute path, no '..', no symbolic link)",
        ),
    ],
    "active-content-path": [
        (
            "datapackage.json",
            111,
            None,
            "descriptor-error",
            "resource 'organization': path 'index.html' is not a data file: only .csv files are published (an HTML, SVG or script file would run in the browser)",
        ),
    ],
    "package-without-version": [
        (
            "datapackage.json",
            1,
            None,
            "descriptor-error",
            "the package has no version: add one like 1.0.0 (it becomes /data/<package>/<version>/)",
        ),
    ],
    "resource-name-taken-by-a-page": [
        (
            "datapackage.json",
            318,
            None,
            "descriptor-error",
            "resource name 'changelog' is taken by a page the site writes (/data/<package>/changelog/): choose another name",
        ),
    ],
    "media-type-not-csv": [
        (
            "datapackage.json",
            108,
            None,
            "descriptor-error",
            "resource 'spend': mediatype 'text/html' is not allowed: data files are text/csv",
        ),
    ],
    "encoding-not-utf-8": [
        (
            "datapackage.json",
            45,
            None,
            "descriptor-error",
            "resource 'spend': encoding 'latin-1' is not allowed: data files are utf-8",
        ),
    ],
    "paths-differing-only-in-case": [
        (
            "datapackage.json",
            111,
            None,
            "descriptor-error",
            "resource 'organization': path 'Spend.csv' is the same file name as 'spend.csv' (letter case aside): on many systems they are one file",
        ),
    ],
    "infinity-as-a-number": [
        (
            "spend.csv",
            2,
            "amount_gbp",
            "type-error",
            "'Infinity' is infinity, not a number: write the value in digits, or a symbol such as [x]",
        ),
    ],
    "nan-as-a-number": [
        (
            "spend.csv",
            3,
            "amount_gbp",
            "type-error",
            "'NaN' says 'not a number': write the value in digits, or a symbol such as [x]",
        ),
    ],
    "number-with-exponent": [
        (
            "spend.csv",
            2,
            "amount_gbp",
            "type-error",
            "'1e309' is not a number: write only the digits 0 to 9, with an optional sign and at most one decimal point (no spaces, exponent, underscore or other digits)",
        ),
    ],
    "number-with-spaces-or-underscore": [
        (
            "answer_count.csv",
            2,
            "count",
            "type-error",
            "'1_000' is not a whole number: write only the digits 0 to 9, with an optional sign (no spaces, exponent, underscore or other digits)",
        ),
        (
            "answer_count.csv",
            4,
            "count",
            "type-error",
            "' 0' is not a whole number: write only the digits 0 to 9, with an optional sign (no spaces, exponent, underscore or other digits)",
        ),
    ],
    "non-ascii-digits": [
        (
            "answer_count.csv",
            2,
            "count",
            "type-error",
            "'١٢' is not a whole number: write only the digits 0 to 9, with an optional sign (no spaces, exponent, underscore or other digits)",
        ),
        (
            "answer_count.csv",
            4,
            "count",
            "type-error",
            "'０' is not a whole number: write only the digits 0 to 9, with an optional sign (no spaces, exponent, underscore or other digits)",
        ),
    ],
    "date-with-non-ascii-digits": [
        (
            "sources.csv",
            2,
            "date_accessed",
            "type-error",
            "'２０２４-01-05' is not a date in the form YYYY-MM-DD: use only the digits 0 to 9",
        ),
    ],
    "csv-dialect-not-the-default": [
        (
            "datapackage.json",
            110,
            None,
            "descriptor-error",
            "resource 'spend': dialect commentChar '#' is not allowed: every file is read as plain CSV (comma, double quotes doubled, a header row, no comments), so the validator and the site read the same rows",
        ),
    ],
    "bidi-override-in-a-title": [
        (
            "datapackage.json",
            173,
            "title",
            "descriptor-error",
            "title holds the invisible character U+202E at position 15 (a direction override or zero-width character, which can make text read differently): remove it",
        ),
    ],
    "bad-enum": [
        ("organization.csv", 3, "status", "constraint-error", "'open' is not one of: active, renamed, closed"),
    ],
    "bad-year": [
        (
            "spend.csv",
            3,
            "financial_year",
            "constraint-error",
            "'2022/23' does not match the pattern ^[0-9]{4}-[0-9]{2}$ (for example 2022-23)",
        ),
    ],
    "below-minimum": [
        ("spend.csv", 3, "amount_gbp", "constraint-error", "-5 is below the minimum 0"),
    ],
    "blank-number": [
        (
            "spend.csv",
            3,
            "amount_gbp",
            "blank-number",
            "blank: write the number, or [c] (suppressed), [x] (not available) or [z] (not applicable)",
        ),
    ],
    "broken-foreign-key": [
        ("service.csv", 3, "organization_id", "foreign-key", "'gamma' is not an id in organization.csv"),
    ],
    "carriage-return-in-line": [
        (
            "spend.csv",
            3,
            "amount_gbp",
            "control-character",
            "a carriage return inside a line at column 32: remove it (it is invisible in most editors)",
        ),
    ],
    "columns-out-of-order": [
        (
            "service.csv",
            1,
            "organization_id",
            "column-order",
            "column 1 is 'organization_id' but the schema puts 'id' there: the header must be id,organization_id,name,source_id",
        ),
    ],
    "control-character": [
        (
            "spend.csv",
            3,
            "authority_name",
            "control-character",
            "the control character U+0000 at column 16: remove it (it is invisible in most editors)",
        ),
    ],
    "duplicate-primary-key": [
        (
            "spend.csv",
            4,
            "authority_code,financial_year",
            "primary-key",
            "duplicate key (E08000012, 2022-23): the same authority_code and financial_year as line 3",
        ),
    ],
    "empty-file": [
        ("service.csv", 1, None, "empty-file", "file is empty: it needs at least the header row"),
    ],
    "extra-column": [
        (
            "spend.csv",
            1,
            "notes",
            "extra-column",
            "column 'notes' is not in the schema: remove it, or describe it in datapackage.json",
        ),
    ],
    "financial-year-not-consecutive": [
        (
            "spend.csv",
            4,
            "financial_year",
            "financial-year",
            "'2023-25' is not a financial year: after 2023 comes 2024 (2023-24)",
        ),
    ],
    "foreign-key-to-another-package": [
        (
            "datapackage.json",
            227,
            None,
            "descriptor-error",
            "resource 'service': a foreign key may refer only to this package (nothing is fetched)",
        ),
    ],
    "formula-injection": [
        (
            "organization.csv",
            3,
            "name",
            "formula-injection",
            "'=HYPERLINK(\"http://example.com\")' starts with '=', which a spreadsheet would run as a formula: reword the cell so it starts with a letter or digit",
        ),
    ],
    "impossible-month": [
        ("locality_share.csv", 4, "month", "date-error", "'2023-13' is not a month in the form YYYY-MM"),
    ],
    "licence-not-a-web-address": [
        (
            "datapackage.json",
            7,
            None,
            "descriptor-error",
            "licenses[0].path: 'javascript:alert(document.cookie)' has 'javascript:': a link must start with https://, http:// or mailto:",
        ),
    ],
    "link-not-a-web-address": [
        (
            "sources.csv",
            2,
            "url",
            "link-error",
            "'javascript:alert(1)' has 'javascript:': a link must start with https://, http:// or mailto:",
        ),
    ],
    "malformed-json-descriptor": [
        ("datapackage.json", 3, None, "descriptor-error", "not valid JSON: Expecting ',' delimiter (column 3)"),
    ],
    "missing-column": [
        (
            "spend.csv",
            1,
            "authority_name",
            "missing-column",
            "column 'authority_name' is missing: the header must be authority_code,authority_name,financial_year,amount_gbp,source_id",
        ),
    ],
    "missing-csv": [
        ("datapackage.json", 176, None, "missing-file", "resource 'service' names service.csv, which does not exist"),
    ],
    "missing-required-value": [
        ("organization.csv", 3, "name", "constraint-error", "a value is required"),
    ],
    "nested-json": [
        (
            "datapackage.json",
            None,
            None,
            "too-deep",
            "nests objects and lists more than 32 deep (setting max_json_depth)",
        ),
    ],
    "non-utf-8-file": [
        (
            "organization.csv",
            3,
            None,
            "encoding-error",
            "not UTF-8: byte 0xe9 at column 9 cannot be decoded; save the file as UTF-8",
        ),
    ],
    "package-name-is-a-path": [
        (
            "datapackage.json",
            2,
            None,
            "descriptor-error",
            "package name '../../data/spend' must be lower-case letters, digits and hyphens, starting with a letter or digit (it becomes a folder and a web address)",
        ),
    ],
    "path-as-a-list": [
        (
            "datapackage.json",
            43,
            None,
            "descriptor-error",
            "resource 'spend': path must be one file name as text, not a list",
        ),
    ],
    "path-outside-package": [
        (
            "datapackage.json",
            43,
            None,
            "descriptor-error",
            "resource 'spend': path '../spend.csv' must name a file inside the package folder (one file name: no folder, no URL, no absolute path, no '..', no symbolic link)",
        ),
    ],
    "remote-dialect": [
        (
            "datapackage.json",
            108,
            None,
            "descriptor-error",
            "resource 'spend': dialect must be written out in the descriptor as an object, not text (nothing is fetched or read from elsewhere)",
        ),
    ],
    "remote-profile": [
        (
            "datapackage.json",
            382,
            None,
            "descriptor-error",
            "profile 'https://example.com/profile.json' is not allowed: use one of data-package, data-resource, tabular-data-package, tabular-data-resource (nothing is fetched from the network)",
        ),
    ],
    "remote-schema": [
        ("datapackage.json", 46, None, "descriptor-error", "resource 'spend' needs schema.fields"),
        (
            "datapackage.json",
            46,
            None,
            "descriptor-error",
            "resource 'spend': schema must be written out in the descriptor as an object, not text (nothing is fetched or read from elsewhere)",
        ),
    ],
    "resource-name-not-a-slug": [
        (
            "datapackage.json",
            42,
            None,
            "descriptor-error",
            "resource name 'Spend Data' must be lower-case letters, digits, hyphens and underscores, starting with a letter or digit (it becomes a folder and a web address)",
        ),
    ],
    "resource-without-source": [
        (
            "datapackage.json",
            114,
            None,
            "descriptor-error",
            "resource 'organization' must cite a source: a source_id field with a foreign key to the sources resource",
        ),
    ],
    "several-errors": [
        (
            "answer_count.csv",
            3,
            "count",
            "unsuppressed-count",
            "2 must be published as [c]: counts from 1 to 4 are suppressed",
        ),
        (
            "organization.csv",
            2,
            "name",
            "formula-injection",
            "'@Alpha Trust' starts with '@', which a spreadsheet would run as a formula: reword the cell so it starts with a letter or digit",
        ),
        ("organization.csv", 3, "status", "constraint-error", "'open' is not one of: active, renamed, closed"),
        ("spend.csv", 3, "amount_gbp", "constraint-error", "-5 is below the minimum 0"),
    ],
    "shares-not-summing-to-100": [
        (
            "locality_share.csv",
            2,
            "share_percent",
            "shares-sum",
            "shares for authority_code=E10000020, month=2023-01 add up to 99, not 100 (±0.5); rows on lines 2, 3",
        ),
    ],
    "shares-over-100-with-suppressed": [
        (
            "locality_share.csv",
            2,
            "share_percent",
            "shares-sum",
            "the published shares for authority_code=E10000020, month=2023-01 already add up to 110, over 100 (±0.5), before the ones shown as [c], [x] or [z]; rows on lines 2, 3, 4",
        ),
    ],
    "unclosed-quote": [
        (
            "organization.csv",
            2,
            "name",
            "multiline-cell",
            'a quoted cell runs over 3 lines, from line 2, but this field does not allow text over several lines: close the quote on that line (or, for text that is meant to span lines, mark the field "multiline": true in datapackage.json)',
        ),
        ("organization.csv", 2, "source_id", "constraint-error", "a value is required"),
        ("organization.csv", 2, "source_id", "missing-cell", "this row has fewer cells than the header has columns"),
        ("organization.csv", 2, "status", "constraint-error", "a value is required"),
        ("organization.csv", 2, "status", "missing-cell", "this row has fewer cells than the header has columns"),
        ("service.csv", 3, "organization_id", "foreign-key", "'beta' is not an id in organization.csv"),
    ],
    "unknown-field-type": [
        (
            "datapackage.json",
            71,
            "amount_gbp",
            "descriptor-error",
            "resource 'spend': unknown field type 'money'; use one of string, number, integer, boolean, object, array, date, time, datetime, year, yearmonth, duration, geopoint, geojson, any",
        ),
    ],
    "unknown-gss-code": [
        (
            "spend.csv",
            2,
            "authority_code",
            "unknown-gss-code",
            "'E10000099' is not a known GSS code: check it against ONS, then add it to scripts/reference/gss-codes.csv",
        ),
    ],
    "misspelt-website-source": [
        (
            "organization.csv",
            3,
            "website_source_id",
            "foreign-key",
            "unknown source 'fixtrue': it is not a source_id in sources.csv",
        ),
    ],
    "unknown-source": [
        (
            "organization.csv",
            3,
            "source_id",
            "foreign-key",
            "unknown source 'made-up': it is not a source_id in sources.csv",
        ),
    ],
    "unsuppressed-small-count": [
        (
            "answer_count.csv",
            3,
            "count",
            "unsuppressed-count",
            "3 must be published as [c]: counts from 1 to 4 are suppressed",
        ),
    ],
    "wrong-type": [
        ("spend.csv", 3, "amount_gbp", "type-error", "'lots' is not a number"),
    ],
    "wrong-type-after-multiline-cell": [
        ("answer_count.csv", 4, "count", "type-error", "'many' is not a whole number"),
    ],
}


def flatten(result, folder: Path) -> list[tuple]:
    """A result's problems as (file relative to the package, line, field, code, message)."""
    return [
        (Path(p.path).resolve().relative_to(folder.resolve()).as_posix(), p.line, p.field, p.code, p.message)
        for p in result.problems
    ]


def test_every_invalid_fixture_has_an_expectation():
    folders = {p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)
    assert len(folders) >= 18


def test_invalid_fixtures_hold_only_what_differs_from_the_base():
    for name in fixture_names("invalid") + fixture_names("valid"):
        for path in overlay_files(name) if name != "valid/minimal" else []:
            base = BASE / path.name
            assert not (base.exists() and base.read_bytes() == path.read_bytes()), f"{path} is a copy of the base"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_reports_file_line_field_and_message(name, tmp_path, capsys):
    folder = materialise(f"invalid/{name}", tmp_path)
    code = validate.main([str(folder)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    result = validate.validate([folder], {n: default(n) for n in validate.CLI_SETTINGS})
    assert flatten(result, folder) == EXPECTED[name]
    assert len(lines) == len(EXPECTED[name]) + 1
    for line, (file, number, field, _, message) in zip(lines, EXPECTED[name]):
        where = ":".join(str(part) for part in (file, number, field) if part is not None)
        assert line.endswith(f"{where}: {message}")
    errors = len(EXPECTED[name])
    files = len({e[0] for e in EXPECTED[name]})
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
