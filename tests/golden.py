"""The golden snapshot: what the shipped site says, in one reviewable file.

Tests assert invariants for any data; today's values live only here. A maintainer who changes
data/ or content/ regenerates it in the same pull request, so the diff shows what the site now
says:

    make golden        # builds the site into a temporary folder and rewrites tests/golden/site.json
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "site.json"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _chart_headline(figure) -> str:
    heading = figure.select_one("h2, h3, h4, figcaption") or figure.select_one("svg title")
    return heading.get_text(" ", strip=True) if heading else ""


def snapshot(site: Path) -> dict:
    """Headline figures, every quoted figure and chart headline per page, the directory's entries,
    and each data file's row count, read from a built site."""
    home = _soup(site / "index.html")
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        page = _soup(path)
        figures = [[a["data-figure"], a.get_text()] for a in page.select("a.figure[data-figure]")]
        charts = [[f["id"], _chart_headline(f)] for f in page.select("figure.chart[id]")]
        if figures or charts:
            pages[path.relative_to(site).as_posix()] = {"figures": figures, "charts": charts}
    entries = json.loads((site / "directory" / "entries.json").read_text(encoding="utf-8"))
    files = {}
    for path in sorted(site.glob("data/*/index.html")):
        for section in _soup(path).select("section.resource[aria-labelledby]"):
            rows = re.search(r"· ([\d,]+) rows?\b", section.get_text(" "))
            files[f"{path.parent.name}/{section['aria-labelledby']}"] = rows[1] if rows else "no rows"
    return {
        "headline": [li.select_one(".headline-value").get_text() for li in home.select(".headline-figures li")],
        "pages": pages,
        "directory": {"total": entries["total"], "entries": sorted(e["id"] for e in entries["entries"])},
        "files": files,
    }


def write(snap: dict, path: Path = GOLDEN) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snap, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def main() -> int:
    from scripts.build import BuildError, build

    with tempfile.TemporaryDirectory(prefix="golden-") as folder:
        try:
            build(Path(folder) / "output")
        except BuildError as error:
            print(error, file=sys.stderr)
            return 1
        write(snapshot(Path(folder) / "output"))
    print(f"Wrote {GOLDEN.relative_to(ROOT)}: review its diff and commit it with your change.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
