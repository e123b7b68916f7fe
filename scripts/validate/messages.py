"""How each data problem is worded, in one place, so both validation engines say the same thing."""

from __future__ import annotations

import re

from scripts.symbols import SHORT, SYMBOLS
from scripts.validate.problems import show

GSS_FORM = re.compile(r"^E(06|07|08|09|10)\d{6}$")
BLANK_NUMBER = "blank: write the number, or " + " or ".join(
    ", ".join(f"{symbol} ({SHORT[symbol]})" for symbol in SYMBOLS).rsplit(", ", 1)
)
WANTED = {
    "number": "a number",
    "integer": "a whole number",
    "date": "a date in the form YYYY-MM-DD",
    "yearmonth": "a month in the form YYYY-MM",
    "boolean": "true or false",
}


# What a number, whole number or date cell may hold, in both engines: plain ASCII, so that the
# validator, a spreadsheet and the site all read the same value (Python and frictionless would also
# take Infinity, NaN, 1e309, 1_000, spaces around, and digits of other scripts).
PLAIN = {
    "number": r"[+-]?[0-9]+(\.[0-9]+)?",
    "integer": r"[+-]?[0-9]+",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
_PLAIN = {kind: re.compile(pattern) for kind, pattern in PLAIN.items()}
_INFINITY, _NAN = ("inf", "infinity"), ("nan", "snan")


def is_plain(cell: str, kind: str) -> bool:
    """Whether a cell of a number, integer or date field is written plainly (other kinds: always)."""
    return kind not in _PLAIN or bool(_PLAIN[kind].fullmatch(cell))


def type_error(cell, spec: dict) -> str:
    kind = spec.get("type", "string")
    wanted = WANTED.get(kind, f"a valid {kind}")
    if kind in ("number", "integer") and isinstance(cell, str):
        word = cell.strip().lstrip("+-").lower()
        if word in _INFINITY:
            return f"{cell!r} is infinity, not {wanted}: write the value in digits, or a symbol such as [x]"
        if word in _NAN:
            return f"{cell!r} says 'not a number': write the value in digits, or a symbol such as [x]"
        if not is_plain(cell, kind) and any(c.isdigit() for c in cell):  # a number, written another way
            point = " and at most one decimal point" if kind == "number" else ""
            return (
                f"{cell!r} is not {wanted}: write only the digits 0 to 9, with an optional sign{point} "
                "(no spaces, exponent, underscore or other digits)"
            )
    if kind == "date" and isinstance(cell, str) and not is_plain(cell, kind):
        return f"{cell!r} is not {wanted}: use only the digits 0 to 9"
    return f"{show(cell)} is not {wanted}"


def constraint(name: str, limit, cell, spec: dict) -> str | None:
    if name == "required":
        return "a value is required" if cell in ("", None) else f"a value is required: {cell} is not allowed here"
    if name == "minimum":
        return f"{show(cell)} is below the minimum {limit}"
    if name == "maximum":
        return f"{show(cell)} is above the maximum {limit}"
    if name == "enum":
        return f"{show(cell)} is not one of: {', '.join(map(str, spec.get('constraints', {}).get('enum', [])))}"
    if name == "pattern":
        example = f" (for example {spec['example']})" if "example" in spec else ""
        return f"{show(cell)} does not match the pattern {limit}{example}"
    if name in ("minLength", "maxLength"):
        return f"{show(cell)} is {'shorter' if name == 'minLength' else 'longer'} than {limit} characters"
    return None


def unique(cell, previous_line) -> str:
    return f"{show(cell)} appears more than once: the same as line {previous_line}"


def key_fields(spec: dict) -> list[str]:
    names = spec["fields"]
    return [names] if isinstance(names, str) else list(names)


def empty_key(key: list[str]) -> str:
    return f"the key ({', '.join(key)}) is empty: every row needs a value in it"


def duplicate_key(cells, key: list[str], previous_line) -> str:
    return f"duplicate key ({', '.join(str(c) for c in cells)}): the same {' and '.join(key)} as line {previous_line}"


def foreign_key(cells, target: str, target_path: str, target_fields: list[str]) -> str:
    value = ", ".join(str(c) for c in cells)
    if target == "sources":
        return f"unknown source '{value}': it is not a source_id in {target_path}"
    return f"'{value}' is not an {','.join(target_fields)} in {target_path}"


# A negative number as printed ("-31.26", "-1,234"), or a lone "-" (a publisher's symbol), is no formula: both
# engines let it stand in a text field.
PRINTED_NEGATIVE = r"^-([0-9][0-9,]*(\.[0-9]+)?)?$"


def formula(cell: str) -> str:
    first = {"\t": "a tab", "\r": "a carriage return"}.get(cell[0], f"'{cell[0]}'")
    return (
        f"{show(cell)} starts with {first}, which a spreadsheet would run as a formula: "
        "reword the cell so it starts with a letter or digit"
    )


def financial_year(cell: str) -> str:
    start = int(cell[:4])
    return f"'{cell}' is not a financial year: after {start} comes {start + 1} ({start}-{(start + 1) % 100:02d})"


def unknown_gss(code: str, reference_display: str) -> str:
    return f"'{code}' is not a known GSS code: check it against ONS, then add it to {reference_display}"


def shares(group: list[str], values, total: float, tolerance: float, lines: str) -> str:
    where = ", ".join(f"{k}={v}" for k, v in zip(group, values))
    return f"shares for {where} add up to {total:g}, not 100 (±{tolerance:g}); rows on lines {lines}"


def shares_over(group: list[str], values, total: float, tolerance: float, lines: str) -> str:
    where = ", ".join(f"{k}={v}" for k, v in zip(group, values))
    return (
        f"the published shares for {where} already add up to {total:g}, over 100 (±{tolerance:g}), "
        f"before the ones shown as [c], [x] or [z]; rows on lines {lines}"
    )


def not_a_date(cell: str, month_only: bool) -> str:
    wanted = "a month in the form YYYY-MM" if month_only else "a real date: YYYY-MM-DD, or YYYY-MM or YYYY"
    return f"{show(cell)} is not {wanted}"


def small_count(cell, threshold: int) -> str:
    return f"{show(cell)} must be published as [c]: counts from 1 to {threshold - 1} are suppressed"


def too_long(size: int, longest: int) -> str:
    return f"the cell is {size:,} characters: the most allowed is {longest:,} (setting max_cell_chars)"


# --- the descriptor and the files it names (structure.py) ----------------------------------------

PACKAGE_SYMLINK = "is a symbolic link: put the package itself here"
FILE_SYMLINK = "is a symbolic link: put the file itself here"
NO_DESCRIPTOR = "file not found: every package folder needs a datapackage.json"
DESCRIPTOR_NOT_UTF8 = "not UTF-8: save the descriptor as UTF-8"
NESTS_TOO_DEEP = "nests too deep"
NO_RESOURCES = "the descriptor needs a list of resources"
INCOMPLETE_RESOURCE = "each resource needs a name, a path and a schema"
BLANK_ROW = "blank row: remove it"


def descriptor_too_large(size: int, largest: int) -> str:
    return f"is {size:,} bytes: the most allowed is {largest:,} (setting max_descriptor_bytes)"


def unreadable(reason: str) -> str:
    return f"cannot be read: {reason}"


def too_deep(deepest: int) -> str:
    return f"nests objects and lists more than {deepest} deep (setting max_json_depth)"


def bad_json(reason: str, column: int) -> str:
    return f"not valid JSON: {reason} (column {column})"


def duplicate_json_key(key: str) -> str:
    return (
        f"the key {key!r} appears twice in one object: JSON readers keep only one of the two values, "
        "and not all the same one"
    )


def bad_descriptor(note: str) -> str:
    return f"not a valid data package descriptor: {note}"


def missing_resource_file(resource: str, path: str) -> str:
    return f"resource '{resource}' names {path}, which does not exist"


def no_fields(resource: str) -> str:
    return f"resource '{resource}' needs schema.fields"


def unknown_type(resource: str, kind, known: list[str]) -> str:
    return f"resource '{resource}': unknown field type '{kind}'; use one of {', '.join(known)}"


def uncited(resource: str) -> str:
    return f"resource '{resource}' must cite a source: a source_id field with a foreign key to the sources resource"


def extra_column(name: str) -> str:
    return f"column '{name}' is not in the schema: remove it, or describe it in datapackage.json"


def missing_column(name: str, expected: list[str]) -> str:
    return f"column '{name}' is missing: the header must be {','.join(expected)}"


def duplicate_column(name: str) -> str:
    return f"column '{name}' appears more than once"


def column_order(position: int, got: str, want: str, expected: list[str]) -> str:
    return f"column {position} is '{got}' but the schema puts '{want}' there: the header must be {','.join(expected)}"


def multiline(spans: int, line: int, key: str) -> str:
    return (
        f"a quoted cell runs over {spans} lines, from line {line}, but this field does not allow "
        "text over several lines: close the quote on that line (or, for text that is meant to "
        f'span lines, mark the field "{key}": true in datapackage.json)'
    )


def row_length(kind: str) -> str:
    return f"this row has {'more' if kind == 'extra-cell' else 'fewer'} cells than the header has columns"
