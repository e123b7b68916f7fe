"""Publishing is atomic: killed at any point, output/ is the old complete site or the new complete site."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scripts.build import FAULT, FAULT_POINTS, publish, remove_leftovers
from tests.conftest import ROOT, python

OLD = "the last good site"


def old_site(root):
    """A published old site, as a previous build leaves it: output -> .output-<id>/."""
    version = root / ".output-v1"
    version.mkdir(parents=True)
    (version / "index.html").write_text(OLD)
    (root / "output").symlink_to(version.name)
    return root / "output"


def new_version(root, name=".output-2-999999997"):
    version = root / name
    version.mkdir()
    (version / "index.html").write_text("the new site")
    (version / "about").mkdir()
    (version / "about" / "index.html").write_text("about")
    return version


def state(output) -> str:
    """Which complete site output/ is: "old", "new", or a description of what is wrong."""
    if not output.is_dir():
        return "no site"
    index = (output / "index.html").read_text()
    if index == OLD:
        return "old"
    if index == "the new site" and (output / "about" / "index.html").read_text() == "about":
        return "new"
    return f"broken: {index!r}"


def leftovers(root) -> list[str]:
    """Everything beside output/ but the version it points to and the lock."""
    return sorted(
        p.name for p in root.iterdir() if p.name not in ("output", ".output.lock", os.readlink(root / "output"))
    )


PUBLISH = "import sys; from pathlib import Path; from scripts.build import publish; publish(Path(sys.argv[1]), Path(sys.argv[2]))"


@pytest.mark.parametrize("point", ["linked", "swapped", "cleaned"])
def test_a_publish_killed_at_each_point_leaves_a_complete_site(tmp_path, point):
    output = old_site(tmp_path)
    version = new_version(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), FAULT: point}
    result = subprocess.run(
        [sys.executable, "-c", PUBLISH, str(version), str(output)], env=env, capture_output=True, check=False
    )
    assert result.returncode == 70, result.stderr  # the fault hook ended it there
    assert state(output) == ("old" if point == "linked" else "new")
    # The next publish cleans whatever the killed one left.
    publish(new_version(tmp_path, ".output-3-999999996"), output)
    assert state(output) == "new"
    assert leftovers(tmp_path) == []


def test_an_old_output_folder_is_exchanged_for_the_link_in_one_step(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text(OLD)
    publish(new_version(tmp_path), output)
    assert output.is_symlink() and state(output) == "new"
    assert leftovers(tmp_path) == []


def test_leftovers_of_a_running_build_are_kept_and_of_a_dead_one_removed(tmp_path):
    output = old_site(tmp_path)
    (tmp_path / f".output-5-{os.getpid()}").mkdir()  # this process: not "another running build"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / f".output-6-{running.pid}").mkdir()
        (tmp_path / ".output-7-999999999").mkdir()  # no such process
        (tmp_path / ".output-v0").mkdir()  # a version no longer published
        remove_leftovers(output)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [".output-v1", f".output-6-{running.pid}", "output"]
        )
    finally:
        running.kill()
        running.wait()


BUILD_AND_PUBLISH = """
import os, sys, time
from pathlib import Path
from scripts.build import publish
output = Path(sys.argv[1])
version = output.with_name(f".output-{time.time_ns()}-{os.getpid()}")
(version / "about").mkdir(parents=True)
(version / "index.html").write_text("the new site")
(version / "about" / "index.html").write_text("about")
publish(version, output)
"""


def test_two_builds_at_once_do_not_interleave_their_swaps(tmp_path):
    output = old_site(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    builds = [
        subprocess.Popen([sys.executable, "-c", BUILD_AND_PUBLISH, str(output)], env=env, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    assert [b.wait(timeout=120) for b in builds] == [0, 0, 0, 0], [b.stderr.read() for b in builds]
    assert state(output) == "new"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("point", ["validated", "indexed"])
def test_a_build_killed_at_a_stage_leaves_the_old_site(tmp_path, point):
    output = old_site(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), FAULT: point}
    command = [sys.executable, "-m", "scripts.build", "--output", str(output)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 70, result.stderr[-2000:]
    assert state(output) == "old"


def test_every_fault_point_is_tested():
    tested = {"validated", "indexed", "linked", "swapped", "cleaned"}
    assert set(FAULT_POINTS) - tested == {"built"}  # between two stages already covered


def test_a_read_only_folder_is_a_one_line_error(tmp_path):
    if os.geteuid() == 0:
        # root writes anywhere: make the parent a file instead, which no one can build into
        parent = tmp_path / "not-a-folder"
        parent.write_text("")
        target = parent / "output"
    else:
        parent = tmp_path / "read-only"
        parent.mkdir()
        parent.chmod(0o500)
        target = parent / "output"
    result = python("-m", "scripts.build", "--output", str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("cannot write the site: "), lines
