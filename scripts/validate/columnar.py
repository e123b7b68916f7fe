"""A columnar engine for large files: frictionless's row checks and the project rules, in DuckDB SQL.

Frictionless checks a row at a time in Python (about 39,000 rows a second here). For a file
over ``columnar_threshold_bytes`` this engine runs the same checks as whole-column SQL and
reports the same problems with the same file, line, field and message; the fault corpus is
run through both engines to prove it (tests/test_columnar.py).

DuckDB reads a file once (``load``), and as it reads it marks the rows a per-cell test may hold for: every type,
constraint and size test and every cell rule, the same SQL the checks then run. The table keeps whole only the
fields a query over all rows reads (keys, unique fields, foreign keys, group rules); the others are kept for the
marked rows alone, in one list per row, so a million clean rows take about 70 MB rather than 120 MB, within the
memory limit, and are read on every thread. The checks then run each test on the marked rows only (``_scan``).

It declines what it cannot reproduce exactly, and frictionless checks those files instead:
field types other than string, number, integer and date; string formats; field-level
missing values; exclusive bounds; records spanning lines; blank rows; rows of the wrong length.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import duckdb

from scripts.datapackages import primary_key, reference_target
from scripts.settings import validation_settings, value
from scripts.validate import messages
from scripts.validate.problems import Problem
from scripts.validate.rules import RULES, CellRule, Field, GroupRule, field_of
from scripts.validate.sql import literal, quote

TYPES = {"string", "number", "integer", "date"}
READING, TABLE = "reading", "table"  # ColumnarPackage.columns: as load reads a file, and in the table it made
CONSTRAINTS = {"required", "minLength", "maxLength", "pattern", "enum", "minimum", "maximum", "unique"}
# Number, integer and date cells must be written plainly (messages.PLAIN): structure.py reports
# any other in the frictionless engine as a type error, as this one does. A plain cell is cast to its SQL type.
SQL_TYPES = {"number": "DOUBLE", "integer": "HUGEINT", "date": "DATE"}


class Declined(Exception):
    """The file has something only frictionless can check exactly."""


class OutOfMemory(Exception):
    """DuckDB could not read the file within ``columnar_memory_mb``: reading it whole in Python instead would take
    many times that memory, so the file is reported unchecked rather than quietly read another way."""


def supports(schema: dict) -> bool:
    for spec in schema["fields"]:
        if spec.get("type", "string") not in TYPES or spec.get("format", "default") != "default":
            return False
        if "missingValues" in spec or set(spec.get("constraints", {})) - CONSTRAINTS:
            return False
        if spec.get("type") == "string" and spec.get("bareNumber") is not None:
            return False
    return "" in schema.get("missingValues", [""])


@dataclass
class Column:
    """SQL for one field: is the cell missing, is it of its type, and its typed value. ``made``: those already worked
    out once per row (``ColumnarPackage.columns``), by property, as the column holding them."""

    spec: dict
    symbols: list[str]
    made: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def raw(self) -> str:
        return quote(self.name)

    @property
    def kind(self) -> str:
        return self.spec.get("type", "string")

    @property
    def missing(self) -> str:
        if "missing" in self.made:
            return self.made["missing"]
        symbols = ", ".join(literal(s) for s in self.symbols)
        return f"({self.raw} IS NULL" + (f" OR {self.raw} IN ({symbols}))" if symbols else ")")

    @property
    def valid(self) -> str:
        if "valid" in self.made:
            return self.made["valid"]
        if self.kind not in SQL_TYPES:
            return "TRUE"
        plain = f"regexp_full_match({self.raw}, '{messages.PLAIN[self.kind]}')"
        return f"({plain} AND {self.value} IS NOT NULL)" if self.kind == "date" else plain

    @property
    def present(self) -> str:
        """The cell holds a value of its type."""
        return f"(NOT {self.missing} AND {self.valid})"

    @property
    def value(self) -> str:
        """A present cell's value as its type."""
        if "value" in self.made:
            return self.made["value"]
        return f"TRY_CAST({self.raw} AS {SQL_TYPES[self.kind]})" if self.kind in SQL_TYPES else self.raw

    @property
    def typed(self) -> str:
        """The value frictionless compares: NULL when missing or not of the type."""
        if "typed" in self.made:
            return self.made["typed"]
        return f"(CASE WHEN {self.present} THEN {self.value} END)"

    def bound(self, value) -> str:
        return f"DATE {literal(value)}" if self.kind == "date" else literal(value)


