"""Read the day-care values out of each kind of published file, by their labels.

Three kinds: the PSS EX1 return, one sheet per council (2000-01 to 2007-08); the council-level
unit-cost annex tables (2008-09 to 2013-14); the Adult Social Care Finance Return (2014-15).
Each reader returns ``Value``s carrying their locator; nothing here knows which year a file is for
beyond what the caller says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from scripts.imports.pss_ex1_tables import (
    ANNUAL_NOTE,
    ASCFR_CATEGORIES,
    ASCFR_SERVICE,
    ASCFR_SERVICE_HEADERS,
    CLIENT_WEEKS,
    EX1_LAYOUTS,
    HEADER_CORRECTIONS,
    UNIT_COST_LABELS,
    UNIT_COST_PARTS,
    Column,
)
from scripts.imports.rawcsv import Sheet, column_letter, published_value

SECTION = re.compile(r"^([A-Z]+):$")
CASSR_LABEL = re.compile(r"^\s*(\d{3})\s*-\s*(.*?)\s*$")
ENGLAND_LABEL = re.compile(r"^\s*(total\s+)?england\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    area: str  # a council's CASSR code, or the name of a published total ("England")
    measure: str
    value: str  # a plain number or a GSS symbol
    published: str  # the cell as printed
    path: str
    line: int
    row_label: str
    column: str  # the spreadsheet column letter
    column_label: str


# --- PSS EX1: one sheet per council or total --------------------------------------------------------


def ex1_values(sheet: Sheet, area: str) -> list[Value]:
    """The day-care line of the mental health section, every column of the sheet's layout."""
    col_row = _only(sheet, [i for i, row in enumerate(sheet.rows) if row and row[0].strip().lower() == "col a"], "a")
    columns = _layout(sheet, col_row)
    line = _day_care_line(sheet)
    row = sheet.rows[line]
    label = f"{row[0].strip()} {row[1].strip()}"
    values = []
    for column, index in columns:
        _confirm_header(sheet, col_row, index, column)
        values.append(_value(sheet, line, index, area, column.measure, label, sheet.cell(col_row, index).strip()))
    _check_formulas(sheet, col_row, line)
    return values


def _only(sheet: Sheet, found: list[int], what: str, near: int | None = None) -> int:
    if len(found) != 1:
        where = "no" if not found else f"{len(found)}"
        raise sheet.problem(found[1] if len(found) > 1 else near, f"{where} rows labelled {what!r}; expected one")
    return found[0]


def _col_labels(sheet: Sheet, col_row: int) -> dict[str, int]:
    labels: dict[str, int] = {}
    for index, cell in enumerate(sheet.rows[col_row]):
        text = cell.strip()
        if text and text != "NA":
            if text in labels:
                raise sheet.problem(col_row, f"the column label {text!r} stands twice")
            labels[text] = index
    return labels


def _layout(sheet: Sheet, col_row: int) -> list[tuple[Column, int]]:
    labels = _col_labels(sheet, col_row)
    matches = [name for name, cols in EX1_LAYOUTS.items() if all(c.label in labels for c in cols)]
    if len(matches) != 1:
        found = ", ".join(labels)
        raise sheet.problem(col_row, f"the col row ({found}) matches {len(matches)} known layouts; expected one")
    return [(c, labels[c.label]) for c in EX1_LAYOUTS[matches[0]]]


def _confirm_header(sheet: Sheet, col_row: int, index: int, column: Column) -> None:
    header = " ".join(sheet.cell(i, index) for i in range(1, col_row) if sheet.cell(i, index) != "NA").lower()
    header = " ".join(header.split())
    missing = [w for w in column.words if w not in header]
    if missing:
        raise sheet.problem(
            col_row, f"the header above {column.label!r} ({header!r}) lacks {missing}: it is not {column.measure}"
        )


