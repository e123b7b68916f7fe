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
