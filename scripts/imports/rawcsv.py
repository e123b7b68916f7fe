"""A published CSV file read as a grid of cells, each row keeping the line an editor shows.

The official files come in two encodings (UTF-8, sometimes with a byte-order mark, and Windows-1252
for the later annex tables); a file that is valid UTF-8 is read as UTF-8, any other as Windows-1252.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

# The symbols the publishers print in place of a number, and ours (GSS) for each.
SYMBOLS = {
    "..": "[x]",  # "data not available"
    ".": "[z]",  # "not applicable"
    "-": "[c]",  # "data is suppressed" (2011-12 annex)
    "NA": "[x]",  # an empty cell of the workbook, as the CSV copy writes it
    "": "[x]",
}
NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


class ImportProblem(Exception):
    """What stops an import: the file, the line an editor shows, and what is wrong."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Sheet:
    path: str  # relative to the raw folder, with forward slashes
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]  # the line each row starts on

    def cell(self, index: int, column: int) -> str:
        row = self.rows[index]
        return row[column] if column < len(row) else ""

    def problem(self, index: int | None, message: str) -> ImportProblem:
        return ImportProblem(self.path, None if index is None else self.lines[index], message)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_sheet(root: Path, relative: str) -> Sheet:
    text = decode((root / relative).read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, lines, start = [], [], 1
    for row in reader:
        rows.append(tuple(row))
        lines.append(start)
        start = reader.line_num + 1
    return Sheet(relative, tuple(rows), tuple(lines))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def published_value(text: str) -> str | None:
    """A published cell as our value: a plain decimal number, or a GSS symbol; None if it is neither."""
    cell = text.strip()
    if cell in SYMBOLS:
        return SYMBOLS[cell]
    if NUMBER.match(cell):
        number = float(cell.replace(",", ""))
        return plain(number)
    return None


def plain(number: float) -> str:
    """The shortest decimal that reads back as the same number, without an exponent or a trailing .0.

    The CSV copies of the early workbooks print binary floats in full (2515.2869999999998); this
    gives the number the workbook held (2515.287)."""
    text = repr(number)
    if "e" in text or "E" in text:
        text = f"{number:.10f}".rstrip("0").rstrip(".")
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text
