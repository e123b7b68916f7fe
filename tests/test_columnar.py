"""The columnar (DuckDB) engine finds exactly what the frictionless engine finds, worded the same way."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.settings import SETTINGS
from scripts.tools.synthetic import authority_codes, write_gss_codes, write_transactions
from scripts.validate import columnar, table
from scripts.validate.command import CLI_SETTINGS, validate
from scripts.validate.engines import check_package, choose
from scripts.validate.structure import load_package
from tests.conftest import DATA as ROOT_DATA
from tests.overlay import fixture_names, materialise

DEFAULTS = {name: SETTINGS[name].default for name in CLI_SETTINGS}
CORPUS = fixture_names("invalid") + fixture_names("valid")
# Files the columnar engine must hand back to frictionless: their records span lines, or they hold links.
DECLINED = {
    ("wrong-type-after-multiline-cell", "service"),
    ("wrong-type-after-multiline-cell", "answer_count"),
    ("unclosed-quote", "organization"),
    ("unclosed-quote", "service"),  # its foreign key reads organization.csv
    ("link-not-a-web-address", "sources"),
}


def both(folder: Path, **settings):
    by_frictionless = validate([folder], {**DEFAULTS, **settings, "columnar_threshold_bytes": None})
    by_columns = validate([folder], {**DEFAULTS, **settings, "columnar_threshold_bytes": 0})
    return [p.text() for p in by_frictionless.problems], [p.text() for p in by_columns.problems]


@pytest.mark.parametrize("name", CORPUS)
def test_the_fault_corpus_gives_the_same_problems_in_both_engines(name, tmp_path):
    frictionless_problems, columnar_problems = both(materialise(name, tmp_path))
    assert columnar_problems == frictionless_problems


def test_the_columnar_engine_really_checks_the_corpus(tmp_path):
    checked, declined = set(), set()
    for folder in (materialise(name, tmp_path) for name in CORPUS):
        package, _ = load_package(folder, columnar_threshold=0)
        if package is None:
            continue
        in_columns, in_python, _ = choose(package, columnar.ColumnarPackage(package))
        checked.update((folder.name, name) for name in in_columns)
        declined.update((folder.name, name) for name in in_python)
    assert declined == DECLINED
    assert len({folder for folder, _ in checked}) >= 20


def test_the_engine_declines_what_it_cannot_check_exactly():
    assert not columnar.supports({"fields": [{"name": "w", "type": "string", "format": "uri"}], "missingValues": [""]})
    assert not columnar.supports({"fields": [{"name": "b", "type": "boolean"}], "missingValues": [""]})
    assert not columnar.supports({"fields": [{"name": "n", "type": "number", "constraints": {"exclusiveMinimum": 0}}]})
    assert columnar.supports(
        {"fields": [{"name": "n", "type": "number", "constraints": {"minimum": 0}}], "missingValues": ["", "[x]"]}
    )


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """20,000 synthetic transactions with a fault planted on known lines."""
    root = tmp_path_factory.mktemp("large")
    codes = authority_codes(5)
    folder = write_transactions(root, codes, 20_000)
    gss = write_gss_codes(root / "gss.csv", codes)
    path = folder / "transactions.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[101] = lines[101].replace(",synthetic\n", ",nowhere\n")  # unknown source
    lines[202] = lines[202].replace(",2022-23,", ",2022-24,")  # financial year
    lines[303] = "=cmd" + lines[303][lines[303].index(",") :]  # type error + formula
    lines[404] = lines[403]  # duplicate key
    lines[505] = (
        lines[505]
        .replace(",day-opportunities,", ",food,")
        .replace(",transport,", ",food,")
        .replace(",other,", ",food,")
    )
    lines[606] = lines[606].replace(",2022-", ",2022-13-").replace("2022-13-", "2022-", 0)
    lines[707] = ",".join(lines[707].split(",")[:6]) + ",-3,synthetic\n"  # below minimum
    lines[808] = ",".join(lines[808].split(",")[:6]) + ",,synthetic\n"  # blank number
    lines[909] = lines[909].replace("E109", "E119", 1)  # not a GSS form: pattern
    path.write_text("".join(lines))
    return folder, gss


def test_planted_faults_in_a_large_file_are_found_the_same_way_by_both_engines(large):
    folder, gss = large
    frictionless_problems, columnar_problems = both(folder, gss_codes=gss)
    assert columnar_problems == frictionless_problems
    found = {(text.split(":")[1], text.split(":")[2]) for text in columnar_problems}
    assert {
        ("102", "source_id"),
        ("203", "financial_year"),
        ("304", "transaction_id"),
        ("405", "transaction_id"),
        ("506", "category"),
        ("708", "amount_gbp"),
        ("809", "amount_gbp"),
        ("910", "authority_code"),
    } <= found


def test_large_files_go_to_the_columnar_engine_by_default(large, tmp_path):
    folder, gss = large
    copy = tmp_path / "transactions"
    shutil.copytree(folder, copy)
    package, _ = load_package(copy, columnar_threshold=DEFAULTS["columnar_threshold_bytes"])
    assert package.large == {"transactions"}
    assert validate([copy], {**DEFAULTS, "gss_codes": gss}).packages[0]["resources"][0]["rows"] == 20_000


PIECES = [b"a,b\n", b"1,2\n", b"\n", b"\r\n", b'"x\ny",2\n', "é,ü\n".encode(), b"\xef\xbb\xbf", b"\x01", b"\r"]
PIECES += [b" ", b"\xff", b"3,4", "€".encode(), "£".encode(), "\u0085".encode(), b"\x7f", b"\x0b"]


def header_only(path: Path, scan: bool):
    """What reading a large file's header says: its header, lines and blank lines, or its error."""
    try:
        if scan:
            found = table.read_table(path, header_only=True)
        else:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(table, "_scan", lambda _path: None)
                found = table.read_table(path, header_only=True)
    except table.TableError as error:
        return error.message, error.line, error.code
    return found.header, found.line_count, found.blank_lines


