"""The pull-request verdict: ``python -m scripts.summary --report R.json [--base DIR --head DIR]``.

Prints Markdown for the job summary ($GITHUB_STEP_SUMMARY): a table per data package from
the validator's JSON report (resources, rows, valid or the errors), then which pages of the
site the pull request changes, found by hashing every file of the base commit's build and
of the pull request's build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|!~&])")


def _one_line(text: object) -> str:
    return _CONTROL.sub(" ", str(text))


def markdown_text(text: object) -> str:
    """Text from data or upstream as plain Markdown text: every character that could start markup escaped."""
    return _MARKDOWN.sub(r"\\\1", _one_line(text))


def markdown_code(text: object, table: bool = False) -> str:
    """Text as an inline code span, fenced with more backticks than it holds; ``|`` escaped in a table cell."""
    shown = _one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    if shown.startswith("`") or shown.endswith("`"):
        shown = f" {shown} "
    if table:
        shown = shown.replace("|", "\\|")
    return f"{fence}{shown}{fence}"


def _cell(text: object) -> str:
    return markdown_text(text)


def validation_tables(report: dict) -> list[str]:
    lines = [f"## Data: {_cell(report.get('summary', ''))}", ""]
    problems = report.get("problems", [])
    for package in report.get("packages", []):
        verdict = "valid" if package.get("valid") else "errors"
        lines += [
            f"### {markdown_code(package['name'])} ({verdict})",
            "",
            "| resource | file | rows | valid |",
            "| --- | --- | ---: | --- |",
        ]
        for resource in package.get("resources", []):
            errors = [p for p in problems if p["path"] == resource["path"]]
            if resource.get("valid"):
                verdict = "yes"
            else:
                verdict = f"no: {len(errors)} error{'s' * (len(errors) != 1)}" if errors else "no"
            lines.append(
                f"| {_cell(resource['name'])} | {markdown_code(resource['path'], table=True)} "
                f"| {resource['rows']} | {verdict} |"
            )
        own = [p for p in problems if p["path"].startswith(package["path"].rstrip("/") + "/")]
        if own:
            lines += ["", "Errors:", ""]
            lines += [f"- {markdown_code(_where(p))}: {_cell(p['message'])}" for p in own]
        lines.append("")
    return lines


def _where(problem: dict) -> str:
    where = problem["path"]
    if problem.get("line") is not None:
        where += f":{problem['line']}"
    if problem.get("field"):
        where += f":{problem['field']}"
    return where


def file_hashes(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass
class SiteChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def compare(base: Path, head: Path) -> SiteChanges:
    before, after = file_hashes(base), file_hashes(head)
    return SiteChanges(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(k for k in before.keys() & after.keys() if before[k] != after[k]),
    )


def page_url(path: str) -> str:
    """output/about/index.html -> /about/; other files keep their path."""
    if path == "index.html":
        return "/"
    if path.endswith("/index.html"):
        return "/" + path[: -len("index.html")]
    return "/" + path


def change_lines(changes: SiteChanges, base_built: bool = True) -> list[str]:
    lines = ["## Pages this pull request changes", ""]
    if not base_built:
        lines += ["The base commit did not build, so every page counts as added.", ""]
    if not changes:
        return lines + ["No page of the built site changes.", ""]
    for label, paths in (("changed", changes.changed), ("added", changes.added), ("removed", changes.removed)):
        pages = [p for p in paths if p.endswith(".html")]
        others = len(paths) - len(pages)
        if not paths:
            continue
        shown = ", ".join(markdown_code(page_url(p)) for p in pages) or "no pages"
        lines.append(f"- {label}: {shown}" + (f" (and {others} other file{'s' * (others != 1)})" if others else ""))
    return lines + [""]


def render(report: dict | None, base: Path | None = None, head: Path | None = None) -> str:
    lines = (
        validation_tables(report) if report else ["## Data", "", "No validation report: validation did not run.", ""]
    )
    if head is None:
        return "\n".join(lines)
    if not head.is_dir():
        return "\n".join(
            lines
            + ["## Pages this pull request changes", "", "The site did not build, so there is nothing to compare.", ""]
        )
    base_built = base is not None and base.is_dir()
    changes = compare(base, head) if base_built else SiteChanges(added=sorted(file_hashes(head)))
    return "\n".join(lines + change_lines(changes, base_built))


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.summary", description=__doc__.splitlines()[0])
    cli.add_argument("--report", type=Path, required=True, help="the validator's --json report")
    cli.add_argument("--base", type=Path, help="the base commit's built site")
    cli.add_argument("--head", type=Path, help="this pull request's built site")
    args = cli.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8")) if args.report.is_file() else None
    print(render(report, args.base, args.head))
    return 0


if __name__ == "__main__":
    sys.exit(main())
