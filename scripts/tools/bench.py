"""``make bench``: build the site at several sizes, print what each stage costs against bare Pelican, check the budgets.

The sizes are the real site (the shipped data/ and content/: every council page and the national series) and
synthetic data (scripts/tools/synthetic.py, every title marked SYNTHETIC) written into a temporary folder, never
into data/ or a published site. Each stage runs in its own process, so its wall time and peak memory are its own
(the memory of its largest process, and of all its processes together, sampled: a build's chart workers run beside
it); figures are medians over ``--repeat`` runs, each with its ratio to a bare Pelican build of as many Markdown pages in
the same run. The budgets print PASS or FAIL; ``--check`` also exits 1 on a FAIL (the machine is shared, so by
default a slow run only reports).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, SoupStrainer

from scripts.settings import ROOT, default
from scripts.tools.synthetic import write_site_inputs

PYTHON = sys.executable


@dataclass(frozen=True)
class Size:
    name: str
    authorities: int = 0
    years: int = 0
    providers: int = 0
    reports: int = 0
    transactions: int = 0
    real: bool = False  # the shipped data/ and content/ rather than synthetic data

    def describe(self) -> str:
        if self.real:
            return f"{self.name}: the shipped data/ and content/ (every council page, the national series)"
        text = (
            f"{self.name}: {self.authorities} authorities x {self.years} years, {self.providers:,} providers, "
            f"{self.reports} reports"
        )
        return text + (f", {self.transactions:,} transactions" if self.transactions else "")


SIZES = {
    "real": Size("real", real=True),
    "small": Size("small", 15, 10, 500, 20, 0),
    "large": Size("large", 150, 10, 5000, 200, 1_000_000),
}
FULL, REBUILD = "full build (make site)", "rebuild, nothing changed"


@dataclass(frozen=True)
class Budget:
    name: str
    target: float
    higher_is_better: bool = False

    def met(self, measured: float) -> bool:
        return measured >= self.target if self.higher_is_better else measured <= self.target


# Issue 25's budgets, for this 2-core machine, each measured in one run.
BUDGETS = {
    "build": Budget("full build / bare Pelican, 5,000 providers (x)", 1.5),
    "rebuild": Budget("rebuild with nothing changed / full build (x)", 0.5),
    "build memory": Budget("peak memory of the build's largest process, 5,000 providers (MB)", 512),
    "validator memory": Budget("peak memory of the validator, 1,000,000 rows (MB)", 256),
    "validation": Budget("validation speed / upstream frictionless CLI (x)", 25, higher_is_better=True),
    "weight": Budget("heaviest page with its CSS and JS, every size (KB)", 100),
}


@dataclass
class Measure:
    seconds: float
    peak_mb: float  # the peak of its process tree's largest member (the kernel's count)
    tree_mb: float = 0.0  # the peak of all its processes together, sampled every SAMPLE seconds (0: not sampled)
    cpu_seconds: float = 0.0  # processor time, user and system, of it and every process it waited for (the kernel's)

    @property
    def whole_mb(self) -> float:
        """The memory the machine needed for it: its processes together (the chart workers run beside the pages)."""
        return max(self.peak_mb, self.tree_mb)


SAMPLE = 0.1  # seconds between samples of a process tree's memory; a shorter peak can be missed


def tree_rss_kb(root: int) -> int:
    """The resident memory of ``root`` and every process under it, from /proc, in KB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, total = [root], 0
    while tree:
        pid = tree.pop()
        tree += [child for child, parent in parents.items() if parent == pid]
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def run(command: list[str], cwd: Path = ROOT) -> Measure:
    """Run a command; its wall time, the peak memory of its process tree's largest member, and of the whole tree,
    and its processor time. The tree is sampled in a thread of its own, so the time ends when the command does, not
    at the next sample. The processor time is the kernel's account from ``wait4``: the command's own and that of
    every process it waited for (a build's chart workers and Pagefind), as ``/usr/bin/time`` gives it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(process.pid))
            done.wait(SAMPLE)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return Measure(seconds, usage.ru_maxrss / 1024, peak[0] / 1024, usage.ru_utime + usage.ru_stime)


def median(command: list[str], repeat: int, before=None) -> Measure:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run(command))
    return Measure(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        max(r.tree_mb for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
    )


def python_call(code: str, *args) -> list[str]:
    return [PYTHON, "-c", code, *map(str, args)]


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


def inputs_for(size: Size, folder: Path) -> dict:
    if size.real:
        return {"data": ROOT / "data", "content": ROOT / "content", "gss_codes": default("gss_codes")}
    return write_site_inputs(folder, size.authorities, size.years, size.providers, size.reports, size.transactions)


def remover(*paths: Path):
    return lambda: [shutil.rmtree(path, ignore_errors=True) for path in paths]


def stage_commands(inputs: dict, folder: Path) -> dict:
    """Each stage as a command, and what to clear before each run: the full build starts with no chart or build
    cache (scripts/build_cache.py), the rebuild with those the full build left."""
    data, content, gss = inputs["data"], inputs["content"], inputs["gss_codes"]
    cache, warm = folder / "chart-cache", folder / "warm-chart-cache"
    pages_out, full_out = folder / "pages-output", folder / "full-output"
    overrides = (
        "{'DATA_DIR': sys.argv[2], 'PATH': sys.argv[3], 'GSS_CODES': sys.argv[4], 'CHART_CACHE': sys.argv[5], "
        "'BUILD_CACHE': sys.argv[5] + '-build'}"
    )
    build = (
        "import sys; from pathlib import Path; from scripts.build import build; "
        f"build(Path(sys.argv[1]), {overrides}, Path(sys.argv[2]), {{'gss_codes': Path(sys.argv[4])}})"
    )
    return {
        "validate": ([PYTHON, "-m", "scripts.validate", "--gss-codes", str(gss), str(data)], None),
        "charts": (
            python_call(
                "import sys; from pathlib import Path; from scripts.datapackages import load_packages; "
                "from scripts.charts.render import ChartSet, renderer; "
                "ChartSet(load_packages(Path(sys.argv[1])), renderer=renderer(Path(sys.argv[2]), 2)).render_all()",
                data,
                cache,
            ),
            remover(cache),
        ),
        "pages (charts cached)": (
            python_call(
                "import sys; from pathlib import Path; from scripts.build import run_pelican; "
                f"run_pelican(Path(sys.argv[1]), {overrides})",
                pages_out,
                data,
                content,
                gss,
                warm,
            ),
            remover(pages_out),
        ),
        "search index": (
            python_call(
                "import sys; from pathlib import Path; from scripts.search import index_site; "
                "index_site(Path(sys.argv[1]))",
                pages_out,
            ),
            remover(pages_out / "pagefind"),
        ),
        FULL: (python_call(build, full_out, data, content, gss, cache), remover(cache, Path(f"{cache}-build"))),
        REBUILD: (python_call(build, full_out, data, content, gss, cache), None),
    }


def page_weight(site: Path, path: Path) -> int:
    """What a page costs to load: its HTML and the stylesheets and scripts it names (each once; not Pagefind's,
    which loads only when someone searches). The rule of tests/test_weight.py and the budget here."""
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml", parse_only=SoupStrainer(["link", "script"]))
    loaded = {e.get("href") or e.get("src") for e in page.select("link[rel=stylesheet][href], script[src]")}
    return path.stat().st_size + sum((site / t.lstrip("/")).stat().st_size for t in loaded if "pagefind" not in t)


def bench_size(size: Size, workdir: Path, repeat: int) -> dict:
    folder = workdir / size.name
    folder.mkdir()
    inputs = inputs_for(size, folder)
    commands = stage_commands(inputs, folder)
    run(commands["charts"][0][:-1] + [str(folder / "warm-chart-cache")])  # what the pages stage reads
    stages = {name: median(command, repeat, before) for name, (command, before) in commands.items()}
    full_out = folder / "full-output"
    pages = list(full_out.rglob("*.html"))
    stages["one Markdown page changed (preview)"] = preview(inputs, full_out, folder, repeat)
    bare = median(bare_pelican_site(folder, len(pages)), repeat, before=remover(folder / "bare-output"))
    result = {
        "size": size,
        "stages": stages,
        "html_pages": len(pages),
        "bare": bare,
        "cores": os.cpu_count() or 1,
        "heaviest_page_kb": max(page_weight(full_out, p) for p in pages) / 1024,
    }
    if size.transactions:
        transactions = inputs["data"] / "transactions"
        validate = [PYTHON, "-m", "scripts.validate", "--gss-codes", str(inputs["gss_codes"]), str(transactions)]
        theirs = run([str(Path(PYTHON).parent / "frictionless"), "validate", str(transactions / "datapackage.json")])
        result["rows_check"] = {"rows": size.transactions, "ours": median(validate, repeat), "frictionless": theirs}
    return result


def preview(inputs: dict, full_out: Path, folder: Path, repeat: int) -> Measure:
    """Preview one changed page into the full build (a copy of the content, never the shipped content/)."""
    content = folder / "preview-content"
    shutil.copytree(inputs["content"], content, dirs_exist_ok=True)
    report = min((content / "reports").glob("*.md"))

    def touch_report():
        report.write_text(report.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")

    command = python_call(
        "import sys; from pathlib import Path; from scripts.preview import preview; "
        "preview(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), "
        "{'DATA_DIR': sys.argv[4], 'GSS_CODES': sys.argv[5], 'CHART_CACHE': sys.argv[6]})",
        report,
        full_out,
        content,
        inputs["data"],
        inputs["gss_codes"],
        folder / "chart-cache",
    )
    return median(command, repeat, before=touch_report)


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    return "\n".join([line(rows[0]), "| " + " | ".join("-" * w for w in widths) + " |", *map(line, rows[1:])])


def size_report(result: dict) -> list[str]:
    size, stages, bare = result["size"], result["stages"], result["bare"]
    rows = [
        [
            "stage",
            "wall time (s, median)",
            "x bare Pelican",
            "processor time (s, user + system)",
            "peak memory, largest process (MB)",
            "x bare Pelican",
            "peak memory, all processes (MB)",
        ]
    ]
    measured = {**stages, f"bare Pelican, {result['html_pages']:,} Markdown pages": bare}
    for name, m in measured.items():
        rows.append(
            [
                name,
                f"{m.seconds:.2f}",
                f"{m.seconds / bare.seconds:.2f}",
                f"{m.cpu_seconds:.1f}",
                f"{m.peak_mb:.0f}",
                f"{m.peak_mb / bare.peak_mb:.1f}",
                f"{m.whole_mb:.0f}",
            ]
        )
    out = [f"\n## {size.describe()}", table(rows)]
    out.append(
        f"\nHTML pages written: {result['html_pages']:,}; pages per second (full build): "
        f"{result['html_pages'] / stages[FULL].seconds:,.0f}; heaviest page (HTML with its CSS and JavaScript): "
        f"{result['heaviest_page_kb']:.0f} KB"
    )
    if "rows_check" in result:
        check = result["rows_check"]
        ours, theirs = check["ours"], check["frictionless"]
        out.append(
            f"Validating {check['rows']:,} rows with every rule: ours {ours.seconds:.1f} s, {ours.whole_mb:.0f} MB "
            f"({check['rows'] / ours.seconds:,.0f} rows/s); upstream `frictionless validate` {theirs.seconds:.1f} s, "
            f"{theirs.whole_mb:.0f} MB ({check['rows'] / theirs.seconds:,.0f} rows/s): {theirs.seconds / ours.seconds:.1f}x"
        )
    return out


def at_5000_providers(results: list[dict]) -> dict | None:
    """The results of the size the build budgets are set for, if it was run."""
    return next((r for r in results if r["size"].providers >= 5000), None)


def measured_budgets(results: list[dict]) -> dict[str, float]:
    """Each budget's figure from the results that measure it (the 5,000-provider ones from the large size)."""
    measured = {"weight": max(r["heaviest_page_kb"] for r in results)}
    large = at_5000_providers(results)
    if large is not None:
        stages = large["stages"]
        measured["build"] = stages[FULL].seconds / large["bare"].seconds
        measured["rebuild"] = stages[REBUILD].seconds / stages[FULL].seconds
        # As issue 25 measured it (its largest process); report() also prints all its processes together.
        measured["build memory"] = max(stages[FULL].peak_mb, stages[REBUILD].peak_mb)
        measured["build memory, all processes"] = max(stages[FULL].whole_mb, stages[REBUILD].whole_mb)
    check = next((r["rows_check"] for r in results if r.get("rows_check", {}).get("rows", 0) >= 1_000_000), None)
    if check is not None:
        measured["validator memory"] = check["ours"].whole_mb
        measured["validation"] = check["frictionless"].seconds / check["ours"].seconds
    return measured


