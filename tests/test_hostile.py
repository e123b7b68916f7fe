"""Hostile and careless input the fixture corpus cannot hold: links, limits, duplicates, the network, dates."""

from __future__ import annotations

import json
import socket

import pytest

from scripts.settings import default
from scripts.validate.command import CLI_SETTINGS, validate
from scripts.validate.content import check_dates
from tests.conftest import python
from tests.overlay import materialise

DEFAULTS = {name: default(name) for name in CLI_SETTINGS}


def problems(folder, engine=None, **settings):
    result = validate([folder], {**DEFAULTS, **settings, "columnar_threshold_bytes": engine})
    return [(p.line, p.field, p.code, p.message) for p in result.problems]


def test_a_symlink_leading_out_of_the_package_is_refused(tmp_path):
    folder = materialise("valid/minimal", tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text((folder / "spend.csv").read_text())
    (folder / "spend.csv").unlink()
    (folder / "spend.csv").symlink_to(secret)
    found = problems(folder)
    assert len(found) == 1
    line, _, code, message = found[0]
    assert code == "descriptor-error" and "must name a file inside the package folder" in message
    assert isinstance(line, int)


def test_two_packages_with_one_name_are_refused(tmp_path):
    first = materialise("valid/minimal", tmp_path / "a")
    second = materialise("valid/minimal", tmp_path / "b")
    result = validate([first, second], DEFAULTS)
    assert [(p.path, p.line, p.code) for p in result.problems] == [
        (str(second / "datapackage.json"), 2, "duplicate-package")
    ]
    assert "package name 'minimal' is already used by" in result.problems[0].message


@pytest.mark.parametrize("engine", [None, 0], ids=["frictionless", "columnar"])
def test_a_cell_over_the_limit_names_its_field_and_size_in_both_engines(tmp_path, engine):
    folder = materialise("valid/minimal", tmp_path)
    found = problems(folder, engine, max_cell_chars=13)
    assert found == [
        (3, "name", "cell-too-large", "the cell is 14 characters: the most allowed is 13 (setting max_cell_chars)"),
        (2, "title", "cell-too-large", "the cell is 37 characters: the most allowed is 13 (setting max_cell_chars)"),
    ]
    assert problems(folder, engine) == []


def test_a_long_description_and_a_large_descriptor_are_refused(tmp_path):
    folder = materialise("valid/minimal", tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["description"] = "x" * 60
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    message = "description is 60 characters: the most allowed is 50 (setting max_description_chars)"
    assert problems(folder, max_description_chars=50) == [(381, "description", "descriptor-error", message)]
    ((_, _, code, message),) = problems(folder, max_descriptor_bytes=100)
    assert code == "too-large" and message.endswith("the most allowed is 100 (setting max_descriptor_bytes)")


def test_nothing_is_fetched_for_remote_profiles_schemas_dialects_or_keys(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the validator tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in ("remote-profile", "remote-schema", "remote-dialect", "foreign-key-to-another-package"):
        found = problems(materialise(f"invalid/{name}", tmp_path))
        assert found and all(code == "descriptor-error" for _, _, code, _ in found), name


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "vbscript:x", "//evil.example", "http://"],
)
def test_links_in_the_data_are_web_or_mail_addresses_only(tmp_path, link):
    folder = materialise("invalid/link-not-a-web-address", tmp_path)
    (folder / "sources.csv").write_text(f'source_id,title,url\nfixture,Title,"{link}"\n')
    found = problems(folder)
    assert (2, "url", "link-error") in [(line, field, code) for line, field, code, _ in found]
    assert {line for line, *_ in found} == {2}


@pytest.mark.parametrize("link", ["https://example.org/a?b=c", "http://example.org", "mailto:team@example.org"])
def test_web_and_mail_links_pass(tmp_path, link):
    folder = materialise("invalid/link-not-a-web-address", tmp_path)
    (folder / "sources.csv").write_text(f"source_id,title,url\nfixture,Title,{link}\n")
    assert problems(folder) == []


@pytest.mark.parametrize(
    ("month", "valid"),
    [("2024-02", True), ("2023-00", False), ("2023-1", False), ("0999-01", False), ("2023-01-01", False)],
)
def test_months_are_real_in_both_engines(tmp_path, month, valid):
    folder = materialise("valid/minimal", tmp_path)
    text = (folder / "locality_share.csv").read_text().replace("E08000012,2023-01", f"E08000012,{month}")
    (folder / "locality_share.csv").write_text(text)
    found = problems(folder)
    assert found == problems(folder, 0)
    assert (found == []) == valid, found


def test_report_dates_in_content_are_real_dates(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "good.md").write_text("Title: Good\nDate: 2024-02-29\n\nText. Date: 2023-02-30\n")
    (tmp_path / "reports" / "bad.md").write_text("Title: Bad\nDate: 2023-02-30\nModified: yesterday\n\nText.\n")
    found = [(p.path.split("/")[-1], p.line, p.field, p.code) for p in check_dates(tmp_path)]
    assert found == [("bad.md", 2, "Date", "date-error"), ("bad.md", 3, "Modified", "date-error")]
    assert check_dates(__import__("tests.conftest").conftest.ROOT / "content") == []


def test_the_build_refuses_a_package_named_as_a_path_and_writes_nothing_outside(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    materialise("invalid/package-name-is-a-path", tmp_path).rename(data / "spend")
    result = python("-m", "scripts.build", "--output", str(tmp_path / "site" / "output"), "--data", str(data))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "package name '../../data/spend' must be lower-case" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "invalid"]


def test_an_unexpected_crash_is_a_message_naming_the_file_not_a_traceback(tmp_path, monkeypatch):
    from scripts.validate import command

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "check_rules", explode)
    folder = materialise("valid/minimal", tmp_path)
    result = validate([folder], DEFAULTS)
    (problem,) = result.problems
    assert problem.path == str(folder / "datapackage.json") and problem.code == "unchecked"
    assert "RuntimeError: boom" in problem.message