class ColumnarPackage:
    """One DuckDB connection holding the tables of a package this engine checks."""

    def __init__(self, package, settings: dict | None = None):
        self.package = package
        self.settings = settings  # the validation's, which the project rules read: load marks rows with them
        self.loaded: dict[str, str] = {}
        self.failed: dict[str, Exception] = {}  # what loading a resource in ``start`` raised
        self.loading: threading.Thread | None = None
        self.made = 0  # tables made, for the next one's name

    @cached_property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """Within a declared memory limit and threads: past the limit DuckDB works through files in a folder of its
        own, removed with this package."""
        settings = self.package.settings
        self.spill = tempfile.TemporaryDirectory(prefix="columnar-")
        return duckdb.connect(
            config={
                "memory_limit": f"{int(value('columnar_memory_mb', settings))}MB",
                "threads": int(value("columnar_threads", settings)),
                "temp_directory": self.spill.name,
            }
        )

    def start(self, names: list[str]) -> None:
        """Begin loading ``names`` in a thread of its own while the caller goes on with other checks: DuckDB lets go
        of Python's lock as it reads a file. ``load`` and ``query`` wait for the thread, so the connection is only
        ever used by one thread at a time."""
        if not names:
            return
        _ = self.connection  # made here, not in the thread
        self.loading = threading.Thread(target=self._load_each, args=(names,), daemon=True)
        self.loading.start()

    def _load_each(self, names: list[str]) -> None:
        for name in names:
            try:
                self.load(name)
            except Exception as error:  # noqa: BLE001 - raised again by ``load`` in the caller's thread, never lost
                self.failed[name] = error

    def wait(self) -> None:
        """Let the loading ``start`` began finish."""
        if self.loading is not None and self.loading is not threading.current_thread():
            self.loading.join()
            self.loading = None

    def drop_unused(self, used: set[str]) -> None:
        """Free the tables ``start`` loaded that no check reads (a file whose header was wrong)."""
        self.wait()
        for name in set(self.loaded) - used:
            self.connection.execute(f"DROP TABLE {self.loaded.pop(name)}")

    def close(self) -> None:
        """Free DuckDB's tables and its spill folder, once any loading ``start`` began has finished."""
        self.wait()
        self.loaded.clear()
        if "connection" in self.__dict__:
            self.__dict__.pop("connection").close()
            self.spill.cleanup()

    def load(self, name: str) -> str:
        """Read a resource, in file order, into a table: the fields kept whole (``whole_fields``) as text with their
        typed values, and each marked row's cells (``marked``); return its name."""
        self.wait()
        if name in self.failed:
            raise self.failed.pop(name)
        if name in self.loaded:
            return self.loaded[name]
        table = f"r{self.made}"
        names = [spec["name"] for spec in self.package.schema(name)["fields"]]
        tests = [*row_tests(self, name, READING), *rule_tests(self, name, self.settings, READING)]
        # CASE WHEN takes a NULL as false, and an OR is true when any part is: no coalesce needed, as _scan has.
        marked = " OR ".join(f"({condition})" for condition, _, _ in tests) or "false"
        raw, reading, kept = self.columns(name), self.columns(name, READING), self.columns(name, TABLE)
        worked_out = [f", {getattr(r, part)} AS {made}" for r, w in zip(raw, reading) for part, made in w.made.items()]
        whole = [f"{k.raw}, {w.typed} AS {k.made['typed']}, " for w, k in zip(reading, kept) if k.made]
        try:
            self.connection.execute(
                f"CREATE TABLE {table} AS SELECT {''.join(whole)}"
                f"CASE WHEN {marked} THEN [{', '.join(map(quote, names))}] END AS {self._free(name)}cells "
                f"FROM (SELECT *{''.join(worked_out)} FROM read_csv(?, header = true, columns = ?, auto_detect = false, "
                "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false))",
                [str(self.package.folder / self.package.resource(name)["path"]), dict.fromkeys(names, "VARCHAR")],
            )
        except duckdb.OutOfMemoryException:
            raise OutOfMemory(name) from None
        except duckdb.Error as error:
            raise Declined(str(error)) from None
        self.loaded[name], self.made = table, self.made + 1
        return table

    def whole_fields(self, name: str) -> set[str]:
        """The fields a query over every row reads: the primary key, unique fields, this resource's foreign keys
        and the fields other resources' foreign keys point at, and what group rules read."""
        schema = self.package.schema(name)
        whole = set(primary_key(schema))
        whole.update(spec["name"] for spec in schema["fields"] if spec.get("constraints", {}).get("unique"))
        for fk in schema.get("foreignKeys", []):
            whole.update(messages.key_fields(fk))
        for resource in self.package.descriptor["resources"]:
            for fk in self.package.schema(resource["name"]).get("foreignKeys", []):
                if reference_target(fk, resource["name"]) == name:
                    whole.update(messages.key_fields(fk["reference"]))
        for rule in RULES:
            if isinstance(rule, GroupRule):
                whole.update(n for spec in schema["fields"] if rule.applies(spec) for n in rule.reads(spec))
        return whole

    def marked(self, name: str) -> str:
        """The rows ``load`` marked, each field a column of its own again, with the table's rowid."""
        cells = f"{self._free(name)}cells"
        names = [c.name for c in self.columns(name)]
        unpacked = ", ".join(f"{cells}[{i}] AS {quote(n)}" for i, n in enumerate(names, 1))
        return f"(SELECT rowid AS rowid, {unpacked} FROM {self.loaded[name]} WHERE {cells} IS NOT NULL)"

    def _free(self, name: str) -> str:
        """A prefix no field name of the resource starts with, for the columns the engine adds."""
        names = [spec["name"] for spec in self.package.schema(name)["fields"]]
        return next(
            p
            for p in ("_" * n for n in range(1, 2 + max(map(len, names), default=0)))
            if not any(n.startswith(p) for n in names)
        )

    def columns(self, name: str, made: str | None = None) -> list[Column]:
        """Its fields' SQL over the file's own columns; or, ``READING``, as ``load`` reads the file, with whether
        each cell is missing, valid and its value worked out once a row; or, ``TABLE``, in the table ``load`` made,
        which holds the fields a query over every row reads and their typed values."""
        schema = self.package.schema(name)
        symbols = [s for s in schema.get("missingValues", [""]) if s != ""]
        columns = [Column(spec, symbols) for spec in schema["fields"]]
        free, whole = self._free(name), self.whole_fields(name) if made == TABLE else set()
        for i, column in enumerate(columns):
            if made == READING:
                column.made = {"missing": f"{free}m{i}"}
                if column.kind in SQL_TYPES:
                    column.made.update(valid=f"{free}v{i}", value=f"{free}x{i}")
            elif column.name in whole:
                column.made = {"typed": f"{free}t{i}"}
        return columns

    def query(self, sql: str) -> list[tuple]:
        self.wait()
        return self.connection.execute(sql).fetchall()

    def path(self, name: str) -> str:
        return str(self.package.folder / self.package.resource(name)["path"])

    def prepare(self, name: str) -> int:
        """Load a resource this engine is to check, and the tables its foreign keys read; its row count.
        Raises Declined for a file whose line n is not row n (a record spans lines, or a line is blank),
        or that DuckDB cannot read."""
        table = self.package.tables[name]
        if table.blank_lines:
            raise Declined("blank rows")
        (rows,) = self.query(f"SELECT count(*) FROM {self.load(name)}")[0]
        if table.line_count != rows + 1:
            raise Declined("records span lines")
        for fk in self.package.schema(name).get("foreignKeys", []):
            if reference_target(fk, name) not in self.package.broken:
                self.load(reference_target(fk, name))  # the table a foreign key reads must load too
        return rows


