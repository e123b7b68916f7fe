"""The layout keeps its rooms: only the plugin imports pelican, validation never imports the site, no module
of scripts/ is in an import cycle, and the README's architecture table names every module and folder."""

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


# --- no import cycles -------------------------------------------------------------------------


def module_names(root, package: str = "scripts") -> dict[str, object]:
    """Every module of ``package`` under ``root``, by dotted name (a package by its own name)."""
    found = {}
    for path in (root / package).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path, modules) -> set[str]:
    """The modules of ``modules`` that ``name`` imports anywhere in its code, inside functions too;
    relative imports resolved. ``from package import module`` is an import of the module alone."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets.update(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names)
    resolved = set()
    for target in targets:
        while target and target not in modules:  # a name inside a module: the module
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def import_cycles(root, package: str = "scripts") -> list[list[str]]:
    """The strongly connected components of the import graph with more than one module (Tarjan)."""
    modules = module_names(root, package)
    graph = {name: sorted(imports_of(name, path, modules)) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_no_module_in_scripts_is_part_of_an_import_cycle():
    assert import_cycles(ROOT) == []


def test_the_cycle_finder_sees_imports_inside_functions_and_relative_ones(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("def f():\n    from pkg.sub import b\n")
    (tmp_path / "pkg" / "sub" / "b.py").write_text("from .c import X\n")
    (tmp_path / "pkg" / "sub" / "c.py").write_text("import pkg.a\nX = 1\n")
    (tmp_path / "pkg" / "d.py").write_text("from pkg import a\n")
    assert import_cycles(tmp_path, "pkg") == [["pkg.a", "pkg.sub.b", "pkg.sub.c"]]


# --- short functions ------------------------------------------------------------------------------

LONGEST_FUNCTION = 50  # lines, from the def line to the last line (decorators not counted)


def long_functions(root, package: str = "scripts", allowed: tuple[str, ...] = ()) -> list[str]:
    """Every function (methods and nested ones too) over LONGEST_FUNCTION lines, as path:line name (lines)."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        shown = path.relative_to(root).as_posix()
        if shown.startswith(allowed):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST_FUNCTION:
                    found.append(f"{shown}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_in_scripts_is_over_50_lines():
    assert long_functions(ROOT) == [], "split these into well-named helpers"


def test_the_length_check_counts_methods_and_nested_functions(tmp_path):
    (tmp_path / "pkg").mkdir()
    lines = [f"x{n} = {n}" for n in range(LONGEST_FUNCTION - 1)]  # a def and these: the longest allowed

    def function(name: str, body: list[str]) -> list[str]:
        return [f"def {name}():", *(f"    {line}" for line in body)]

    (tmp_path / "pkg" / "short.py").write_text("\n".join(function("fits", lines)) + "\n")
    method = ["class C:", *(f"    {line}" for line in function("method", [*lines, "y = 1"]))]
    (tmp_path / "pkg" / "long.py").write_text("\n".join(method) + "\n")
    (tmp_path / "pkg" / "nested.py").write_text(
        "\n".join(function("outer", function("inner", [*lines, "y = 1"]))) + "\n"
    )
    assert long_functions(tmp_path, "pkg") == [
        "pkg/long.py:2 method (51 lines)",
        "pkg/nested.py:1 outer (52 lines)",
        "pkg/nested.py:2 inner (51 lines)",
    ]
    assert long_functions(tmp_path, "pkg", allowed=("pkg/long.py", "pkg/nested")) == []
