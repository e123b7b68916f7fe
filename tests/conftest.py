from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "data"
PACKAGES = sorted(p.parent.name for p in DATA.glob("*/datapackage.json"))


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


def descriptor(package: str) -> dict:
    return json.loads((DATA / package / "datapackage.json").read_text(encoding="utf-8"))


def run(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess:
    """Run a command with this interpreter's environment, as a maintainer would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, **kwargs)


def python(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return run(sys.executable, *args, **kwargs)


@pytest.fixture(autouse=True)
def _repo_root_cwd(monkeypatch):
    # Messages name files relative to the working folder; tests read them from the root.
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test session from the shipped data."""
    from scripts.build import build

    output = tmp_path_factory.mktemp("built") / "output"
    warnings = build(output)
    assert [w.getMessage() for w in warnings] == [], "the build logged warnings"
    return output


@pytest.fixture(scope="session")
def site_url(built_site):
    from tests.browser import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, require_chromium

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    yield context
    context.close()


@pytest.fixture
def open_page(browser_context, site_url):
    """open_page(path) -> Watched page, loaded, with its console errors and requests recorded."""
    from tests.browser import watch

    def opener(path: str, context=None):
        watched = watch(context or browser_context, site_url)
        watched.goto(path)
        return watched

    return opener