def _day_care_line(sheet: Sheet) -> int:
    sections = [(i, SECTION.match(row[0].strip())) for i, row in enumerate(sheet.rows) if row]
    sections = [(i, m.group(1)) for i, m in sections if m]
    mental = [(i, s) for i, s in sections if "MENTAL HEALTH NEEDS" in " ".join(sheet.cell(i, 1).upper().split())]
    if len(mental) != 1:
        raise sheet.problem(mental[1][0] if mental else None, f"{len(mental)} mental health sections; expected one")
    start, letter = mental[0]
    end = next((i for i, _ in sections if i > start), len(sheet.rows))
    code = re.compile(rf"^{letter}\d+$")
    found = [
        i
        for i in range(start + 1, end)
        if code.match(sheet.cell(i, 0).strip()) and sheet.cell(i, 1).strip().lower() == "day care"
    ]
    return _only(sheet, found, f"{letter}n Day care", near=start)


def _value(sheet: Sheet, line: int, index: int, area: str, measure: str, row_label: str, col_label: str) -> Value:
    published = sheet.cell(line, index)
    value = published_value(published)
    if value is None:
        raise sheet.problem(line, f"{col_label}: {published!r} is neither a number nor a known symbol")
    return Value(
        area, measure, value, published, sheet.path, sheet.lines[line], row_label, column_letter(index), col_label
    )


FORMULA = re.compile(r"^col\s+([A-Z])\s*=\s*\(?\s*(.*?)\s*\)?$", re.IGNORECASE)


def _check_formulas(sheet: Sheet, col_row: int, line: int) -> None:
    """Every column the return defines by a formula (``col G = C + F``, ``col L = (I to K)``) adds up."""
    letters = {label.split()[1].upper(): index for label, index in _col_labels(sheet, col_row).items() if " " in label}
    for label, index in _col_labels(sheet, col_row).items():
        match = FORMULA.match(label)
        if not match:
            continue
        terms = _terms(match.group(2))
        if terms is None or any(letter not in letters for _, letter in terms):
            raise sheet.problem(col_row, f"cannot read the formula {label!r}")
        cells = [_number(sheet.cell(line, letters[letter])) for _, letter in terms]
        total = _number(sheet.cell(line, index))
        if total is None or any(c is None for c in cells):
            continue
        worked = sum(sign * cell for (sign, _), cell in zip(terms, cells))
        if abs(worked - total) > 0.5 * len(terms) + 1e-6:
            raise sheet.problem(line, f"{label}: the return prints {total:g} but its formula gives {worked:g}")


def _terms(expression: str) -> list[tuple[int, str]] | None:
    span = re.fullmatch(r"([A-Z])\s+to\s+([A-Z])", expression)
    if span:
        return [(1, chr(c)) for c in range(ord(span.group(1)), ord(span.group(2)) + 1)]
    tokens = expression.replace("(", " ").replace(")", " ").split()
    if not tokens or len(tokens) % 2 == 0:
        return None
    terms, sign = [], 1
    for position, token in enumerate(tokens):
        if position % 2:
            if token not in "+-":
                return None
            sign = 1 if token == "+" else -1
        elif re.fullmatch(r"[A-Z]", token):
            terms.append((sign, token))
        else:
            return None
    return terms


def _number(cell: str) -> float | None:
    value = published_value(cell)
    return None if value is None or value.startswith("[") else float(value)


# --- The unit-cost annex tables ----------------------------------------------------------------------


def _normal(text: str) -> str:
    text = " ".join(text.lower().split())
    return re.sub(r"31(st)? march \d{4}", "31 march", text)


def unit_cost_values(sheet: Sheet) -> list[Value]:
    header = _only(
        sheet,
        [i for i, row in enumerate(sheet.rows) if any(_normal(c) in UNIT_COST_LABELS for c in row)],
        "day care headers",
    )
    columns = _unit_cost_columns(sheet, header)
    values = []
    for line, area in _area_rows(sheet, header):
        label = sheet.rows[line][0]
        for measure, index in columns.items():
            values.append(_value(sheet, line, index, area, measure, label, sheet.cell(header, index)))
    _check_corrections(sheet, values)
    annual = any(ANNUAL_NOTE in " ".join(cell.lower().split()) for row in sheet.rows for cell in row[:1])
    _check_unit_costs(sheet, values, 1 if annual else 52)
    if annual:  # the counts headed "per week" are client weeks in the year, as the table's note says
        values = [replace(v, measure=CLIENT_WEEKS.get(v.measure, v.measure)) for v in values]
    return values


