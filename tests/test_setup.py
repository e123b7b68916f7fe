"""Set-up: the README's two commands are the ones CI runs, and the docs name what exists."""

from __future__ import annotations

import re

import pytest

from scripts.settings import SETTINGS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def first_commands(text: str) -> list[str]:
    return re.findall(r"^\s*(make \w+)\s*$", text, re.MULTILINE)


def test_readme_gives_make_site_and_make_test_first():
    assert first_commands(README)[:2] == ["make site", "make test"]


def test_ci_runs_the_readme_test_command_after_installing_chromium():
    assert CI.rstrip().splitlines()[-1] == "make test"
    assert "chromium" in CI and "apt-get install" in CI


def test_make_targets_the_readme_names_exist():
    targets = set(re.findall(r"^([\w-]+):", MAKEFILE, re.MULTILINE))
    named = set(re.findall(r"`make ([\w-]+)`", README))
    assert named <= targets, named - targets


def test_readme_names_every_setting():  # and every rule: tests/test_rules.py
    for name in SETTINGS:
        assert f"`{name}`" in README or f"--{name.replace('_', '-')}" in README, name


SCRIPTS = {path: path.read_text(encoding="utf-8") for path in (ROOT / "scripts").rglob("*.py")}


def settings_table(readme: str) -> list[str]:
    table = readme[readme.index("| setting | option or Pelican name |") :].split("\n\n", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE)


def test_the_readme_settings_table_is_the_settings_table():
    assert settings_table(README) == list(SETTINGS)


def test_every_declared_setting_is_read_somewhere():
    code = "\n".join(text for path, text in SCRIPTS.items() if path.name != "settings.py")
    for setting in SETTINGS.values():
        read = any(f'"{key}"' in code for key in (setting.name, setting.site_name))
        assert read or ("validate" in setting.used_by and f'settings["{setting.name}"]' in code), setting.name


def test_every_setting_the_code_reads_is_declared():
    from pelican.settings import DEFAULT_CONFIG

    conf = set(re.findall(r"^([A-Z_]+)\s*=", (ROOT / "pelican.conf.py").read_text(encoding="utf-8"), re.MULTILINE))
    ours = {s.site_name for s in SETTINGS.values()} | {"BUILD"}
    for path, text in SCRIPTS.items():
        for name in re.findall(r'(?<![\w.])(?:value|default)\("(\w+)"', text):
            assert name in SETTINGS, f"{path.name} reads undeclared setting {name}"
        for name in re.findall(r'settings(?:\.get\(|\[)"([A-Z_]+)"', text):
            assert name in DEFAULT_CONFIG or name in conf or name in ours, f"{path.name} reads undeclared {name}"


def test_serve_listens_on_loopback_only():
    assert "--bind 127.0.0.1" in MAKEFILE


def test_requirements_are_pinned_exactly_with_hashes():
    # pip-compile --generate-hashes (make lock): "name==version \\" then its "--hash=sha256:..." lines.
    text = (ROOT / "requirements.txt").read_text()
    entries = re.split(r"\n(?=\S)", "\n".join(l for l in text.splitlines() if l and not l.lstrip().startswith("#")))
    assert entries
    for entry in entries:
        first, *hashes = [part.strip() for part in entry.split("\\\n")]
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.]+", first), entry
        assert hashes and all(re.fullmatch(r"--hash=sha256:[0-9a-f]{64}", h) for h in hashes), entry
    assert "--require-hashes --requirement requirements.txt" in MAKEFILE


def test_a_misspelt_setting_is_an_error_naming_the_closest(tmp_path, monkeypatch):
    from scripts.site import run

    conf = tmp_path / "pelican.conf.py"
    conf.write_text((ROOT / "pelican.conf.py").read_text(encoding="utf-8") + "DIRECTORY_PAGESIZE = 20\n")
    monkeypatch.setattr(run, "CONF", conf)
    line = len(conf.read_text(encoding="utf-8").splitlines())
    with pytest.raises(
        run.BuildError,
        match=rf"^pelican.conf.py:{line}: DIRECTORY_PAGESIZE: not a setting; did you "
        "mean DIRECTORY_PAGE_SIZE\\?$",
    ):
        run.pelican_settings()
    monkeypatch.setattr(run, "CONF", ROOT / "pelican.conf.py")
    with pytest.raises(run.BuildError, match="settings override: SUPRESSION_THRESHOLD: .* SUPPRESSION_THRESHOLD"):
        run.pelican_settings({"SUPRESSION_THRESHOLD": 3})
    assert run.pelican_settings({"SITENAME": "x", "SUPPRESSION_THRESHOLD": 3})["SUPPRESSION_THRESHOLD"] == 3
