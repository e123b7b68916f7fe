"""The build's cache (scripts/build_cache.py) is used only for byte-for-byte the same inputs: any change to a data
file, a link, a validation setting, the GSS codes or the code checks the data again, and any change to a page
indexes the site again. A kept pass never hides a problem."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scripts import build as build_module
from scripts import fingerprint
from scripts.build import BuildError, index_search, validate_data
from scripts.build_cache import BuildCache
from scripts.settings import validation_settings
from tests.conftest import DATA

SPEND = Path("day-care-spend") / "spend.csv"


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def refuse(*_args, **_kwargs):
    raise AssertionError("checked again although the cache holds a pass for these very files")


def test_a_kept_pass_is_used_for_the_same_files_and_never_hides_a_problem(data, tmp_path, monkeypatch):
    cache = BuildCache(tmp_path / "cache")
    validate_data(data, cache=cache)
    assert len(list((tmp_path / "cache").glob("valid-*"))) == 1

    spend = data / SPEND
    original = spend.read_bytes()
    header, first, rest = original.split(b"\n", 2)
    spend.write_bytes(b"\n".join([header, b"X" + first[1:], rest]))  # the first row's authority code, not a code
    with pytest.raises(BuildError, match=r"spend\.csv:2:authority_code: 'X09000002' does not match the pattern"):
        validate_data(data, cache=cache)

    spend.write_bytes(original)  # the files of the kept pass again: not checked a second time
    with monkeypatch.context() as patched:
        patched.setattr(build_module, "validate", refuse)
        validate_data(data, cache=cache)


@pytest.mark.parametrize(
    "change",
    [
        "a byte of a CSV",
        "a file added",
        "a file renamed",
        "a file made a link to the same bytes",
        "a validation setting",
        "the GSS codes file",
    ],
)
def test_any_change_to_what_the_check_reads_gives_another_key(change, data, tmp_path):
    cache = BuildCache(tmp_path / "cache")
    gss = tmp_path / "gss.csv"
    shutil.copyfile(validation_settings()["gss_codes"], gss)
    settings = validation_settings({"gss_codes": gss})
    before = cache.verdict_key(data, settings)
    spend = data / SPEND
    if change == "a byte of a CSV":
        content = bytearray(spend.read_bytes())
        content[-2] = ord("0") if content[-2] != ord("0") else ord("1")
        spend.write_bytes(bytes(content))
    elif change == "a file added":
        (data / "day-care-spend" / "notes.txt").write_text("x")
    elif change == "a file renamed":
        spend.rename(spend.with_name("spend2.csv"))
    elif change == "a file made a link to the same bytes":
        shutil.copyfile(spend, tmp_path / "spend.csv")
        spend.unlink()
        os.symlink(tmp_path / "spend.csv", spend)
    elif change == "a validation setting":
        settings = {**settings, "suppression_threshold": settings["suppression_threshold"] + 1}
    else:
        gss.write_bytes(gss.read_bytes() + b"E99999999\n")
    assert cache.verdict_key(data, settings) != before


def test_no_cache_folder_keeps_nothing_and_always_checks(data, monkeypatch):
    validate_data(data, cache=BuildCache(None))
    monkeypatch.setattr(build_module, "validate", refuse)
    with pytest.raises(AssertionError, match="checked again"):
        validate_data(data, cache=BuildCache(None))


def _site(folder: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"<html lang='en'><body><main data-pagefind-body><p>{text}</p></main></body></html>")
    return folder


def test_the_search_index_is_kept_for_the_same_pages_only(tmp_path, monkeypatch):
    cache = BuildCache(tmp_path / "cache")
    pages = {"reports/a/index.html": "day services", "reports/b/index.html": "peer support groups"}
    first = _site(tmp_path / "first", pages)
    index_search(first, cache)
    key = cache.search_key(first)

    second = _site(tmp_path / "second", pages)
    (second / "notes.txt").write_text("not a page: Pagefind does not read it")
    assert cache.search_key(second) == key
    with monkeypatch.context() as patched:
        patched.setattr(build_module, "index_site", refuse)
        index_search(second, cache)
    assert fingerprint.folder(second / "pagefind") == fingerprint.folder(first / "pagefind")

    third = _site(tmp_path / "third", {**pages, "reports/b/index.html": "peer support group"})
    assert cache.search_key(third) != key
    index_search(third, cache)  # indexed afresh; only the newest index is kept
    assert [p.name for p in (tmp_path / "cache").glob("search-*")] == [f"search-{cache.search_key(third)}"]


def test_a_cache_that_cannot_be_written_never_fails_the_build(data, tmp_path):
    """The cache is a saving, not a step: a cache path that cannot hold a folder (a file, as a full or read-only
    disk would refuse it) leaves the check and the index to run every time, and nothing fails."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    cache = BuildCache(blocked)
    validate_data(data, cache=cache)
    site = _site(tmp_path / "site", {"reports/a/index.html": "day services"})
    index_search(site, cache)
    assert (site / "pagefind" / "pagefind.js").is_file() and blocked.is_file()


def test_two_builds_keeping_the_same_index_leave_one_whole_copy(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    pages = {"reports/a/index.html": "day services"}
    first, second = _site(tmp_path / "first", pages), _site(tmp_path / "second", pages)
    index_search(first, cache)
    key = cache.search_key(first)
    shutil.copytree(first / "pagefind", second / "pagefind")
    cache.keep_search(key, second)  # as a second build finishing with the same pages would
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [f"search-{key}"]
    assert fingerprint.folder(tmp_path / "cache" / f"search-{key}") == fingerprint.folder(first / "pagefind")
