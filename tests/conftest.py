from __future__ import annotations

import csv
import fcntl
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
    check = kwargs.pop("check", False)
    return subprocess.run(args, cwd=cwd, check=check, capture_output=True, text=True, env=env, **kwargs)


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


PAGED_PROVIDERS = 1500
PAGE_SIZE = 50


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory) -> Path:
    """A site from synthetic data (scripts/tools/synthetic.py) with 1,500 more providers, 50 entries a directory page.

    Built once per run: the test workers share it through a lock, since a build takes about a minute."""
    from scripts.build import build
    from scripts.tools.synthetic import write_site_inputs

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    root = shared / "paged-site"
    root.mkdir(exist_ok=True)
    with open(shared / "paged-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            inputs = write_site_inputs(root, 15, 2, PAGED_PROVIDERS, 0)
            build(
                root / "output",
                {"PATH": str(inputs["content"]), "DIRECTORY_PAGE_SIZE": PAGE_SIZE},
                inputs["data"],
                {"gss_codes": inputs["gss_codes"]},
            )
            (root / "built").touch()
    return root / "output"


@pytest.fixture(scope="session")
def site_url(built_site):
    from tests.browser import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def paged_url(paged_site):
    from tests.browser import serve

    with serve(paged_site) as url:
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
