"""A columnar engine for large files: frictionless's row checks and the project rules, in DuckDB SQL.

Frictionless checks a row at a time in Python (about 39,000 rows a second here). For a file
over ``columnar_threshold_bytes`` this engine runs the same checks as whole-column SQL and
reports the same problems with the same file, line, field and message; the fault corpus is
run through both engines to prove it (tests/test_columnar.py).

It declines what it cannot reproduce exactly, and frictionless checks those files instead:
field types other than string, number, integer and date; string formats; field-level
missing values; exclusive bounds; records spanning lines; blank rows; rows of the wrong length.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import duckdb

from scripts.datapackages import primary_key
from scripts.settings import default
from scripts.symbols import SYMBOLS
from scripts.validate import messages
from scripts.validate.problems import Problem

TYPES = {"string", "number", "integer", "date"}
CONSTRAINTS = {"required", "minLength", "maxLength", "pattern", "enum", "minimum", "maximum", "unique"}
# Number, integer and date cells must be written plainly (messages.PLAIN): structure.py reports
# any other in the frictionless engine as a type error, as this one does.
NUMBER, INTEGER, DATE = (messages.PLAIN[kind] for kind in ("number", "integer", "date"))


def pattern_problem(pattern: str) -> str | None:
    """Why a schema pattern cannot be used; None if it can. Patterns run in RE2 (DuckDB's regular
    expressions) in both engines: linear in the cell's length, so no pattern backtracks for ever."""
    try:
        duckdb.connect().execute("SELECT regexp_full_match('', ?)", [pattern])
    except duckdb.Error as error:
        return str(error).removeprefix("Invalid Input Error: ")
    return None