@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from([1, 2, 3, 5, 1 << 20]))
@settings(max_examples=200, database=None)
def test_a_large_file_read_a_chunk_at_a_time_says_what_the_whole_file_read_says(tmp_path_factory, pieces, chunk):
    path = tmp_path_factory.mktemp("scan") / "table.csv"
    path.write_bytes(b"".join(pieces))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table, "CHUNK", chunk)
        assert header_only(path, scan=True) == header_only(path, scan=False)


def test_the_columnar_engine_declares_its_memory_and_threads(tmp_path):
    shutil.copytree(ROOT_DATA / "spend", tmp_path / "spend")
    package, _ = load_package(tmp_path / "spend", 0, {**DEFAULTS, "columnar_memory_mb": 96, "columnar_threads": 1})
    engine = columnar.ColumnarPackage(package)
    declared = dict(engine.query("SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads')"))
    assert declared == {"memory_limit": "91.5 MiB", "threads": "1"}


def test_a_file_past_the_memory_limit_is_reported_not_read_whole_another_way(tmp_path, monkeypatch):
    """DuckDB out of its memory used to hand the file to the Python engine without a word, which read a million rows
    in 1.3 GB against a 16 MB limit: now the file is reported unchecked, naming the setting to raise."""
    shutil.copytree(ROOT_DATA / "day-care-spend", tmp_path / "day-care-spend")

    def refuse(*_args, **_kwargs):
        raise AssertionError("read whole after DuckDB ran out of memory")

    monkeypatch.setattr("scripts.validate.engines.read_table", refuse)
    result = validate(
        [tmp_path / "day-care-spend"], {**DEFAULTS, "columnar_threshold_bytes": 0, "columnar_memory_mb": 1}
    )
    assert not result.valid and result.problems
    for problem in result.problems:
        assert problem.code == "memory" and "1 MB (columnar_memory_mb)" in problem.message, problem.text()
        assert "--columnar-memory-mb" in problem.message
    enough = validate([tmp_path / "day-care-spend"], {**DEFAULTS, "columnar_threshold_bytes": 0})
    assert enough.valid, [p.text() for p in enough.problems]


def test_a_known_codes_file_with_no_codes_finds_the_same_in_both_engines(large, tmp_path):
    """The columnar engine looks codes up in a subquery: with none to look up, every code is unknown to both."""
    folder, _ = large
    empty = tmp_path / "no-codes.csv"
    empty.write_text("code\n", encoding="utf-8")
    frictionless_problems, columnar_problems = both(folder, gss_codes=empty)
    assert columnar_problems == frictionless_problems
    assert sum("authority_code" in text for text in columnar_problems) >= 20_000


def test_large_files_are_read_in_a_thread_while_the_descriptor_and_headers_are_checked(large, tmp_path, monkeypatch):
    folder, gss = large
    copy = tmp_path / "transactions"
    shutil.copytree(folder, copy)
    loaded_on, load = {}, columnar.ColumnarPackage.load

    def recording(engine, name):
        loaded_on.setdefault(name, threading.current_thread())
        return load(engine, name)

    monkeypatch.setattr(columnar.ColumnarPackage, "load", recording)
    package, _ = load_package(copy, columnar_threshold=0, settings=DEFAULTS)
    assert loaded_on["transactions"] is not threading.main_thread()
    engine = package.engine
    problems = list(check_package(package, {**DEFAULTS, "gss_codes": gss, "gss_codes_display": str(gss)}))
    assert engine.loading is None and package.engine is None  # waited for, then let go with its tables
    assert {p.path for p in problems} == {str(copy / "transactions.csv")}


def test_a_large_file_read_early_but_not_checked_in_columns_is_let_go(large, tmp_path):
    """A large file whose header is wrong is read by DuckDB before its header is checked; its table is then freed."""
    folder, gss = large
    copy = tmp_path / "transactions"
    shutil.copytree(folder, copy)
    path = copy / "transactions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("transaction_id,", "transaction,", 1), encoding="utf-8")
    package, problems = load_package(copy, columnar_threshold=0, settings=DEFAULTS)
    assert "transactions" in package.broken and problems
    engine = package.engine
    choose(package, engine)
    tables = {name for (name,) in engine.query("SELECT table_name FROM duckdb_tables()")}
    assert tables == set(engine.loaded.values()) and "transactions" not in engine.loaded
    list(check_package(package, {**DEFAULTS, "gss_codes": gss, "gss_codes_display": str(gss)}))
    assert package.engine is None and not engine.loaded and not Path(engine.spill.name).exists()