def _scan(columnar: ColumnarPackage, name: str, tests: list) -> Iterator[Problem]:
    """Run every per-cell test in one pass over the table; only failing rows come back.

    A test is (condition, field, make): ``make(line, cell)`` words the cell as a Problem, or None."""
    if not tests:
        return
    columns = [c.name for c in columnar.columns(name)]
    flags = [f"coalesce({condition}, false)" for condition, _, _ in tests]
    sql = (
        f"SELECT rowid + 2, {', '.join(quote(c) for c in columns)}, {', '.join(flags)} "
        f"FROM {columnar.marked(name)} WHERE {' OR '.join(flags)} ORDER BY rowid"
    )
    for row in columnar.query(sql):
        line, cells, hits = row[0], dict(zip(columns, row[1 : 1 + len(columns)])), row[1 + len(columns) :]
        for hit, (_, field_name, make) in zip(hits, tests):
            problem = make(line, cells[field_name]) if hit else None
            if problem:
                yield problem


# The SQL for each constraint a cell can break. Frictionless checks constraints only on a cell that is missing
# (required) or of its type (the rest); a cell of neither is a type error alone.
CONSTRAINT_SQL = {
    "required": lambda column, _: column.missing,
    "minLength": lambda column, n: f"{column.present} AND length({column.raw}) < {int(n)}",
    "maxLength": lambda column, n: f"{column.present} AND length({column.raw}) > {int(n)}",
    "pattern": lambda column, p: f"{column.present} AND NOT regexp_full_match({column.raw}, {literal(p)})",
    "minimum": lambda column, n: f"{column.present} AND NOT ({column.value} >= {column.bound(n)})",
    "maximum": lambda column, n: f"{column.present} AND NOT ({column.value} <= {column.bound(n)})",
    "enum": lambda column, values: (
        f"{column.present} AND {column.value} NOT IN ({', '.join(column.bound(v) for v in values)})"
    ),
}


