"""The layout keeps its rooms: only the plugin imports pelican, validation never imports the site,
and the README's architecture table names every module and folder."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from scripts.settings import ROOT

SCRIPTS = ROOT / "scripts"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_site_package_imports_pelican():
    outside = [
        path.relative_to(ROOT).as_posix()
        for path in SCRIPTS.rglob("*.py")
        if SCRIPTS / "site" not in path.parents
        and any(name == "pelican" or name.startswith("pelican.") for name in imported_modules(path))
    ]
    assert outside == []


def loaded_after_import(module: str) -> list[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_validation_charts_figures_directory_and_catalogue_load_neither_the_site_nor_pelican():
    for module in (
        "scripts.validate.command",
        "scripts.charts.render",
        "scripts.directory.openreferral",
        "scripts.directory.present",
        "scripts.figures.resolvers",
        "scripts.catalogue.feeds",
        "scripts.refresh",
    ):
        loaded = loaded_after_import(module)
        assert not [m for m in loaded if m == "pelican" or m.startswith(("pelican.", "scripts.site"))], module


def test_validation_does_not_load_the_charts_or_the_directory():
    loaded = loaded_after_import("scripts.validate.command")
    assert not [m for m in loaded if m.startswith(("scripts.charts", "scripts.directory", "scripts.catalogue"))]


def test_nothing_registers_a_reference_resolver_on_import():
    from scripts.site import RESOLVERS, references

    assert not hasattr(references, "RESOLVERS") and not hasattr(references, "resolver")
    used = set()
    for page in (ROOT / "content").rglob("*.md"):
        used.update(match["kind"] for match in references.REFERENCE.finditer(page.read_text(encoding="utf-8")))
    assert used <= set(RESOLVERS), used - set(RESOLVERS)


def architecture_table() -> list[str]:
    section = README[README.index("## Architecture") :]
    return [cell.strip() for cell in re.findall(r"^\| (`[^|]+`) \|", section, re.MULTILINE)]


def test_the_architecture_table_names_every_module_and_folder():
    named = set()
    for cell in architecture_table():
        named.update(re.findall(r"`([^`]+)`", cell))
    for path in sorted(SCRIPTS.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if path.name == "__init__.py" and path.parent != SCRIPTS / "site":
            continue  # a package's docstring; its modules have rows
        if path.name == "__main__.py":
            relative = path.parent.relative_to(ROOT).as_posix() + "/"
        assert relative in named or path.parent.relative_to(ROOT).as_posix() + "/" in named, relative
    for folder in ("data/<package>/", "content/pages/", "theme/", "tests/", ".ci/run", ".github/workflows/build.yml"):
        assert any(folder in cell for cell in architecture_table()), folder


def test_the_architecture_table_follows_the_data():
    rows = architecture_table()
    order = ["data/", "scripts/validate/", "scripts/charts/", "scripts/site/", "scripts/build.py", ".ci/run"]
    positions = [next(i for i, row in enumerate(rows) if row.startswith(f"`{start}")) for start in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