def test_a_large_table_keeps_whole_only_the_fields_queries_read_and_the_rest_of_marked_rows(large, tmp_path):
    """Reading a file, DuckDB marks the rows a per-cell test may hold for and keeps their cells; of the other rows
    only the fields a query over every row reads (the key, the foreign key). Every problem of a scan is on a marked
    row, and a clean row is never marked."""
    folder, gss = large
    copy = tmp_path / "transactions"
    shutil.copytree(folder, copy)
    settings = {**DEFAULTS, "gss_codes": gss, "gss_codes_display": str(gss)}
    package, _ = load_package(copy, columnar_threshold=0, settings=settings)
    engine = package.engine
    engine.prepare("transactions")
    table = engine.loaded["transactions"]
    cells = f"{engine._free('transactions')}cells"
    kept = [name for (name,) in engine.query(f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}'")]
    assert kept == ["transaction_id", "_t0", "source_id", "_t7", cells]
    marked = {line for (line,) in engine.query(f"SELECT rowid + 2 FROM {table} WHERE {cells} IS NOT NULL")}
    scanned = [*columnar.row_tests(engine, "transactions"), *columnar.rule_tests(engine, "transactions", settings)]
    found = {problem.line for problem in columnar._scan(engine, "transactions", scanned)}
    assert found == marked == {203, 304, 506, 607, 708, 809, 910}
    engine.close()


def test_an_engine_reading_with_other_settings_is_made_again_for_the_check(large, tmp_path):
    """Rows are marked with the cell rules' settings: checked with others (no known codes), the file is read again."""
    folder, gss = large
    copy = tmp_path / "transactions"
    shutil.copytree(folder, copy)
    package, _ = load_package(copy, columnar_threshold=0, settings={**DEFAULTS, "gss_codes": gss})
    empty = tmp_path / "no-codes.csv"
    empty.write_text("code\n", encoding="utf-8")
    problems = list(check_package(package, {**DEFAULTS, "gss_codes": empty, "gss_codes_display": str(empty)}))
    assert sum(p.code == "unknown-gss-code" for p in problems) == 20_000 - 1  # line 910's is not a code's form


def test_fields_named_like_the_columns_the_engine_adds_are_checked_the_same_way(large, tmp_path):
    """The engine adds columns to a table (typed values, worked-out tests, the marked rows' cells) under a prefix no
    field name starts with."""
    folder, gss = large
    copy = tmp_path / "transactions"
    shutil.copytree(folder, copy)
    renamed = {"transaction_id": "_t0", "amount_gbp": "__m0", "supplier": "_cells"}
    descriptor, path = copy / "datapackage.json", copy / "transactions.csv"
    text, (header, rows) = descriptor.read_text(encoding="utf-8"), path.read_text(encoding="utf-8").split("\n", 1)
    for old, new in renamed.items():
        text, header = text.replace(f'"{old}"', f'"{new}"'), header.replace(old, new)
    descriptor.write_text(text, encoding="utf-8")
    path.write_text(f"{header}\n{rows}", encoding="utf-8")
    frictionless_problems, columnar_problems = both(copy, gss_codes=gss)
    assert columnar_problems == frictionless_problems
    assert {text.split(":")[2] for text in columnar_problems} >= {"_t0", "__m0"}
    package, _ = load_package(copy, columnar_threshold=0, settings={**DEFAULTS, "gss_codes": gss})
    assert choose(package, package.engine)[0] == ["transactions"]  # checked in columns, not handed back
    package.engine.close()


def test_a_foreign_key_into_its_own_table_is_checked_the_same_way_and_names_that_file(tmp_path):
    """A reference with no resource ("") points into the table that holds it: the columnar engine crashed on it
    ("could not be checked"), and frictionless's problems named no file, or, with a second key on the same fields,
    the other key's file."""
    folder = materialise("valid/minimal", tmp_path)
    descriptor = folder / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    service = next(r for r in package["resources"] if r["name"] == "service")
    service["schema"]["foreignKeys"].append({"fields": ["name"], "reference": {"fields": ["id"]}})
    # And a second key on organization_id, into service itself: only that one fails, and its problem says so.
    service["schema"]["foreignKeys"].append({"fields": ["organization_id"], "reference": {"fields": ["id"]}})
    descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")
    frictionless_problems, columnar_problems = both(folder)
    assert columnar_problems == frictionless_problems
    assert [text.split(":", 1)[1] for text in columnar_problems] == [
        "2:name: 'Alpha groups' is not an id in service.csv",
        "2:organization_id: 'alpha' is not an id in service.csv",
        "3:name: 'Beta time bank' is not an id in service.csv",
        "3:organization_id: 'beta' is not an id in service.csv",
    ]