def _cell_tests(column: Column, path: str) -> Iterator[tuple]:
    """The type and constraint tests of one column, for ``_scan``."""
    spec = column.spec
    if column.kind != "string":
        yield (
            f"NOT {column.missing} AND NOT {column.valid}",
            column.name,
            lambda line, cell: Problem(path, line, spec["name"], messages.type_error(cell, spec), "type-error"),
        )
    for constraint, limit in spec.get("constraints", {}).items():
        if constraint not in CONSTRAINT_SQL or (constraint == "required" and not limit):
            continue
        yield (
            CONSTRAINT_SQL[constraint](column, limit),
            column.name,
            lambda line, cell, constraint=constraint, limit=limit: Problem(
                path,
                line,
                spec["name"],
                messages.constraint(constraint, limit, "" if cell is None else cell, spec),
                "constraint-error",
            ),
        )


def _too_long(column: Column, path: str, longest: int | None) -> Iterator[tuple]:
    if longest is not None:
        yield (
            f"length({column.raw}) > {int(longest)}",
            column.name,
            lambda line, cell: Problem(
                path, line, column.name, messages.too_long(len(cell), longest), "cell-too-large"
            ),
        )


def _unique(columnar: ColumnarPackage, table: str, column: Column, path: str) -> Iterator[Problem]:
    if not column.spec.get("constraints", {}).get("unique"):
        return
    for line, cell, previous in columnar.query(
        f"SELECT rowid + 2, {column.raw}, previous FROM (SELECT rowid, {column.raw}, "
        f"lag(rowid) OVER (PARTITION BY {column.typed} ORDER BY rowid) + 2 AS previous "
        f"FROM {table} WHERE {column.typed} IS NOT NULL) WHERE previous IS NOT NULL"
    ):
        yield Problem(path, line, column.name, messages.unique(cell, previous), "unique-error")


def _key_sql(columnar: ColumnarPackage, name: str, made: str | None) -> tuple[list[str], list[str], str]:
    """A resource's primary key, its fields' typed values, and the condition that every one is missing."""
    key = primary_key(columnar.package.schema(name))
    columns = {c.name: c for c in columnar.columns(name, made)}
    typed = [columns[k].typed for k in key]
    return key, typed, " AND ".join(f"{t} IS NULL" for t in typed)


def _empty_key(columnar: ColumnarPackage, name: str, path: str, made: str | None) -> list[tuple]:
    """The test, for ``_scan``, of a row whose primary key is missing whole."""
    key, _, all_missing = _key_sql(columnar, name, made)
    if not key:
        return []
    empty = messages.empty_key(key)
    return [(all_missing, key[0], lambda line, _: Problem(path, line, ",".join(key), empty, "primary-key"))]


def _repeated_key(columnar: ColumnarPackage, name: str, path: str) -> Iterator[Problem]:
    key, typed, all_missing = _key_sql(columnar, name, TABLE)
    if not key:
        return
    table, raw = columnar.loaded[name], ", ".join(quote(k) for k in key)
    # Find repeated keys with a hash aggregate; only if there are any are their rows put in order.
    slots = ", ".join(f"{t} AS k{i}" for i, t in enumerate(typed))
    repeated = f"SELECT {slots} FROM {table} WHERE NOT ({all_missing}) GROUP BY ALL HAVING count(*) > 1"
    if not columnar.query(f"{repeated} LIMIT 1"):
        return
    same = " AND ".join(f"d.k{i} IS NOT DISTINCT FROM {t}" for i, t in enumerate(typed))
    for line, previous, *cells in columnar.query(
        f"WITH d AS ({repeated}) "
        f"SELECT ln, previous, {raw} FROM (SELECT rowid + 2 AS ln, {raw}, "
        f"lag(rowid) OVER (PARTITION BY {', '.join(typed)} ORDER BY rowid) + 2 AS previous "
        f"FROM {table} WHERE EXISTS (SELECT 1 FROM d WHERE {same})) WHERE previous IS NOT NULL"
    ):
        yield Problem(path, line, ",".join(key), messages.duplicate_key(cells, key, previous), "primary-key")


