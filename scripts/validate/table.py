"""Read a CSV data file strictly: UTF-8 (a BOM is tolerated), and remember each row's line.

Frictionless numbers rows by position; an editor numbers lines. They differ when a quoted
cell spans lines, so every record keeps the line it starts on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts.validate import messages

BOM = b"\xef\xbb\xbf"
# Control characters no published cell may hold: C0 but tab and line ends, DEL, C1, and a carriage
# return that does not end a line (the csv reader would end a record there, unseen in an editor).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# The bytes without which a UTF-8 chunk cannot hold a CONTROL match: the C0 and DEL bytes it names, the carriage
# return, and the lead byte of U+0080 to U+009F. A chunk with none of them (nearly every chunk of a large file) is
# not searched character by character.
SUSPECT = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x0D, 0xC2])
UNSUSPECT = bytes(b for b in range(256) if b not in SUSPECT)
# A line with nothing on it; a regular expression finds it about three times faster than ``in`` finds either
# ending in a table, whose every line ends with one of its bytes.
BLANK_LINE = re.compile(rb"\n\r?\n")


class TableError(Exception):
    def __init__(self, message: str, line: int | None = None, code: str = "file-error", field: str | None = None):
        super().__init__(message)
        self.message, self.line, self.code, self.field = message, line, code, field


@dataclass
class Table:
    path: Path
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line each row starts on
    counted: int | None = None  # rows counted elsewhere, when only the header was read
    line_count: int = 0  # lines in the file, the last one with or without its newline
    blank_lines: bool = False

    @property
    def row_count(self) -> int:
        return self.counted if self.counted is not None else len(self.rows)

    def line_of_position(self, position: int) -> int:
        """Frictionless's row position (the header is 1) as an editor's line number."""
        if position <= 1:
            return 1
        index = position - 2
        return self.lines[index] if index < len(self.lines) else position

    def records(self):
        """(line, {field: cell}) for every data row."""
        for line, row in zip(self.lines, self.rows):
            yield line, dict(zip(self.header, row))


def read_table(path: Path, header_only: bool = False) -> Table:
    """The whole table, or with ``header_only`` just its header (the encoding is still checked)."""
    if header_only:
        table = _scan(path)
        if table is not None:
            return table
    raw, text = _decoded(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        table = Table(path=path, header=header)
        if header_only:
            table.line_count = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
            table.blank_lines = BLANK_LINE.search(raw) is not None
            return table
        previous_end = reader.line_num
        for row in reader:
            table.rows.append(row)
            table.lines.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as error:
        raise TableError(messages.unreadable_csv(error), line=reader.line_num, code="csv-error") from None
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if '"' not in text and len(table.rows) + 1 != physical:
        raise TableError(
            messages.damaged_line_ends(len(table.rows), physical - 1),
            line=1,
            code="record-count",
        )
    return table


def _decoded(path: Path) -> tuple[bytes, str]:
    """The file's bytes (without a byte-order mark) and its text: not empty, UTF-8, no control characters."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TableError(messages.FILE_NOT_FOUND, code="missing-file") from None
    raw = raw.removeprefix(BOM)
    if not raw or raw.isspace():
        raise TableError(messages.EMPTY_FILE, line=1, code="empty-file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise TableError(
            messages.file_not_utf8(raw[error.start], column),
            line=line,
            code="encoding-error",
        ) from None
    control = CONTROL.search(text)
    if control:
        raise _control_error(text, control.start())
    return raw, text


CHUNK = 1 << 20


def _scan(path: Path) -> Table | None:
    """A large file's header, line count and blank lines, read a chunk at a time so memory stays flat; None if
    anything may be wrong, and the whole-file read in ``read_table`` then words the problem as for a small file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head, lines, blank, spaces, tail, chunks = None, 0, False, True, b"", 0
    try:
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                if head is None:
                    chunk = chunk.removeprefix(BOM)
                text = decoder.decode(chunk)
                if chunk.translate(None, UNSUSPECT) and CONTROL.search(text):
                    return None  # or a carriage return split from its line feed by the chunk's end
                head = text if head is None else head
                lines += chunk.count(b"\n")
                seam = tail + chunk[:2]  # a blank line split by the chunk's start; no copy of the whole chunk
                blank = blank or BLANK_LINE.search(chunk) is not None or BLANK_LINE.search(seam) is not None
                spaces = spaces and chunk.isspace()
                tail = seam[-2:] if len(chunk) < 2 else chunk[-2:]
                chunks += 1
            decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return None
    if head is None or spaces:
        return None
    header = _header(head, complete=chunks == 1)
    if header is None:
        return None
    return Table(path=path, header=header, line_count=lines + (0 if tail.endswith(b"\n") else 1), blank_lines=blank)


def _header(text: str, complete: bool) -> list[str] | None:
    """The header record of ``text``; None unless it is whole (its line end read, or the file ends with it)."""
    stream = io.StringIO(text, newline="")
    try:
        header = next(csv.reader(stream))
    except (csv.Error, StopIteration):
        return None
    return header if complete or stream.tell() < len(text) else None


def _control_error(text: str, offset: int) -> TableError:
    """The first control character: its line, and the field its line's cell falls in."""
    char = text[offset]
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    field = None
    if line > 1:
        try:
            first = text[: text.find("\n")] if "\n" in text else text
            header = next(csv.reader([CONTROL.sub(" ", first)]), [])
            prefix = CONTROL.sub(" ", text[start:offset])
            column = next(csv.reader([prefix]), [""]) if prefix else [""]
        except csv.Error:
            header, column = [], []
        index = len(column) - 1
        field = header[index] if 0 <= index < len(header) else None
    return TableError(
        messages.control_character(char, offset - start + 1),
        line=line,
        code="control-character",
        field=field,
    )
