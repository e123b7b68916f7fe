"""'Use this data': the pandas and frictionless snippets, exactly as each dataset page shows them, run against a
build served on 127.0.0.1, and every missing-value symbol comes back as a missing value.

The R snippet runs too: .ci/run installs Debian's r-base-core and r-cran-readr, and in CI (CI=true) a missing R
fails the test; on a developer's machine without R it is skipped, its text still checked against the symbol list.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import frictionless
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from scripts.symbols import SYMBOLS
from tests.browser import serve
from tests.conftest import DATA, PACKAGES, descriptor, read_csv

PUBLIC = "https://mh-day-opportunities.github.io"


def snippet(site, package: str, tool: str) -> str:
    page = BeautifulSoup((site / "data" / package / "index.html").read_text(encoding="utf-8"), "lxml")
    return page.select_one(f"code[data-snippet={tool}]").get_text()


def published(package: str) -> dict[str, list[dict]]:
    """Each file's rows as published: strings, symbols as they are."""
    return {r["name"]: read_csv(DATA / package / r["path"]) for r in descriptor(package)["resources"]}


@pytest.fixture(scope="module")
def local_url(built_site):
    with serve(built_site) as url:
        yield url


def test_the_data_holds_symbols_for_the_snippets_to_read():
    cells = [cell for p in PACKAGES for rows in published(p).values() for row in rows for cell in row.values()]
    assert any(cell in SYMBOLS for cell in cells)


@pytest.mark.parametrize("package", PACKAGES)
def test_pandas_snippet_reads_symbols_as_missing(built_site, local_url, package):
    code = snippet(built_site, package, "pandas")
    assert code.count(PUBLIC) == 1
    namespace: dict = {}
    exec(code.replace(PUBLIC, local_url), namespace)  # noqa: S102 (our own page's code, against our own build)
    for resource in descriptor(package)["resources"]:
        frame = namespace[resource["name"]]
        rows = published(package)[resource["name"]]
        assert list(frame.columns) == [f["name"] for f in resource["schema"]["fields"]]
        assert len(frame) == len(rows)
        for index, row in enumerate(rows):
            for name, cell in row.items():
                missing = pd.isna(frame.at[index, name])
                assert missing == (cell in SYMBOLS), (resource["path"], index + 2, name, cell)


@pytest.mark.parametrize("package", PACKAGES)
def test_frictionless_snippet_reads_symbols_as_missing(built_site, local_url, package):
    code = snippet(built_site, package, "frictionless")
    assert f'Package("{PUBLIC}/data/{package}/datapackage.json")' in code
    namespace: dict = {}
    exec(code.replace(PUBLIC, local_url), namespace)  # noqa: S102
    assert isinstance(namespace["package"], frictionless.Package)
    tables = namespace["tables"]
    assert set(tables) == {r["name"] for r in descriptor(package)["resources"]}
    for name, rows in published(package).items():
        assert len(tables[name]) == len(rows)
        for read, row in zip(tables[name], rows, strict=True):
            for field, cell in row.items():
                if cell in SYMBOLS:
                    assert read[field] is None, (name, field, cell)
                elif cell != "":
                    assert read[field] is not None, (name, field, cell)


@pytest.mark.parametrize("package", PACKAGES)
def test_r_snippet_is_written_from_the_same_symbols(built_site, package):
    code = snippet(built_site, package, "r")
    vector = ", ".join(f'"{symbol}"' for symbol in SYMBOLS)
    assert f"missing <- c({vector})" in code and code.startswith("library(readr)")
    for resource in descriptor(package)["resources"]:
        assert f'{resource["name"]} <- read_csv(paste0(base, "{resource["path"]}"), na = missing)' in code
    # pandas reads the very same list.
    assert f"missing = [{vector}]" in snippet(built_site, package, "pandas")


def test_r_snippet_runs_where_r_is_installed(built_site, local_url, tmp_path):
    rscript = shutil.which("Rscript")
    if not rscript or subprocess.run([rscript, "-e", "library(readr)"], check=False, capture_output=True).returncode:
        if os.environ.get("CI") == "true":
            pytest.fail("Rscript with readr is missing: .ci/run installs r-base-core and r-cran-readr")
        pytest.skip("Rscript with readr is not installed here (.ci/run installs it for CI); the text is tested above")
    package = "providers"
    script = tmp_path / "read.R"
    script.write_text(
        snippet(built_site, package, "r").replace(PUBLIC, local_url)
        + '\ncat(sum(is.na(organization$website)), nrow(organization), "\\n")\n'
    )
    result = subprocess.run([rscript, str(script)], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = published(package)["organization"]
    missing = sum(1 for row in rows if row["website"] in SYMBOLS)
    assert result.stdout.split()[-2:] == [str(missing), str(len(rows))]
