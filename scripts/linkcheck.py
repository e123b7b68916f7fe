"""Check the built site's internal links: ``python -m scripts.linkcheck output/``.

Every ``href`` and ``src`` in every HTML file that points inside the site must name a file
in the output (a folder means its ``index.html``), and every ``#fragment`` an ``id`` on the
page it points to. Prints one line per broken link, ``file: link: why``; exits 1 on any.
Links to other sites are not fetched: this is about what our own build produces.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"href", "src"}


@dataclass(frozen=True)
class BrokenLink:
    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link}: {self.reason}"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in LINK_ATTRIBUTES:
                self.links.append(value.strip())
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)


@cache
def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _is_internal(link: str) -> bool:
    parts = urlsplit(link)
    return not (parts.scheme or parts.netloc or link.startswith("//"))


def _target(root: Path, page: Path, link_path: str) -> Path | None:
    """The file a link's path names, or None if there is none."""
    if link_path.startswith("/"):
        relative = PurePosixPath(link_path.lstrip("/"))
    else:
        relative = PurePosixPath(*page.relative_to(root).parent.parts) / link_path
    parts: list[str] = []
    for part in relative.parts:
        if part == "..":
            if not parts:
                return None  # climbs out of the site
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    target = root.joinpath(*parts)
    if link_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def check_page(root: Path, page: Path) -> list[BrokenLink]:
    shown = page.relative_to(root).as_posix()
    broken = []
    for link in _read(page).links:
        if not link or not _is_internal(link):
            continue
        parts = urlsplit(link)
        fragment = unquote(parts.fragment)
        target = page if not parts.path else _target(root, page, unquote(parts.path))
        if target is None:
            broken.append(BrokenLink(shown, link, "no such file in the site"))
        elif fragment and target.suffix == ".html" and fragment not in _read(target).ids:
            broken.append(BrokenLink(shown, link, f"no id '{fragment}' on {target.relative_to(root).as_posix()}"))
    return broken


def check_site(root: Path) -> list[BrokenLink]:
    root = root.resolve()
    _read.cache_clear()
    broken = []
    for page in sorted(root.rglob("*.html")):
        broken.extend(check_page(root, page))
    return broken


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m scripts.linkcheck", description=__doc__.splitlines()[0])
    cli.add_argument("output", type=Path, help="the built site's folder (output/)")
    args = cli.parse_args(argv)
    if not args.output.is_dir():
        print(f"{args.output}: not a folder: build the site first (make site)", file=sys.stderr)
        return 1
    broken = check_site(args.output)
    for link in broken:
        print(link)
    pages = sum(1 for _ in args.output.rglob("*.html"))
    if broken:
        print(f"Checked {pages} pages: {len(broken)} broken internal link{'s' * (len(broken) != 1)}.")
        return 1
    print(f"Checked {pages} pages: every internal link resolves.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
