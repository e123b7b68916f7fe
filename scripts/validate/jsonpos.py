"""Where each value of a JSON document starts, so descriptor errors can name a line.

``locate(text)`` walks the document with the standard library's own scanners and returns
``{path: (line, column)}``, where a path is a tuple of keys and list indexes, for example
``("resources", 0, "schema", "fields", 3, "type")``.
"""

from __future__ import annotations

import json
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
    found: dict[tuple, tuple[int, int]] = {}
    duplicates: list[tuple[int, tuple, str]] = []
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(offset: int) -> tuple[int, int]:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - line_starts[lo] + 1

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WHITESPACE:
            i += 1
        return i

    def value(i: int, path: tuple) -> int:
        i = skip(i)
        found[path] = position(i)
        if text[i] == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            keys = set()
            while True:
                start = skip(i)
                key, i = scanstring(text, start + 1)
                if key in keys:
                    duplicates.append((position(start)[0], path, key))
                keys.add(key)
                i = skip(i) + 1  # the colon
                i = skip(value(i, path + (key,)))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(value(i, path + (index,)))
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        _, end = _decoder.raw_decode(text, i)
        return end

    value(0, ())
    return found, duplicates


def line_of(positions: dict[tuple, tuple[int, int]], path: tuple) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in positions:
            return positions[path][0]
        path = path[:-1]
    return positions.get((), (None,))[0]
