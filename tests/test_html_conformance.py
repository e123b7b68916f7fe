"""Every page, stylesheet and chart picture of the built site passes the Nu Html Checker (the W3C's validator).

vnu.jar comes from npm (vnu-jar, pinned in package.json) and runs on the system's Java (Debian's
default-jre-headless, installed by .ci/run); it checks files on disk and reaches no network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


# One kind of file a run: with --also-check-css on, this version reports HTML errors a line early.
KINDS = {
    "html": ["--skip-non-html"],
    "css": ["--also-check-css", "--skip-non-css"],
    "svg": ["--also-check-svg", "--skip-non-svg"],
}


def nu_errors(*paths: Path, kind: str = "html") -> list[str]:
    """The checker's errors as "file:line: message", for the files of one kind under ``paths``."""
    java = shutil.which("java")
    if not java:
        raise RuntimeError(
            "Java is needed for the Nu Html Checker: apt-get install default-jre-headless (.ci/run does)"
        )
    if not VNU.exists():
        raise RuntimeError(f"{VNU} is missing: run `make node_modules/.installed` (npm ci)")
    # Every file named, so a folder the checker would pass over (the published site is a symlink) is still checked.
    targets = sorted(str(f) for path in paths for f in Path(os.path.realpath(path)).rglob(f"*.{kind}"))
    assert targets, f"no .{kind} file under {paths}"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *KINDS[kind], *targets],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert result.returncode == (1 if messages else 0), result.stderr
    return [
        f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


def test_every_page_is_valid_html(built_site):
    assert nu_errors(built_site) == []


def test_every_stylesheet_is_valid_css(built_site):
    assert nu_errors(built_site / "theme" / "css", kind="css") == []


def test_every_chart_picture_is_valid_svg(built_site):
    assert nu_errors(built_site / "charts", kind="svg") == []


def test_the_checker_reports_what_is_wrong_with_file_and_line(tmp_path):
    """The check above can fail: a duplicate id and a stray end tag, each named with its file and line."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><title>x</title></head>\n<body>\n<p id="a">one</p>\n'
        '<p id="a">two</p>\n</div>\n</body></html>\n',
        encoding="utf-8",
    )
    errors = nu_errors(tmp_path)
    assert any(e.startswith(f"{page}:5: Duplicate ID") for e in errors), errors
    assert any(e.startswith(f"{page}:6: Stray end tag") for e in errors), errors


@pytest.mark.parametrize(
    "name, text, line",
    [
        (
            "broken.svg",
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n<rect widht="1"/>\n</svg>\n',
            2,
        ),
        ("broken.css", "p {\n  color: red;\n  colr: blue;\n}\n", 3),
    ],
)
def test_the_checker_reports_a_broken_picture_or_stylesheet(tmp_path, name, text, line):
    (tmp_path / name).write_text(text, encoding="utf-8")
    errors = nu_errors(tmp_path, kind=name.rsplit(".", 1)[1])
    assert any(e.startswith(f"{tmp_path / name}:{line}: ") for e in errors), errors
