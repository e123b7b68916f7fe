"""HM Treasury's GDP deflators, read from the published workbook: one index value per financial year.

The workbook is read as what an .xlsx is (a zip of XML sheets), so no spreadsheet library is needed.
A year is found by its label ("2000-01") in the financial-year column, and its index is the number
beside it in the column headed with the base ("2018-19 = 100").
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from scripts.imports.rawcsv import ImportProblem, plain

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
YEAR = re.compile(r"^(\d{4})-(\d{2})$")
BASE = re.compile(r"^(\d{4}-\d{2}) = 100$")
CELL = re.compile(r"^([A-Z]+)(\d+)$")


def cells(path: Path) -> dict[str, str]:
    """Every cell of the workbook's first sheet that holds a value: reference ("C53") -> its text."""
    with zipfile.ZipFile(path) as book:
        shared = [
            "".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t"))
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    found = {}
    for cell in sheet.iter(f"{{{NS['m']}}}c"):
        value = cell.find("m:v", NS)
        if value is None or value.text is None:
            continue
        found[cell.get("r")] = shared[int(value.text)] if cell.get("t") == "s" else value.text
    return found


def financial_years(path: Path, display: str, first: str, last: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(base year, [(financial year, index, cell)]) for every year from first to last, or ImportProblem."""
    grid = cells(path)
    bases = [(ref, BASE.match(text.strip())) for ref, text in grid.items() if BASE.match(text.strip())]
    if not bases:
        raise ImportProblem(display, None, "no column headed 'YYYY-YY = 100'")
    base_ref, base = min(bases, key=lambda b: _position(b[0]))
    base_column = CELL.match(base_ref).group(1)
    rows = []
    for ref, text in grid.items():
        column, row = CELL.match(ref).groups()
        if YEAR.match(text.strip()) and first <= text.strip() <= last and _number(column) + 1 == _number(base_column):
            number = grid.get(f"{base_column}{row}", "")
            try:
                rows.append((text.strip(), plain(float(number)), f"{base_column}{row}"))
            except ValueError:
                raise ImportProblem(display, None, f"cell {base_column}{row} ({number!r}) is not a number") from None
    years = [r[0] for r in rows]
    if len(set(years)) != len(years):
        raise ImportProblem(display, None, "a financial year stands twice in the year column")
    return base.group(1), sorted(rows)


def _position(ref: str) -> tuple[int, str]:
    column, row = CELL.match(ref).groups()
    return int(row), column


def _number(column: str) -> int:
    number = 0
    for letter in column:
        number = number * 26 + ord(letter) - 64
    return number
