"""A data problem and the ways it is printed: plain text for people, annotations for GitHub."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    field: str | None
    message: str
    code: str
    column: int | None = None

    def sort_key(self):
        return (self.path, self.line or 0, self.field or "", self.message)

    def text(self) -> str:
        """One line, whatever the data held: control characters and line ends shown as escapes."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f":{self.field}"
        return one_line(f"{where}: {self.message}")

    def github(self) -> str:
        props = [f"file={_escape_property(self.path)}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.column is not None:
            props.append(f"col={self.column}")
        title = self.code if not self.field else f"{self.code} in {self.field}"
        props.append(f"title={_escape_property(title)}")
        return f"::error {','.join(props)}::{_escape_data(self.message)}"

    def as_dict(self) -> dict:
        return asdict(self)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    return _CONTROL.sub(
        lambda m: {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(m.group(), f"\\x{ord(m.group()):02x}"), text
    )


# GitHub's workflow-command escaping (toolkit/packages/core/src/command.ts).
def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def show(value: object) -> str:
    """A cell value as it reads in a message: numbers bare, text quoted, control characters visible."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    try:
        float(text)
        return text
    except ValueError:
        return repr(text) if any(c in text for c in "\t\r\n") else f"'{text}'"