def _qualified(column: Column, alias: str) -> str:
    """A column's typed value read from the table called ``alias``: both tables of a foreign key may have
    a column of the same name."""
    if "typed" in column.made:
        return f"{alias}.{column.typed}"
    return column.typed.replace(column.raw, f"{alias}.{column.raw}")


def _foreign_key(columnar: ColumnarPackage, name: str, fk: dict, path: str) -> Iterator[Problem]:
    package = columnar.package
    target = reference_target(fk, name)
    fields, target_fields = messages.key_fields(fk), messages.key_fields(fk["reference"])
    reference = columnar.load(target)
    columns = {c.name: c for c in columnar.columns(name, TABLE)}
    target_columns = {c.name: c for c in columnar.columns(target, TABLE)}
    own = [columns[f] for f in fields]
    matches = " AND ".join(
        f"{_qualified(target_columns[t], 'ref')} IS NOT DISTINCT FROM {_qualified(c, 'own')}"
        for c, t in zip(own, target_fields)
    )
    target_path = package.resource(target)["path"]  # loaded above, so the descriptor has it
    for line, *cells in columnar.query(
        f"SELECT rowid + 2, {', '.join(c.raw for c in own)} FROM {columnar.loaded[name]} AS own "
        f"WHERE NOT ({' AND '.join(f'{c.typed} IS NULL' for c in own)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {reference} AS ref WHERE {matches})"
    ):
        message = messages.foreign_key(cells, target, target_path, target_fields)
        yield Problem(path, line, ",".join(fields), message, "foreign-key")


def row_tests(columnar: ColumnarPackage, name: str, made: str | None = None) -> list[tuple]:
    """The per-cell tests of ``check_rows``, for ``_scan``: an empty key, each column's type, constraints and size.
    ``made``: over which columns (ColumnarPackage.columns)."""
    path = columnar.path(name)
    longest = columnar.package.settings.get("max_cell_chars")
    tests = _empty_key(columnar, name, path, made)
    for column in columnar.columns(name, made):
        tests += [*_cell_tests(column, path), *_too_long(column, path, longest)]
    return tests


def check_rows(columnar: ColumnarPackage, name: str) -> Iterator[Problem]:
    """Type, constraint, size, unique, primary-key and foreign-key problems, as the frictionless engine
    reports them; ``name`` was loaded by ``prepare``."""
    path = columnar.path(name)
    for column in columnar.columns(name, TABLE):
        yield from _unique(columnar, columnar.loaded[name], column, path)
    yield from _scan(columnar, name, row_tests(columnar, name))
    yield from _repeated_key(columnar, name, path)
    for fk in columnar.package.schema(name).get("foreignKeys", []):
        if reference_target(fk, name) not in columnar.package.broken:
            yield from _foreign_key(columnar, name, fk, path)


def _rule_test(rule: CellRule, column: Column, field: Field, path: str, settings: dict) -> tuple:
    def make(line: int, cell: str | None) -> Problem | None:
        message = rule.check("" if cell is None else cell, field, settings)
        return Problem(path, line, field.name, message, rule.code) if message else None

    return rule.sql(column, settings), column.name, make


def rule_tests(columnar: ColumnarPackage, name: str, settings: dict | None, made: str | None = None) -> list[tuple]:
    """The cell rules' tests of ``check_rules``, for ``_scan`` (no settings: the defaults), over ``made``'s columns."""
    settings = validation_settings() if settings is None else settings
    path, schema = columnar.path(name), columnar.package.schema(name)
    return [
        _rule_test(rule, column, field_of(schema, column.spec), path, settings)
        for rule in RULES
        if isinstance(rule, CellRule)
        for column in columnar.columns(name, made)
        if rule.applies(column.spec)
    ]


def check_rules(columnar: ColumnarPackage, name: str, settings: dict) -> Iterator[Problem]:
    """The project rules (rules.RULES) over whole columns: a cell rule's SQL condition selects the cells
    its Python check then words; a group rule's query gives the groups its verdict words. ``settings`` are those
    ``columnar`` was made with (engines.check_package), so its marked rows are those the cell rules select."""
    path, schema = columnar.path(name), columnar.package.schema(name)
    for rule in RULES:
        for column in columnar.columns(name):
            if isinstance(rule, GroupRule) and rule.applies(column.spec):
                read_as = field_of(schema, column.spec)
                for row in columnar.query(rule.sql(column, columnar.loaded[name], settings)):
                    found = rule.verdict(row, read_as, settings)
                    if found:
                        yield Problem(path, found[0], read_as.name, found[1], rule.code)
    yield from _scan(columnar, name, rule_tests(columnar, name, settings))
