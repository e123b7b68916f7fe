"""``make bench``: build the site from synthetic data at several sizes and print what each stage costs.

Synthetic data (scripts/tools/synthetic.py, every title marked SYNTHETIC) goes into a temporary
folder, never into data/ or a published site. Each stage runs in its own process, so its wall
time and peak memory are its own. Figures are medians over ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.settings import ROOT
from scripts.tools.synthetic import write_site_inputs

PYTHON = sys.executable


@dataclass(frozen=True)
class Size:
    name: str
    authorities: int
    years: int
    providers: int
    reports: int
    transactions: int


SIZES = {
    "small": Size("small", 15, 10, 500, 20, 0),
    "large": Size("large", 150, 10, 5000, 200, 1_000_000),
}
# Targets for the 2-core machine (issue 8), checked against the medians.
BUDGETS = {
    "full build, 5,000 providers (s)": 20,
    "growth, 10x entries (time ratio)": 11,
    "rebuild after one Markdown change (s)": 3,
    "validation speed vs frictionless CLI (x)": 5,
    "peak memory, 5,000-provider build (MB)": 1024,
}


@dataclass
class Measure:
    seconds: float
    peak_mb: float


def run(command: list[str], cwd: Path = ROOT) -> Measure:
    """Run a command; its wall time and the peak memory of its process tree's largest member."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return Measure(seconds, usage.ru_maxrss / 1024)


def median(command: list[str], repeat: int, before=None) -> Measure:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run(command))
    return Measure(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs))


def bare_pelican_site(folder: Path, pages: int) -> list[str]:
    """A bare Pelican build of as many Markdown pages, with Pelican's default theme and settings."""
    content = folder / "bare-content"
    content.mkdir()
    for n in range(pages):
        (content / f"page-{n:05d}.md").write_text(
            f"Title: Synthetic page {n}\nDate: 2026-01-01\n\n" + "Plain synthetic paragraph text. " * 40 + "\n"
        )
    settings = folder / "bare-settings.py"
    settings.write_text('SITEURL = ""\nTIMEZONE = "UTC"\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n')
    return [PYTHON, "-m", "pelican", str(content), "-o", str(folder / "bare-output"), "-s", str(settings), "-q"]


def bench_size(size: Size, workdir: Path, repeat: int) -> dict:
    folder = workdir / size.name
    folder.mkdir()
    inputs = write_site_inputs(folder, size.authorities, size.years, size.providers, size.reports, size.transactions)
    data, content, gss = inputs["data"], inputs["content"], inputs["gss_codes"]
    pages_out, full_out = folder / "pages-output", folder / "full-output"
    stages = {}
    stages["validate"] = median([PYTHON, "-m", "scripts.validate", "--gss-codes", str(gss), str(data)], repeat)
    stages["charts"] = median(
        [
            PYTHON,
            "-c",
            (
                "import sys; from pathlib import Path; from scripts.datapackages import load_packages; "
                "from scripts.charts.render import ChartSet; charts = ChartSet(load_packages(Path(sys.argv[1]))); "
                "[charts.render(i).svg for i in charts.available() if charts.has_data(i)]"
            ),
            str(data),
        ],
        repeat,
    )
    stages["pages"] = median(
        [
            PYTHON,
            "-c",
            (
                "import sys; from pathlib import Path; from scripts.build import run_pelican; "
                "run_pelican(Path(sys.argv[1]), {'DATA_DIR': sys.argv[2], 'PATH': sys.argv[3]})"
            ),
            str(pages_out),
            str(data),
            str(content),
        ],
        repeat,
        before=lambda: shutil.rmtree(pages_out, ignore_errors=True),
    )
    stages["search index"] = median(
        [
            PYTHON,
            "-c",
            (
                "import sys; from pathlib import Path; from scripts.search import index_site; index_site(Path(sys.argv[1]))"
            ),
            str(pages_out),
        ],
        repeat,
        before=lambda: shutil.rmtree(pages_out / "pagefind", ignore_errors=True),
    )
    full = [
        PYTHON,
        "-m",
        "scripts.build",
        "--output",
        str(full_out),
        "--data",
        str(data),
        "--content",
        str(content),
        "--gss-codes",
        str(gss),
    ]
    stages["total (make site)"] = median(full, repeat)
    html_pages = sum(1 for _ in full_out.rglob("*.html"))
    report = next((content / "reports").glob("synthetic-0000.md"))

    def touch_report():
        report.write_text(report.read_text() + "\nOne more synthetic sentence.\n")

    preview = [
        PYTHON,
        "-m",
        "scripts.preview",
        str(report),
        "--output",
        str(full_out),
        "--data",
        str(data),
        "--content",
        str(content),
    ]
    rebuild = median(preview, repeat, before=touch_report)
    bare = median(
        bare_pelican_site(folder, html_pages),
        repeat,
        before=lambda: shutil.rmtree(folder / "bare-output", ignore_errors=True),
    )
    result = {
        "size": size,
        "stages": stages,
        "html_pages": html_pages,
        "rebuild": rebuild,
        "bare": bare,
        "heaviest_page_kb": max(p.stat().st_size for p in full_out.rglob("*.html")) / 1024,
    }
    if size.transactions:
        transactions = data / "transactions"
        ours = median([PYTHON, "-m", "scripts.validate", "--gss-codes", str(gss), str(transactions)], repeat)
        theirs = run([str(Path(PYTHON).parent / "frictionless"), "validate", str(transactions / "datapackage.json")])
        result["rows_check"] = {"rows": size.transactions, "ours": ours, "frictionless": theirs}
    return result


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    return "\n".join([line(rows[0]), "| " + " | ".join("-" * w for w in widths) + " |", *map(line, rows[1:])])


