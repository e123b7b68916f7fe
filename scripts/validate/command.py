"""Validate data packages: ``python -m scripts.validate [PACKAGE_FOLDER ...]``.

Prints one line per problem, ``file:line:field: message``, every problem rather than the
first, then a summary; exits 1 if there is any problem and 0 if the data is valid.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scripts.settings import SETTINGS, VALIDATION_SETTINGS, value
from scripts.validate import messages, rules
from scripts.validate.engines import check_package
from scripts.validate.jsonpos import line_of, locate
from scripts.validate.problems import Problem
from scripts.validate.structure import LoadedPackage, load_package

# Every setting the validator uses is one of its command-line options.
CLI_SETTINGS = VALIDATION_SETTINGS


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    packages: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        resources = sum(len(p["resources"]) for p in self.packages)
        rows = sum(r["rows"] for p in self.packages for r in p["resources"])
        checked = f"Checked {len(self.packages)} package{'s' * (len(self.packages) != 1)} ({resources} resources, {rows} rows)"
        if self.valid:
            return f"{checked}: all valid."
        files = len({p.path for p in self.problems})
        count = len(self.problems)
        return f"{checked}: {count} error{'s' * (count != 1)} in {files} file{'s' * (files != 1)}."

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "summary": self.summary(),
            "packages": self.packages,
            "problems": [p.as_dict() for p in self.problems],
        }


def display(path: Path) -> Path:
    """Paths as a maintainer reads them: relative to the working folder when inside it (links not followed,
    so that a package folder that is a symbolic link is seen, and refused, as one)."""
    resolved = Path(os.path.abspath(path))
    try:
        return resolved.relative_to(Path.cwd())
    except ValueError:
        return resolved


def package_folders(paths: list[str], data_dir: Path) -> list[Path]:
    if not paths:
        return sorted(display(p.parent) for p in data_dir.glob("*/datapackage.json"))
    folders = []
    for given in map(Path, paths):
        folder = given.parent if given.name == "datapackage.json" else given
        if not (folder / "datapackage.json").exists() and any(folder.glob("*/datapackage.json")):
            folders.extend(sorted(display(p.parent) for p in folder.glob("*/datapackage.json")))
        else:
            folders.append(display(folder))
    return folders


def validate(folders: list[Path], settings: dict) -> Result:
    settings = {**settings, "gss_codes_display": str(display(Path(settings["gss_codes"])))}
    result = Result()
    result.problems.extend(reference_problems(settings))
    if result.problems:  # every council code would be checked against it: no package can be checked
        return result
    named: dict[str, Path] = {}
    for folder in folders:
        package, problems = check_folder(folder, settings)
        if package is not None:
            problems.extend(name_taken(package, folder, named))
        result.problems.extend(problems)
        result.packages.append(package_report(folder, package, problems))
    result.problems.sort(key=Problem.sort_key)
    return result


def reference_problems(settings: dict) -> list[Problem]:
    """The GSS reference file, read as the rules read it (rules.known_codes, which keeps it for them); one problem
    naming it if it cannot be read as UTF-8 CSV or has no ``code`` column."""
    shown = settings["gss_codes_display"]
    try:
        rules.known_codes(Path(settings["gss_codes"]))
    except rules.NoCodeColumn as error:
        return [Problem(shown, 1, None, messages.reference_without_codes(error.header), "gss-codes")]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)[:200]
        return [Problem(shown, None, None, messages.reference_unreadable(reason), "gss-codes")]
    return []


def check_folder(folder: Path, settings: dict) -> tuple[LoadedPackage | None, list[Problem]]:
    """The package in ``folder`` (None if it could not be checked whole) and its problems."""
    problems: list[Problem] = []
    try:
        package, problems = load_package(folder, settings.get("columnar_threshold_bytes"), settings)
        if package is not None:
            problems.extend(check_package(package, settings))
        return package, problems
    except Exception as error:  # noqa: BLE001 - whatever the input, a message and never a traceback
        return None, [
            *problems,
            Problem(str(folder / "datapackage.json"), None, None, messages.unchecked(error), "unchecked"),
        ]


def name_taken(package: LoadedPackage, folder: Path, named: dict[str, Path]) -> Iterator[Problem]:
    """A package named like one checked before it (``named``: name -> folder, which this one joins)."""
    name = package.descriptor.get("name")
    if name in named and named[name] != folder:
        yield Problem(
            package.descriptor_path,
            line_of(locate_name(folder), ("name",)),
            None,
            messages.duplicate_package(name, named[name]),
            "duplicate-package",
        )
    named.setdefault(name, folder)


def package_report(folder: Path, package: LoadedPackage | None, problems: list[Problem]) -> dict:
    """A package as the JSON report lists it: its resources, their rows, and which are valid."""
    bad_files = {p.path for p in problems}
    resources = []
    for resource in package.descriptor["resources"] if package is not None else []:
        table = package.tables.get(resource["name"])
        path = str(folder / resource["path"])
        resources.append(
            {
                "name": resource["name"],
                "path": path,
                "rows": table.row_count if table else 0,
                "valid": path not in bad_files and resource["name"] not in package.broken,
            }
        )
    return {
        "name": package.descriptor.get("name") if package else folder.name,
        "path": str(folder),
        "valid": not problems,
        "resources": resources,
    }


def locate_name(folder: Path) -> dict:
    return locate((folder / "datapackage.json").read_text(encoding="utf-8"))


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m scripts.validate",
        description="Validate data packages with frictionless and the project's own rules.",
    )
    cli.add_argument(
        "packages", nargs="*", help="package folders (default: every folder under data/ with a datapackage.json)"
    )
    cli.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="text: file:line:field: message; github: GitHub Actions error annotations",
    )
    cli.add_argument("--json", metavar="PATH", help="also write the full report as JSON to PATH")
    for name in CLI_SETTINGS:
        setting = SETTINGS[name]
        kind = type(setting.default) if not isinstance(setting.default, Path) else Path
        cli.add_argument(
            f"--{name.replace('_', '-')}",
            type=kind,
            default=setting.default,
            help=f"{setting.help} (default: {display(setting.default) if kind is Path else setting.default})",
        )
    return cli


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = {name: getattr(args, name) for name in CLI_SETTINGS}
    result = validate(package_folders(args.packages, value("data_dir")), settings)
    for problem in result.problems:
        print(problem.github() if args.format == "github" else problem.text())
    print(result.summary())
    if args.json:
        Path(args.json).write_text(json.dumps(result.as_dict(), indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if result.valid else 1


if __name__ == "__main__":
    sys.exit(main())
