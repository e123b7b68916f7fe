"""Where each value of a JSON document starts, so descriptor errors can name a line.

``locate(text)`` walks the document with the standard library's own scanners and returns
``{path: (line, column)}``, where a path is a tuple of keys and list indexes, for example
``("resources", 0, "schema", "fields", 3, "type")``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from json.decoder import scanstring

_WHITESPACE = " \t\n\r"
_decoder = json.JSONDecoder()


def locate(text: str) -> dict[tuple, tuple[int, int]]:
    return _walk(text)[0]


def duplicate_keys(text: str) -> list[tuple[int, tuple, str]]:
    """(line, path of the object, key) for each key written twice in one object: JSON readers keep
    only one of the two values, and not all the same one, so what the validator read could differ."""
    return _walk(text)[1]


def _walk(text: str) -> tuple[dict[tuple, tuple[int, int]], list[tuple[int, tuple, str]]]:
    walker = _Walker(text)
    walker.value(0, ())
    return walker.found, walker.duplicates


class _Walker:
    """One pass over a JSON text: where each value starts, and the keys written twice."""

    def __init__(self, text: str):
        self.text = text
        self.found: dict[tuple, tuple[int, int]] = {}
        self.duplicates: list[tuple[int, tuple, str]] = []
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in _WHITESPACE:
            i += 1
        return i

    def value(self, i: int, path: tuple) -> int:
        i = self.skip(i)
        self.found[path] = self.position(i)
        if self.text[i] == "{":
            return self.object(i, path)
        if self.text[i] == "[":
            return self.array(i, path)
        _, end = _decoder.raw_decode(self.text, i)
        return end

    def object(self, i: int, path: tuple) -> int:
        text, i = self.text, self.skip(i + 1)
        if text[i] == "}":
            return i + 1
        keys = set()
        while True:
            start = self.skip(i)
            key, i = scanstring(text, start + 1)
            if key in keys:
                self.duplicates.append((self.position(start)[0], path, key))
            keys.add(key)
            i = self.skip(i) + 1  # the colon
            i = self.skip(self.value(i, path + (key,)))
            if text[i] == "}":
                return i + 1
            i += 1  # the comma

    def array(self, i: int, path: tuple) -> int:
        text, i = self.text, self.skip(i + 1)
        if text[i] == "]":
            return i + 1
        index = 0
        while True:
            i = self.skip(self.value(i, path + (index,)))
            index += 1
            if text[i] == "]":
                return i + 1
            i += 1  # the comma


def line_of(positions: dict[tuple, tuple[int, int]], path: tuple) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in positions:
            return positions[path][0]
        path = path[:-1]
    return positions.get((), (None,))[0]
