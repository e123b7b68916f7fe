"""Refresh data from upstream files: ``python -m scripts.refresh [--summary PATH]``.

A resource may name the CSV a council publishes as its upstream, in its descriptor:

    {"name": "spend", "path": "spend.csv", "x-upstream": {"url": "https://example.gov.uk/spend.csv"}, ...}

Each upstream file is downloaded and checked with the validator, in a copy of its package.
Only when every file is valid are the ones that differ written into data/; if any file is
invalid or cannot be fetched, its errors are printed, nothing changes and the exit code is 1.
The workflow then opens a pull request with the change: new data is reviewed, never pushed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from scripts.settings import default, validation_settings
from scripts.validate.command import display, validate

UPSTREAM = "x-upstream"
TIMEOUT_SECONDS = 60
USER_AGENT = "mh-day-opportunities-data refresh (+https://github.com/mh-day-opportunities/open-data)"


@dataclass(frozen=True)
class Upstream:
    folder: Path
    resource: str
    file: str
    url: str

    @property
    def target(self) -> Path:
        return self.folder / self.file


@dataclass
class Outcome:
    upstream: Upstream
    status: str  # unchanged, changed, invalid or unreachable
    errors: list[str] = field(default_factory=list)
    content: bytes | None = None


def upstreams(data_dir: Path) -> list[Upstream]:
    found = []
    for descriptor_path in sorted(data_dir.glob("*/datapackage.json")):
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        for resource in descriptor.get("resources", []):
            if UPSTREAM in resource:
                url = (resource[UPSTREAM] or {}).get("url", "")
                found.append(Upstream(display(descriptor_path.parent), resource["name"], resource["path"], url))
    return found


def download(url: str) -> bytes:
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise ValueError(f"{UPSTREAM} url must be http or https, not {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read()


def check_package(folder: Path, fetched: dict[Upstream, bytes], settings: dict) -> dict[Upstream, list[str]]:
    """Validate a copy of the package holding the fetched files; errors per upstream (empty if valid)."""
    by_file = {u.file: u for u in fetched}
    with tempfile.TemporaryDirectory(prefix="refresh-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy)
        for upstream, content in fetched.items():
            (copy / upstream.file).write_bytes(content)
        result = validate([copy], settings)
        errors: dict[Upstream, list[str]] = {u: [] for u in fetched}
        for problem in result.problems:
            try:
                name = Path(problem.path).resolve().relative_to(copy.resolve()).as_posix()
            except ValueError:  # a file outside the package, such as the GSS code list
                name = None
            upstream = by_file.get(name)
            # Errors in a downloaded file name its URL; others (a key it breaks elsewhere) the file in data/.
            where = upstream.url if upstream else str(folder / name) if name else problem.path
            shown = replace(problem, path=where).text()
            for affected in [upstream] if upstream else fetched:
                errors[affected].append(shown)
    return errors


def refresh(data_dir: Path, settings: dict, fetch=download) -> list[Outcome]:
    """Fetch and check every upstream; write the changed files only if all of them are valid."""
    outcomes: list[Outcome] = []
    packages: dict[Path, dict[Upstream, bytes]] = {}
    for upstream in upstreams(data_dir):
        try:
            content = fetch(upstream.url)
        except (OSError, ValueError) as error:
            outcomes.append(Outcome(upstream, "unreachable", [f"{upstream.url}: could not download: {error}"]))
            continue
        packages.setdefault(upstream.folder, {})[upstream] = content
    for folder, fetched in packages.items():
        for upstream, errors in check_package(folder, fetched, settings).items():
            content = fetched[upstream]
            if errors:
                outcomes.append(Outcome(upstream, "invalid", errors))
            else:
                same = upstream.target.exists() and upstream.target.read_bytes() == content
                outcomes.append(Outcome(upstream, "unchanged" if same else "changed", content=content))
    if all(o.status in ("unchanged", "changed") for o in outcomes):
        for outcome in outcomes:
            if outcome.status == "changed":
                outcome.upstream.target.write_bytes(outcome.content)
    return outcomes


def failed(outcomes: list[Outcome]) -> bool:
    return any(o.status in ("invalid", "unreachable") for o in outcomes)


def verdict(outcomes: list[Outcome]) -> str:
    if not outcomes:
        return f"No resource declares an upstream file ({UPSTREAM}): nothing to refresh."
    if failed(outcomes):
        return "Nothing was changed: an upstream file is invalid or could not be downloaded."
    changed = sum(o.status == "changed" for o in outcomes)
    if not changed:
        return f"Checked {len(outcomes)} upstream file{'s' * (len(outcomes) != 1)}: all valid, none changed."
    return f"Checked {len(outcomes)} upstream file{'s' * (len(outcomes) != 1)}: all valid, {changed} changed and written to data/."


def markdown(outcomes: list[Outcome]) -> str:
    lines = ["## Upstream refresh", "", verdict(outcomes), ""]
    if outcomes:
        lines += ["| file | upstream | result |", "| --- | --- | --- |"]
        lines += [f"| `{o.upstream.target}` | {o.upstream.url} | {o.status} |" for o in outcomes]
        errors = [e for o in outcomes for e in o.errors]
        if errors:
            lines += ["", "Errors:", ""] + [f"- `{e}`" for e in errors]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.refresh", description=__doc__.splitlines()[0])
    cli.add_argument(
        "--data-dir", type=Path, default=default("data_dir"), help="where the packages are (default: data/)"
    )
    cli.add_argument("--summary", type=Path, help="also write the result as Markdown to PATH (for a pull request)")
    args = cli.parse_args(argv)
    settings = validation_settings()
    outcomes = refresh(args.data_dir, settings)
    for outcome in outcomes:
        print(f"{outcome.upstream.target}: {outcome.status} ({outcome.upstream.url})")
        for error in outcome.errors:
            print(f"  {error}")
    print(verdict(outcomes))
    if args.summary:
        args.summary.write_text(markdown(outcomes), encoding="utf-8")
    return 1 if failed(outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
