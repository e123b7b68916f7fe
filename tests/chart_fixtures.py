"""SYNTHETIC packages for the chart tests: the shipped data with invented survey answer counts
(tests/fixtures/charts/survey/), invented spend for 150 authorities over 10 years, and 24 invented Norfolk
localities with long names (long labels, a long headline, many bars). Tests only."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from tests.conftest import DATA, FIXTURES

AUTHORITIES, YEARS = 150, 10
LOCALITIES = 24
LONG_LOCALITY = (
    "SYNTHETIC locality whose name is far too long to fit on one line of a phone screen, or even on one line of "
    "the wide column of a desktop screen, however wide its chart is drawn"
)


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


def synthetic_localities(folder: Path, count: int = LOCALITIES) -> None:
    """Rewrite folder/providers/locality_share.csv with count invented Norfolk localities; the largest has a long
    name, so the chart's labels and its headline are long."""
    path = folder / "providers" / "locality_share.csv"
    with open(path, newline="", encoding="utf-8") as file:
        header = next(csv.reader(file))
    shares = [30] + [3] * (count - 2) + [100 - 30 - 3 * (count - 2)]
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for n, share in enumerate(shares):
            name = LONG_LOCALITY if n == 0 else f"SYNTHETIC locality {n:02d} with a longish name"
            writer.writerow(["E10000020", "Norfolk", "2023-01", name, share, "norfolk-mps-2023"])


def fixture_data(tmp: Path) -> Path:
    """A data/ folder with every chart's resource holding synthetic rows."""
    data = tmp / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "survey")
    shutil.copytree(FIXTURES / "charts" / "survey", data / "survey")
    synthetic_spend(data)
    synthetic_localities(data)
    return data
