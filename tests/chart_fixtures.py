"""SYNTHETIC packages for the chart tests: the shipped data with invented survey answer counts
(tests/fixtures/charts/survey/) and invented spend for 150 authorities over 10 years. Tests only."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from scripts.datapackages import DataPackage, load_packages
from tests.conftest import DATA, FIXTURES

AUTHORITIES, YEARS = 150, 10


def synthetic_spend(folder: Path, authorities: int = AUTHORITIES, years: int = YEARS) -> None:
    """Rewrite folder/spend/spend.csv with authorities x years invented rows; one cell [x]."""
    path = folder / "spend" / "spend.csv"
    with open(path, newline="", encoding="utf-8") as file:
        header = next(csv.reader(file))
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for a in range(authorities):
            for y in range(years):
                amount = "[x]" if (a, y) == (0, 0) else str(100_000 * (1 + (a * 7 + y * 3) % 40))
                writer.writerow(
                    [
                        f"E0{9000000 + a}",
                        f"Synthetic authority {a + 1:03d}",
                        f"{2014 + y}-{(15 + y) % 100:02d}",
                        amount,
                        "[x]",
                        "[x]",
                        "[x]",
                        "norfolk-mps-2023",
                    ]
                )


def fixture_data(tmp: Path) -> Path:
    """A data/ folder with every chart's resource holding synthetic rows."""
    data = tmp / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "survey")
    shutil.copytree(FIXTURES / "charts" / "survey", data / "survey")
    synthetic_spend(data)
    return data


def fixture_packages(tmp: Path) -> dict[str, DataPackage]:
    return load_packages(fixture_data(tmp))