def budget_rows(results: list[dict]) -> list[list[str]]:
    measured = measured_budgets(results)
    rows = [["budget", "target", "measured", "verdict"]]
    for key, budget in BUDGETS.items():
        target = f"{'>=' if budget.higher_is_better else '<='} {budget.target:g}"
        if key not in measured:
            rows.append([budget.name, target, "not measured", "-"])
            continue
        value = measured[key]
        rows.append([budget.name, target, f"{value:.2f}", "PASS" if budget.met(value) else "FAIL"])
    return rows


def processor_floor(results: list[dict]) -> str | None:
    """What the first build's processor time alone allows at 5,000 providers: however its work were ordered, with
    every core busy from start to end it could not take less than that time shared among the cores."""
    large = at_5000_providers(results)
    if large is None or not large["stages"][FULL].cpu_seconds:
        return None
    cpu, cores, bare = large["stages"][FULL].cpu_seconds, large["cores"], large["bare"].seconds
    target = BUDGETS["build"].target
    return (
        f"\nThe first build at 5,000 providers used {cpu:.1f} processor-seconds (user and system, its chart workers "
        f"and Pagefind included). Were all {cores} cores busy from its start to its end, it could take no less than "
        f"{cpu / cores:.1f} s, {cpu / cores / bare:.2f} times bare Pelican; {target:g} times bare Pelican "
        f"({target * bare:.1f} s) gives {cores} cores {target * bare * cores:.1f} processor-seconds in all."
    )