def _unit_cost_columns(sheet: Sheet, header: int) -> dict[str, int]:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(sheet.rows[header]):
        measure = UNIT_COST_LABELS.get(_normal(cell))
        if measure:
            found.setdefault(measure, []).append(index)
    for fix in (c for c in HEADER_CORRECTIONS if c.path == sheet.path):
        so_headed = found.get(fix.label_measure, [])
        if fix.measure in found or len(so_headed) < fix.occurrence:
            raise sheet.problem(header, f"the header correction for {fix.measure} no longer fits: {fix.reason}")
        found[fix.measure] = [so_headed.pop(fix.occurrence - 1)]
    columns = {}
    for measure in dict.fromkeys(UNIT_COST_LABELS.values()):
        indexes = found.get(measure, [])
        if len(indexes) != 1:
            raise sheet.problem(header, f"{len(indexes)} columns headed as {measure}; expected one")
        columns[measure] = indexes[0]
    return columns


def _area_rows(sheet: Sheet, header: int) -> Iterator[tuple[int, str]]:
    seen: dict[str, int] = {}
    for line in range(header + 1, len(sheet.rows)):
        label = sheet.cell(line, 0)
        council = CASSR_LABEL.match(label)
        area = council.group(1) if council else "England" if ENGLAND_LABEL.match(label) else None
        if area is None:
            continue
        if area in seen:
            raise sheet.problem(line, f"{area} has a second row (the first is line {sheet.lines[seen[area]]})")
        seen[area] = line
        yield line, area


def _by_area(values: list[Value]) -> dict[str, dict[str, Value]]:
    table: dict[str, dict[str, Value]] = {}
    for v in values:
        table.setdefault(v.area, {})[v.measure] = v
    return table


def _check_corrections(sheet: Sheet, values: list[Value]) -> None:
    for fix in (c for c in HEADER_CORRECTIONS if c.path == sheet.path):
        for row in _by_area(values).values():
            parts = [_number(row[p].published) for p in fix.parts]
            whole = _number(row[fix.measure].published)
            if whole is None or any(p is None for p in parts):
                continue
            if abs(whole - sum(parts)) > 0.5 * (len(parts) + 1):
                v = row[fix.measure]
                raise sheet.problem(
                    sheet.lines.index(v.line),
                    f"column {v.column} is read as {fix.measure}, but {fix.parts} add to {sum(parts):g}, not {whole:g}",
                )


def _check_unit_costs(sheet: Sheet, values: list[Value], weeks: int) -> None:
    """A published unit cost lies within what its rounded cost and clients allow (cost x 1000 / clients / weeks)."""
    for row in _by_area(values).values():
        for unit, (cost, clients) in UNIT_COST_PARTS.items():
            u, c, n = (_number(row[m].published) for m in (unit, cost, clients))
            if u is None or c is None or n is None:
                continue
            printed = row[unit].published.strip()
            half = 0.5 * 10 ** -(len(printed.split(".")[1]) if "." in printed else 0)
            low = (c - 0.5) * 1000 / ((n + 2.5) * weeks) - half
            high = (c + 0.5) * 1000 / ((n - 2.5) * weeks) + half if n > 2.5 else float("inf")
            if not low <= u <= high:
                v = row[unit]
                raise sheet.problem(
                    sheet.lines.index(v.line),
                    f"{unit} {u:g} disagrees with cost {c:g} and {n:g} clients a week (expected {low:.1f} to {high:.1f})",
                )


# --- The Adult Social Care Finance Return, 2014-15 ----------------------------------------------------


def ascfr_values(sheet: Sheet) -> list[Value]:
    n = len(ASCFR_SERVICE_HEADERS)
    header = _only(
        sheet,
        [i for i, row in enumerate(sheet.rows) if tuple(c.strip() for c in row[:n]) == ASCFR_SERVICE_HEADERS],
        "Support type",
    )
    councils = {i: m.group(1) for i, c in enumerate(sheet.rows[header]) if (m := CASSR_LABEL.match(c))}
    values = []
    for category, measure in ASCFR_CATEGORIES.items():
        key = (*ASCFR_SERVICE, category)
        line = _only(
            sheet, [i for i, row in enumerate(sheet.rows) if tuple(c.strip() for c in row[:n]) == key], " / ".join(key)
        )
        label = " / ".join(key)
        for index, area in councils.items():
            values.append(_value(sheet, line, index, area, measure, label, sheet.cell(header, index)))
    return values
