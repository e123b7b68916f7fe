"""Property-based: mutate the shipped CSVs and descriptors; each case is refused with a file:line message, or it
validates and the site publishes every source row unchanged.

A mutation either writes structured rows correctly quoted (so the rows meant are known exactly) or damages
the file's text as a careless editor would (a stray quote, a line end, a control character, another
encoding). Whatever the validator accepts must then read back, through the site's own reader
(``scripts.datapackages``), as exactly the rows a person sees: one per line, the values meant.
Examples are bounded (``max_examples``) so the suite stays fast; hypothesis keeps no database here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import datapackages
from scripts.catalogue.files import package_view
from scripts.validate import command
from tests.conftest import DATA, PACKAGES

SETTINGS = settings(
    max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
MESSAGE = re.compile(r"^(?P<path>[^:]+\.(csv|json))(:(?P<line>\d+))?(:[^:]+)?: .+")
CELLS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(
        [
            '"',
            'a "quoted" word',
            "two\nlines",
            "cr\rinside",
            "nul\x00byte",
            "esc\x1b[31m",
            "line\u2028sep",
            "=1+1",
            "[c]",
            "[x]",
            "2024-02-30",
            "2023-13",
            "2024-02-29",
            "javascript:alert(1)",
            "https://example.org/a?b=c",
            "mailto:team@example.org",
            "../../etc/passwd",
            "x" * 10_001,
            "é,ü;ß",
            "",
            " ",
            "-5",
            "1e309",
        ]
    ),
)
DAMAGE = st.sampled_from(['"', "\n", ",", "\r", "\x00", "\ufeff", '""', '\n"'])


def copy_package(root: Path, name: str) -> Path:
    folder = root / name
    shutil.copytree(DATA / name, folder)
    return folder


def resources(folder: Path) -> list[dict]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as file:
        return list(csv.reader(file))


def run_validator(folder: Path) -> tuple[int, list[str], list]:
    """What ``python -m scripts.validate FOLDER`` prints and returns, and the problems themselves."""
    result = command.validate([folder], {n: command.SETTINGS[n].default for n in command.CLI_SETTINGS})
    lines = [p.text() for p in result.problems] + [result.summary()]
    assert all("\n" not in line for line in lines)
    return (0 if result.valid else 1), lines, result.problems


def assert_refused_well(folder: Path, code: int, lines: list[str], problems: list) -> None:
    """Refused: exit 1, every problem a one-line file[:line[:field]]: message inside the package, no crash net."""
    assert code == 1
    assert problems and all(p.code != "unchecked" for p in problems), [p.text() for p in problems]
    for line in lines[:-1]:
        match = MESSAGE.match(line)
        assert match, line
        assert Path(match["path"]).resolve().is_relative_to(folder.resolve()), line
    assert any(p.line is not None for p in problems) or all(p.path.endswith("datapackage.json") for p in problems)


def assert_published_unchanged(folder: Path, meant: dict[str, list[list[str]]]) -> None:
    """Valid: the site reads each resource as exactly the rows meant, and builds its dataset page view."""
    package = datapackages.load_package(folder)
    for resource in package.resources.values():
        header, *rows = meant.get(resource.filename) or read_rows(resource.path)
        published = resource.rows
        assert resource.row_count == len(rows) == len(published)
        assert [list(row.values()) for row in published] == rows
        assert list(published[0]) == header if published else True
    package_view(package, "https://example.org", "1 to 4")


@SETTINGS
@given(
    package=st.sampled_from(PACKAGES),
    pick=st.integers(min_value=0, max_value=10_000),
    cell=CELLS,
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_a_cell_of_any_content_is_refused_or_published_exactly(package, pick, cell, line_end, bom):
    with tempfile.TemporaryDirectory() as scratch:
        folder = copy_package(Path(scratch), package)
        resource = resources(folder)[pick % len(resources(folder))]
        path = folder / resource["path"]
        header, *rows = read_rows(path)
        if rows:
            rows[pick % len(rows)][pick % len(header)] = cell
        text = io.StringIO()
        csv.writer(text, lineterminator=line_end).writerows([header, *rows])
        path.write_bytes(("\ufeff" if bom else "").encode() + text.getvalue().encode("utf-8", "surrogatepass"))
        code, lines, problems = run_validator(folder)
        if code == 0:
            assert_published_unchanged(folder, {resource["path"]: [header, *rows]})
        else:
            assert_refused_well(folder, code, lines, problems)


@SETTINGS
@given(
    package=st.sampled_from(PACKAGES),
    pick=st.integers(min_value=0, max_value=100_000),
    damage=DAMAGE,
    encoding=st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16", "cp1252"]),
)
def test_a_damaged_file_is_refused_or_read_one_row_a_line(package, pick, damage, encoding):
    with tempfile.TemporaryDirectory() as scratch:
        folder = copy_package(Path(scratch), package)
        resource = resources(folder)[pick % len(resources(folder))]
        path = folder / resource["path"]
        text = path.read_text(encoding="utf-8")
        at = pick % (len(text) + 1)
        text = text[:at] + damage + text[at:]
        try:
            path.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            path.write_bytes(text.encode("utf-8"))
        code, lines, problems = run_validator(folder)
        if code != 0:
            assert_refused_well(folder, code, lines, problems)
            return
        # Accepted: no field of the shipped schemas holds text over several lines, so what a person sees is
        # what is published: one row for each line, each line's own cells.
        physical = path.read_bytes().decode("utf-8").removeprefix("\ufeff").splitlines()
        meant = [next(csv.reader([line])) for line in physical if line]
        assert_published_unchanged(folder, {resource["path"]: meant})


SHAPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2),
    st.sampled_from(
        [
            "../../data/spend",
            "/etc/passwd",
            "../sources.csv",
            "https://example.org/schema.json",
            "javascript:alert(1)",
            "data:text/csv,a",
            "sources.csv",
            "x" * 6_000,
            "Spend Data",
            "tabular-data-package",
            json.loads("[" * 40 + "]" * 40),
        ]
    ),
)


def json_paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from json_paths(child, (*path, index))


@SETTINGS
@given(
    package=st.sampled_from(PACKAGES),
    pick=st.integers(min_value=0, max_value=100_000),
    value=SHAPES,
    drop=st.booleans(),
)
def test_a_descriptor_of_any_shape_is_refused_or_changes_no_row(package, pick, value, drop):
    with tempfile.TemporaryDirectory() as scratch:
        folder = copy_package(Path(scratch), package)
        descriptor_path = folder / "datapackage.json"
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        paths = [p for p in json_paths(descriptor) if p]
        *parents, last = paths[pick % len(paths)]
        holder = descriptor
        for key in parents:
            holder = holder[key]
        if drop:
            del holder[last]
        else:
            holder[last] = value
        descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        code, lines, problems = run_validator(folder)
        if code == 0:
            assert_published_unchanged(folder, {})
        else:
            assert_refused_well(folder, code, lines, problems)