def report(results: list[dict]) -> str:
    out = []
    for result in results:
        size, stages = result["size"], result["stages"]
        total = stages["total (make site)"]
        out.append(
            f"\n## {size.name}: {size.authorities} authorities x {size.years} years, {size.providers:,} providers, "
            f"{size.reports} reports" + (f", {size.transactions:,} transactions" if size.transactions else "")
        )
        rows = [["stage", "wall time (s, median)", "peak memory (MB)"]]
        rows += [[name, f"{m.seconds:.2f}", f"{m.peak_mb:.0f}"] for name, m in stages.items()]
        rows += [
            [
                "rebuild after one Markdown change (preview)",
                f"{result['rebuild'].seconds:.2f}",
                f"{result['rebuild'].peak_mb:.0f}",
            ],
            [
                f"bare Pelican, {result['html_pages']:,} Markdown pages",
                f"{result['bare'].seconds:.2f}",
                f"{result['bare'].peak_mb:.0f}",
            ],
        ]
        out.append(table(rows))
        out.append(
            f"\nHTML pages written: {result['html_pages']:,}; pages per second (pages stage): "
            f"{result['html_pages'] / stages['pages'].seconds:,.0f}; full build / bare Pelican: "
            f"{total.seconds / result['bare'].seconds:.1f}x; heaviest HTML page: {result['heaviest_page_kb']:.0f} KB"
        )
        if "rows_check" in result:
            check = result["rows_check"]
            ours, theirs = check["ours"], check["frictionless"]
            out.append(
                f"Validating {check['rows']:,} rows with every rule: ours {ours.seconds:.1f} s "
                f"({check['rows'] / ours.seconds:,.0f} rows/s), upstream `frictionless validate` {theirs.seconds:.1f} s "
                f"({check['rows'] / theirs.seconds:,.0f} rows/s): {theirs.seconds / ours.seconds:.1f}x"
            )
    by_name = {r["size"].name: r for r in results}
    if "large" in by_name:
        large = by_name["large"]
        measured = {
            "full build, 5,000 providers (s)": large["stages"]["total (make site)"].seconds,
            "rebuild after one Markdown change (s)": large["rebuild"].seconds,
            "peak memory, 5,000-provider build (MB)": max(m.peak_mb for m in large["stages"].values()),
        }
        if "small" in by_name:
            measured["growth, 10x entries (time ratio)"] = (
                large["stages"]["total (make site)"].seconds / by_name["small"]["stages"]["total (make site)"].seconds
            )
        if "rows_check" in large:
            check = large["rows_check"]
            measured["validation speed vs frictionless CLI (x)"] = check["frictionless"].seconds / check["ours"].seconds
        rows = [["budget", "target", "measured", "met"]]
        for name, target in BUDGETS.items():
            if name in measured:
                higher_is_better = name.startswith("validation speed")
                met = measured[name] >= target if higher_is_better else measured[name] <= target
                rows.append(
                    [
                        name,
                        f"{'>=' if higher_is_better else '<='} {target}",
                        f"{measured[name]:.1f}",
                        "yes" if met else "NO",
                    ]
                )
        out.append("\n## Budgets\n")
        out.append(table(rows))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.tools.bench", description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=["small", "large"])
    cli.add_argument("--repeat", type=int, default=3, help="runs per stage; the median is reported (default 3)")
    args = cli.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mhdo-bench-") as workdir:
        results = []
        for name in args.sizes:
            print(f"Benchmarking {name} (synthetic data in {workdir})...", file=sys.stderr, flush=True)
            results.append(bench_size(SIZES[name], Path(workdir), args.repeat))
        print(f"# Benchmark ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
        print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
