"""'Use this data': short code that reads a package's CSVs with the missing-value symbols as missing values.

The symbols come from one list (``scripts.datapackages.SYMBOLS``), so the pandas and R snippets cannot drift from
the data's own key. tests/test_use_this_data.py runs the pandas and frictionless snippets, as the page shows them,
against a locally served build.
"""

from __future__ import annotations

import re

from scripts.datapackages import DataPackage
from scripts.symbols import SYMBOLS


def _variable(name: str) -> str:
    """A resource name as a variable name in Python and R."""
    name = re.sub(r"\W", "_", name)
    return name if name[:1].isalpha() else f"data_{name}"


def symbols_vector(quote: str = '"') -> str:
    return ", ".join(f"{quote}{symbol}{quote}" for symbol in SYMBOLS)


def pandas_snippet(package: DataPackage, base_url: str) -> str:
    # keep_default_na=False: only our symbols are missing; a text cell such as "NA" or "None" stays text.
    lines = [
        "import pandas as pd",
        "",
        f'base = "{base_url}"',
        f"missing = [{symbols_vector()}]",
    ]
    for resource in package.resources.values():
        lines.append(
            f'{_variable(resource.name)} = pd.read_csv(base + "{resource.filename}", '
            "na_values=missing, keep_default_na=False)"
        )
    return "\n".join(lines)


def r_snippet(package: DataPackage, base_url: str) -> str:
    lines = [
        "library(readr)",
        "",
        f'base <- "{base_url}"',
        f"missing <- c({symbols_vector()})",
    ]
    for resource in package.resources.values():
        lines.append(f'{_variable(resource.name)} <- read_csv(paste0(base, "{resource.filename}"), na = missing)')
    return "\n".join(lines)


def frictionless_snippet(base_url: str) -> str:
    return "\n".join(
        [
            "from frictionless import Package",
            "",
            f'package = Package("{base_url}datapackage.json")',
            "# The descriptor lists the missing-value symbols: read_rows() gives None for them.",
            "tables = {resource.name: resource.read_rows() for resource in package.resources}",
        ]
    )


def snippets(package: DataPackage, site_url: str) -> list[dict]:
    """(id, tool, language, code) for each tool, reading the files at their published addresses."""
    base = f"{site_url.rstrip('/')}/data/{package.name}/"
    return [
        {"id": "pandas", "tool": "Python with pandas", "language": "python", "code": pandas_snippet(package, base)},
        {"id": "r", "tool": "R with readr", "language": "r", "code": r_snippet(package, base)},
        {
            "id": "frictionless",
            "tool": "Python with frictionless",
            "language": "python",
            "code": frictionless_snippet(base),
        },
    ]
