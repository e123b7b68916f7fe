"""Builds refuse to publish wrong history: a shallow clone or a missing release tag fails with the command that fixes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from scripts.build import FIX_HISTORY, check_history
from scripts.catalogue.versions import version_key
from tests.conftest import DATA, ROOT, python

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(folder, *args):
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def set_version(repo, version):
    path = repo / "data" / "spend" / "datapackage.json"
    descriptor = json.loads(path.read_text())
    descriptor["version"] = version
    path.write_text(json.dumps(descriptor, indent=2) + "\n")


@pytest.fixture
def repo(tmp_path):
    """A repository with the spend package at 1.0.0 (tagged), then 1.1.0 and 1.2.0 (untagged, current)."""
    repo = tmp_path / "repo"
    shutil.copytree(DATA / "spend", repo / "data" / "spend")
    git(repo, "init", "-q", "-b", "main")
    set_version(repo, "1.0.0")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "1.0.0")
    git(repo, "tag", "spend-v1.0.0")
    for version in ("1.1.0", "1.2.0"):
        set_version(repo, version)
        git(repo, "commit", "-q", "-am", version)
    return repo


def test_a_version_in_the_history_without_its_tag_is_named_with_the_fix(repo):
    (problem,) = check_history(repo / "data")
    assert "version 1.1.0 is in the history but its tag spend-v1.1.0 is missing" in problem
    assert FIX_HISTORY in problem
    git(repo, "tag", "spend-v1.1.0", "HEAD~1")
    assert check_history(repo / "data") == []  # the current version needs no tag yet


def test_a_shallow_clone_is_refused_with_the_command_that_fixes_it(repo, tmp_path):
    git(repo, "tag", "spend-v1.1.0", "HEAD~1")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    (problem,) = check_history(shallow / "data")
    assert "this clone is shallow" in problem and f"`{FIX_HISTORY}`" in problem
    result = python("-m", "scripts.build", "--data", str(shallow / "data"), "--output", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"`{FIX_HISTORY}`" in result.stderr and not (tmp_path / "out").exists()
    # Fixed as the message says, the history is complete.
    git(shallow, "fetch", "-q", "--unshallow", "--tags")
    assert check_history(shallow / "data") == []


def test_a_clone_without_tags_is_refused(repo, tmp_path):
    bare = tmp_path / "no-tags"
    git(tmp_path, "clone", "-q", "--no-tags", f"file://{repo}", str(bare))
    problems = check_history(bare / "data")
    assert [p.split(" is in the history")[0].split(": ")[-1] for p in problems] == ["version 1.0.0", "version 1.1.0"]


def test_outside_a_git_checkout_there_is_no_history_to_be_wrong(tmp_path):
    shutil.copytree(DATA / "spend", tmp_path / "data" / "spend")
    assert check_history(tmp_path / "data") == []


def test_the_shipped_repository_has_its_history():
    assert check_history(DATA) == [], "run: git fetch --unshallow --tags"


def test_versions_have_one_order_for_releases_and_the_history_check():
    """Semantic Versioning's precedence, in scripts/catalogue/versions.py, used by both."""
    ordered = [
        "draft",  # no version number: before every version
        "0.9.0",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.1",
        "1.9.0",
        "1.10.0",
        "2",
    ]
    for shuffled in (ordered[::-1], ordered[1::2] + ordered[::2]):
        assert sorted(shuffled, key=version_key) == ordered
    assert version_key("1.0.0+build.5") == version_key("1.0.0") == version_key("1.0")
    assert "version_key(" in (ROOT / "scripts" / "build.py").read_text(encoding="utf-8")