def report(results: list[dict]) -> str:
    out = [line for result in results for line in size_report(result)]
    out += ["\n## Budgets\n", table(budget_rows(results))]
    floor = processor_floor(results)
    if floor:
        out.append(floor)
    whole = measured_budgets(results).get("build memory, all processes")
    if whole:
        out.append(
            f"\nThe build's processes together (its own and the chart workers, which run beside the pages) peaked at "
            f"{whole:,.0f} MB at 5,000 providers, against the 512 MB budget for its largest process."
        )
    return "\n".join(out)


def failed(results: list[dict]) -> list[str]:
    return [row[0] for row in budget_rows(results)[1:] if row[3] == "FAIL"]


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.tools.bench", description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    cli.add_argument("--repeat", type=int, default=3, help="runs per stage; the median is reported (default 3)")
    cli.add_argument("--check", action="store_true", help="exit 1 if any budget fails (default: only report)")
    args = cli.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mhdo-bench-") as workdir:
        results = []
        for name in args.sizes:
            print(f"Benchmarking {name} (work in {workdir})...", file=sys.stderr, flush=True)
            results.append(bench_size(SIZES[name], Path(workdir), args.repeat))
        print(f"# Benchmark ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
        print(report(results))
    return 1 if args.check and failed(results) else 0


if __name__ == "__main__":
    sys.exit(main())
