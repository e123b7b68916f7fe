"""Fault fixtures as overlays: each fixture folder holds only the files it changes.

``tests/fixtures/valid/minimal`` is the one complete base package. Every other folder under
``tests/fixtures/invalid/`` and ``tests/fixtures/valid/`` holds just the file(s) that differ
from it, plus, where a fixture deletes a file of the base, a ``removed.txt`` naming those
files one a line. A fault in the descriptor is a ``datapackage.patch.json`` rather than a copy of
the whole descriptor: a list of ``{"path": [...], "value": ...}`` (set, or append at the list's
length) and ``{"path": [...], "delete": true}``, applied to the base descriptor, which is then
written with two-space indents. ``materialise`` lays a fixture over a copy of the base in a folder of the
caller's choosing (a test's ``tmp_path``), so the validator and the build always see a whole
package, and a folder holds about 30 meaningful lines instead of 400 copied ones.

    path = materialise("invalid/below-minimum", tmp_path)   # tmp_path/invalid/below-minimum

An invalid fixture also holds ``expected.txt``: what the validator reports for it, one problem a line
(``python -m tests.overlay --expected invalid/NAME`` prints it for a new fixture, to be read before it is kept).

To run the command line on a fixture by the same path the messages print, materialise under
a root and run from it: ``materialise("invalid/below-minimum", root, keep_path=True)`` gives
``root/tests/fixtures/invalid/below-minimum``; then ``cwd=root``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "valid" / "minimal"
REMOVED = "removed.txt"
PATCH = "datapackage.patch.json"
# What an invalid fixture makes the validator report, one problem a line: its code, then the line the validator
# prints with the file relative to the package folder (tests/test_validate.py reads it).
EXPECTED = "expected.txt"


def fixture_names(kind: str) -> list[str]:
    """Every fixture of a kind ("invalid" or "valid"), as "kind/name"."""
    return sorted(f"{kind}/{p.name}" for p in (FIXTURES / kind).iterdir() if p.is_dir())


def overlay_files(name: str) -> list[Path]:
    """The files a fixture changes or adds (``removed.txt``, the patch and ``expected.txt`` excluded)."""
    folder = FIXTURES / name
    return sorted(p for p in folder.iterdir() if p.name not in (REMOVED, PATCH, EXPECTED))


def expectation(name: str) -> list[str]:
    """The lines of a fixture's ``expected.txt``."""
    return (FIXTURES / name / EXPECTED).read_text(encoding="utf-8").splitlines()


def reported(result, folder: Path) -> list[str]:
    """A validation result's problems as ``expected.txt`` writes them."""
    lines = []
    for problem in result.problems:
        relative = Path(problem.path).resolve().relative_to(folder.resolve()).as_posix()
        lines.append(f"{problem.code} {replace(problem, path=relative).text()}")
    return lines


def patch(descriptor: dict, operations: list[dict]) -> dict:
    for operation in operations:
        *parents, last = operation["path"]
        holder = descriptor
        for key in parents:
            holder = holder[key]
        if operation.get("delete"):
            del holder[last]
        elif isinstance(holder, list) and last == len(holder):
            holder.append(operation["value"])
        else:
            holder[last] = operation["value"]
    return descriptor


def materialise(name: str, root: Path, keep_path: bool = False) -> Path:
    """Copy the base package, lay the fixture ``name`` ("invalid/wrong-type") over it, return the folder."""
    source = FIXTURES / name
    if not source.is_dir():
        raise FileNotFoundError(f"no fixture {source}")
    target = root / "tests" / "fixtures" / name if keep_path else root / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(BASE, target)
    if source != BASE:
        for path in overlay_files(name):
            shutil.copy2(path, target / path.name, follow_symlinks=False)
        if (source / PATCH).exists():
            descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
            operations = json.loads((source / PATCH).read_text(encoding="utf-8"))
            text = json.dumps(patch(descriptor, operations), indent=2, ensure_ascii=False)
            (target / "datapackage.json").write_text(text + "\n", encoding="utf-8")
        removed = source / REMOVED
        if removed.exists():
            for line in removed.read_text(encoding="utf-8").split():
                (target / line).unlink()
    return target


def report(name: str) -> list[str]:
    """What the validator reports for fixture ``name``, as its ``expected.txt`` would say it."""
    from scripts.settings import default
    from scripts.validate import command

    with tempfile.TemporaryDirectory() as root:
        folder = materialise(name, Path(root))
        return reported(command.validate([folder], {n: default(n) for n in command.CLI_SETTINGS}), folder)


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.overlay --root DIR NAME ...``: lay fixtures out under DIR/tests/fixtures/ for the command
    line; ``python -m tests.overlay --expected NAME``: print what the validator reports for a fixture, in the form
    of its ``expected.txt`` (read it before you keep it)."""
    import argparse

    cli = argparse.ArgumentParser(prog="python -m tests.overlay", description=main.__doc__)
    where = cli.add_mutually_exclusive_group(required=True)
    where.add_argument("--root", type=Path, help="folder to lay the fixtures out in")
    where.add_argument(
        "--expected", action="store_true", help="print each fixture's problems as expected.txt says them"
    )
    cli.add_argument("names", nargs="+", help='fixtures such as "invalid/below-minimum"')
    args = cli.parse_args(argv)
    for name in args.names:
        print("\n".join(report(name)) if args.expected else materialise(name, args.root, keep_path=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