def not_matching(pattern: str, cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The (line, cell) pairs whose cell does not match ``pattern`` whole, in RE2."""
    if not cells:
        return []
    lines, values = zip(*cells)
    return (
        duckdb.connect()
        .execute(
            "SELECT line, cell FROM (SELECT unnest(?) AS line, unnest(?) AS cell) "
            "WHERE NOT regexp_full_match(cell, ?) ORDER BY line",
            [list(lines), list(values), pattern],
        )
        .fetchall()
    )


class Declined(Exception):
    """The file has something only frictionless can check exactly."""


def supports(schema: dict) -> bool:
    from scripts.validate.rules import is_link

    for spec in schema["fields"]:
        if spec.get("type", "string") not in TYPES or spec.get("format", "default") != "default":
            return False
        if spec.get("type", "string") == "string" and is_link(spec):
            return False  # links are checked in Python (rules.py) only
        if "missingValues" in spec or set(spec.get("constraints", {})) - CONSTRAINTS:
            return False
        if spec.get("type") == "string" and spec.get("bareNumber") is not None:
            return False
    return "" in schema.get("missingValues", [""])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


@dataclass
class Column:
    """SQL for one field: is the cell missing, is it of its type, and its typed value."""

    spec: dict
    symbols: list[str]

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def raw(self) -> str:
        return _quote(self.name)

    @property
    def kind(self) -> str:
        return self.spec.get("type", "string")

    @property
    def missing(self) -> str:
        symbols = ", ".join(_literal(s) for s in self.symbols)
        return f"({self.raw} IS NULL" + (f" OR {self.raw} IN ({symbols}))" if symbols else ")")

    @property
    def valid(self) -> str:
        if self.kind == "number":
            return f"regexp_full_match({self.raw}, '{NUMBER}')"
        if self.kind == "integer":
            return f"regexp_full_match({self.raw}, '{INTEGER}')"
        if self.kind == "date":
            return f"(regexp_full_match({self.raw}, '{DATE}') AND TRY_CAST({self.raw} AS DATE) IS NOT NULL)"
        return "TRUE"

    @property
    def typed(self) -> str:
        """The value frictionless compares: NULL when missing or not of the type."""
        if self.kind == "number":
            value = f"TRY_CAST({self.raw} AS DOUBLE)"
        elif self.kind == "integer":
            value = f"TRY_CAST({self.raw} AS HUGEINT)"
        elif self.kind == "date":
            value = f"TRY_CAST({self.raw} AS DATE)"
        else:
            value = self.raw
        return f"(CASE WHEN {self.missing} OR NOT {self.valid} THEN NULL ELSE {value} END)"

    def bound(self, value) -> str:
        return f"DATE {_literal(value)}" if self.kind == "date" else _literal(value)


class ColumnarPackage:
    """One DuckDB connection holding the tables of a package this engine checks."""

    def __init__(self, package):
        self.package = package
        settings = package.settings
        # Within a declared memory limit: past it DuckDB works through files in a folder of its own.
        self.spill = tempfile.TemporaryDirectory(prefix="columnar-")
        self.connection = duckdb.connect(
            config={
                "memory_limit": f"{int(settings.get('columnar_memory_mb', default('columnar_memory_mb')))}MB",
                "threads": int(settings.get("columnar_threads", default("columnar_threads"))),
                "temp_directory": self.spill.name,
            }
        )
        self.loaded: dict[str, str] = {}

    def load(self, name: str) -> str:
        """Load a resource as all-text columns, in file order; return its table name."""
        if name in self.loaded:
            return self.loaded[name]
        schema = self.package.schema(name)
        table = f"r{len(self.loaded)}"
        path = self.package.folder / self.package.resource(name)["path"]
        columns = {spec["name"]: "VARCHAR" for spec in schema["fields"]}
        try:
            self.connection.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, columns = ?, auto_detect = false, "
                "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)",
                [str(path), columns],
            )
        except duckdb.Error as error:
            raise Declined(str(error)) from None
        self.loaded[name] = table
        return table

    def columns(self, name: str) -> list[Column]:
        schema = self.package.schema(name)
        symbols = [s for s in schema.get("missingValues", [""]) if s != ""]
        return [Column(spec, symbols) for spec in schema["fields"]]

    def query(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()


def _check_layout(table, rows: int) -> None:
    """Line n holds row n: no record spans lines and no line is blank."""
    if table.blank_lines:
        raise Declined("blank rows")
    if table.line_count != rows + 1:
        raise Declined("records span lines")


def _scan(columnar: ColumnarPackage, name: str, tests: list) -> list[Problem]:
    """Run every per-cell test in one pass over the table; only failing rows come back."""
    if not tests:
        return []
    columns = [c.name for c in columnar.columns(name)]
    flags = [f"coalesce({condition}, false)" for condition, _, _ in tests]
    sql = (
        f"SELECT rowid + 2, {', '.join(_quote(c) for c in columns)}, {', '.join(flags)} "
        f"FROM {columnar.loaded[name]} WHERE {' OR '.join(flags)} ORDER BY rowid"
    )
    problems = []
    for row in columnar.query(sql):
        line, cells, hits = row[0], dict(zip(columns, row[1 : 1 + len(columns)])), row[1 + len(columns) :]
        for hit, (_, field, make) in zip(hits, tests):
            if hit:
                problems.append(make(line, cells[field]))
    return problems


def check_rows(columnar: ColumnarPackage, name: str) -> list[Problem]:
    """Type, constraint, unique, primary-key and foreign-key problems, as frictionless reports them."""
    table = columnar.load(name)
    schema = columnar.package.schema(name)
    path = columnar.package.folder / columnar.package.resource(name)["path"]
    (rows,) = columnar.query(f"SELECT count(*) FROM {table}")[0]
    _check_layout(columnar.package.tables[name], rows)
    line = "rowid + 2"
    where = str(path)
    problems: list[Problem] = []

    def add(sql: str, build):
        for result in columnar.query(sql):
            problems.append(build(*result))

    cell_tests = []  # (condition, field, make(line, cell) -> Problem), all checked in one scan
    for column in columnar.columns(name):
        spec, raw, field = column.spec, column.raw, column.name
        constraints = spec.get("constraints", {})
        if column.kind != "string":
            cell_tests.append(
                (
                    f"NOT {column.missing} AND NOT {column.valid}",
                    field,
                    lambda ln, cell, spec=spec: Problem(
                        where, ln, spec["name"], messages.type_error(cell, spec), "type-error"
                    ),
                )
            )
        checked = f"({column.missing} OR {column.valid})"
        tests = []
        if constraints.get("required"):
            tests.append(("required", f"{column.missing}"))
        if "minLength" in constraints:
            tests.append(("minLength", f"NOT {column.missing} AND length({raw}) < {int(constraints['minLength'])}"))
        if "maxLength" in constraints:
            tests.append(("maxLength", f"NOT {column.missing} AND length({raw}) > {int(constraints['maxLength'])}"))
        if "pattern" in constraints:
            tests.append(
                (
                    "pattern",
                    f"NOT {column.missing} AND NOT regexp_full_match({raw}, {_literal(constraints['pattern'])})",
                )
            )
        if "minimum" in constraints:
            tests.append(
                (
                    "minimum",
                    f"{column.typed} IS NOT NULL AND NOT ({column.typed} >= {column.bound(constraints['minimum'])})",
                )
            )
        if "maximum" in constraints:
            tests.append(
                (
                    "maximum",
                    f"{column.typed} IS NOT NULL AND NOT ({column.typed} <= {column.bound(constraints['maximum'])})",
                )
            )
        if "enum" in constraints:
            allowed = ", ".join(column.bound(v) for v in constraints["enum"])
            tests.append(("enum", f"{column.typed} IS NOT NULL AND {column.typed} NOT IN ({allowed})"))
        for constraint, test in tests:
            cell_tests.append(
                (
                    f"{checked} AND {test}",
                    field,
                    lambda ln, cell, constraint=constraint, spec=spec: Problem(
                        where,
                        ln,
                        spec["name"],
                        messages.constraint(
                            constraint, spec["constraints"][constraint], "" if cell is None else cell, spec
                        ),
                        "constraint-error",
                    ),
                )
            )
        if constraints.get("unique"):
            add(
                f"SELECT {line}, {raw}, previous FROM (SELECT rowid, {raw}, lag(rowid) OVER (PARTITION BY {column.typed} ORDER BY rowid) + 2 AS previous "
                f"FROM {table} WHERE {column.typed} IS NOT NULL) WHERE previous IS NOT NULL",
                lambda ln, cell, previous, field=field: Problem(
                    where, ln, field, messages.unique(cell, previous), "unique-error"
                ),
            )
    problems.extend(_scan(columnar, name, cell_tests))

    columns = {c.name: c for c in columnar.columns(name)}
    key = primary_key(schema)
    if key:
        typed = [columns[k].typed for k in key]
        raw = ", ".join(columns[k].raw for k in key)
        all_missing = " AND ".join(f"{t} IS NULL" for t in typed)
        key_tests = [
            (
                all_missing,
                key[0],
                lambda ln, cell: Problem(where, ln, ",".join(key), messages.empty_key(key), "primary-key"),
            )
        ]
        problems.extend(_scan(columnar, name, key_tests))
        # Find repeated keys with a hash aggregate; only their rows are then put in order.
        slots = ", ".join(f"{t} AS k{i}" for i, t in enumerate(typed))
        same = " AND ".join(f"d.k{i} IS NOT DISTINCT FROM {t}" for i, t in enumerate(typed))
        add(
            f"WITH d AS (SELECT {slots} FROM {table} WHERE NOT ({all_missing}) GROUP BY ALL HAVING count(*) > 1) "
            f"SELECT ln, previous, {', '.join(columns[k].raw for k in key)} FROM (SELECT rowid + 2 AS ln, {raw}, "
            f"lag(rowid) OVER (PARTITION BY {', '.join(typed)} ORDER BY rowid) + 2 AS previous "
            f"FROM {table} WHERE EXISTS (SELECT 1 FROM d WHERE {same})) WHERE previous IS NOT NULL",
            lambda ln, previous, *cells: Problem(
                where, ln, ",".join(key), messages.duplicate_key(cells, key, previous), "primary-key"
            ),
        )

    descriptor = columnar.package.descriptor
    for fk in schema.get("foreignKeys", []):
        target = fk["reference"]["resource"]
        if target in columnar.package.broken:
            continue
        fields = messages.key_fields(fk)
        target_fields = messages.key_fields(fk["reference"])
        reference = columnar.load(target)
        target_columns = {c.name: c for c in columnar.columns(target)}
        own = [columns[f] for f in fields]
        # Both tables may have a column of the same name: qualify every reference to each.
        matches = " AND ".join(
            f"{target_columns[t].typed.replace(target_columns[t].raw, 'ref.' + target_columns[t].raw)} "
            f"IS NOT DISTINCT FROM {c.typed.replace(c.raw, 'own.' + c.raw)}"
            for c, t in zip(own, target_fields)
        )
        target_path = next((r["path"] for r in descriptor["resources"] if r["name"] == target), target)
        add(
            f"SELECT rowid + 2, {', '.join(c.raw for c in own)} FROM {table} AS own "
            f"WHERE NOT ({' AND '.join(f'{c.typed} IS NULL' for c in own)}) "
            f"AND NOT EXISTS (SELECT 1 FROM {reference} AS ref WHERE {matches})",
            lambda ln, *cells, fields=fields, target=target, target_path=target_path, target_fields=target_fields: (
                Problem(
                    where,
                    ln,
                    ",".join(fields),
                    messages.foreign_key(cells, target, target_path, target_fields),
                    "foreign-key",
                )
            ),
        )
    return problems


def check_rules(columnar: ColumnarPackage, name: str, settings: dict) -> list[Problem]:
    """The project rules of scripts/validate/rules.py, over whole columns."""
    from scripts.validate.rules import DATE_FIELD, date_problem

    table = columnar.loaded[name]
    path = str(columnar.package.folder / columnar.package.resource(name)["path"])
    problems: list[Problem] = []
    cell_tests = []
    longest = columnar.package.settings.get("max_cell_chars")
    for column in columnar.columns(name):
        raw, field, kind = column.raw, column.name, column.kind
        if longest is not None:
            cell_tests.append(
                (
                    f"length({raw}) > {int(longest)}",
                    field,
                    lambda ln, cell, field=field: Problem(
                        path, ln, field, messages.too_long(len(cell), longest), "cell-too-large"
                    ),
                )
            )
        if kind == "string" and DATE_FIELD.match(field):
            month_only = field == "month"
            real = [
                f"(regexp_full_match({raw}, '[12]\\d{{3}}-\\d{{2}}') AND TRY_CAST({raw} || '-01' AS DATE) IS NOT NULL)"
            ]
            if not month_only:
                real += [
                    f"regexp_full_match({raw}, '[12]\\d{{3}}')",
                    f"(regexp_full_match({raw}, '[12]\\d{{3}}-\\d{{2}}-\\d{{2}}') AND TRY_CAST({raw} AS DATE) IS NOT NULL)",
                ]
            cell_tests.append(
                (
                    f"NOT {column.missing} AND NOT ({' OR '.join(real)})",
                    field,
                    lambda ln, cell, field=field, month_only=month_only: Problem(
                        path, ln, field, date_problem(cell, month_only), "date-error"
                    ),
                )
            )
        if kind == "string":
            cell_tests.append(
                (
                    (
                        f"left({raw}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
                        f"AND NOT regexp_full_match({raw}, '{messages.PRINTED_NEGATIVE}')"
                    ),
                    field,
                    lambda ln, cell, field=field: Problem(path, ln, field, messages.formula(cell), "formula-injection"),
                )
            )
        if kind in ("number", "integer"):
            cell_tests.append(
                (
                    f"{raw} IS NULL",
                    field,
                    lambda ln, cell, field=field: Problem(path, ln, field, messages.BLANK_NUMBER, "blank-number"),
                )
            )
        if field == "financial_year":
            cell_tests.append(
                (
                    (
                        f"regexp_full_match({raw}, '\\d{{4}}-\\d{{2}}') "
                        f"AND (CAST(left({raw}, 4) AS INTEGER) + 1) % 100 <> CAST(right({raw}, 2) AS INTEGER)"
                    ),
                    field,
                    lambda ln, cell, field=field: Problem(
                        path, ln, field, messages.financial_year(cell), "financial-year"
                    ),
                )
            )
        if field == "authority_code":
            codes = ", ".join(_literal(c) for c in sorted(settings["known_codes"])) or "NULL"
            cell_tests.append(
                (
                    f"regexp_full_match({raw}, '{messages.GSS_FORM.pattern}') AND {raw} NOT IN ({codes})",
                    field,
                    lambda ln, cell, field=field: Problem(
                        path, ln, field, messages.unknown_gss(cell, settings["gss_codes_display"]), "unknown-gss-code"
                    ),
                )
            )
        if column.spec.get("disclosureControl"):
            threshold = settings["suppression_threshold"]
            cell_tests.append(
                (
                    (
                        f"regexp_full_match({raw}, '{NUMBER}') AND TRY_CAST({raw} AS DOUBLE) > 0 "
                        f"AND TRY_CAST({raw} AS DOUBLE) < {threshold}"
                    ),
                    field,
                    lambda ln, cell, field=field, threshold=threshold: Problem(
                        path, ln, field, messages.small_count(cell, threshold), "unsuppressed-count"
                    ),
                )
            )
        group = column.spec.get("sumsTo100Within")
        if group:
            keys = [_quote(k) for k in group]
            symbols = ", ".join(_literal(s) for s in SYMBOLS)
            for first, lines, hidden, total, *values in columnar.query(
                f"SELECT min(rowid) + 2, string_agg(CAST(rowid + 2 AS VARCHAR), ', ' ORDER BY rowid), "
                f"count(*) FILTER (WHERE {raw} IN ({symbols})), "
                f"sum(TRY_CAST({raw} AS DOUBLE)) FILTER (WHERE {raw} NOT IN ({symbols})), "
                f"{', '.join(f'coalesce({k}, {_literal(chr(0))})' for k in keys)} FROM {table} GROUP BY {', '.join(keys)} "
                f"HAVING count(*) FILTER (WHERE {raw} IS NULL OR ({raw} NOT IN ({symbols}) AND NOT regexp_full_match({raw}, '{NUMBER}'))) = 0 "
                f"AND count(*) FILTER (WHERE {raw} NOT IN ({symbols})) > 0"
            ):
                tolerance = settings["share_tolerance"]
                values = ["" if v == chr(0) else v for v in values]
                if hidden and total > 100 + tolerance:
                    message = messages.shares_over(group, values, total, tolerance, lines)
                elif not hidden and abs(total - 100) > tolerance:
                    message = messages.shares(group, values, total, tolerance, lines)
                else:
                    continue
                problems.append(Problem(path, first, field, message, "shares-sum"))
    problems.extend(_scan(columnar, name, cell_tests))
    return problems
