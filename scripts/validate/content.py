"""The Markdown content and the files beside it, checked before the build.

Pelican reads metadata, links and static files in ways that let a page take another's
address, copy a file from outside ``content/`` onto the site or load pictures from other
sites; each is refused here, with its file and line, so the build never starts on such input:

- metadata keys from an allow-list, real dates, and slugs that cannot take a generated page;
- ``content/static/`` holds only inert file types (the favicon, an SVG, passes a strict check);
- no symbolic link anywhere in ``content/`` (nor, checked by the validator, in a package);
- ``{attach}``, ``{static}`` and ``{filename}`` links name a file inside ``content/``;
- pictures come from this site, and no link is protocol-relative (``//host/``);
- a Markdown file keeps within a size and a nesting depth (settings ``max_markdown_bytes``,
  ``max_markdown_depth``), so rendering it is bounded work.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from scripts import settings as project_settings
from scripts.validate import messages
from scripts.validate.problems import Problem
from scripts.validate.shapes import invisible_problem

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")  # every one goes through the site's reader
MARKDOWN_EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.meta"]  # as MARKDOWN in pelican.conf.py
DATE_KEYS = ("date", "modified")
FORM = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2}))?")
# Python-Markdown's meta extension, which Pelican reads metadata with (markdown/extensions/meta.py).
META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
META_BEGIN = re.compile(r"^-{3}(\s.*)?")
META_END = re.compile(r"^(-{3}|\.{3})(\s.*)?")
# The metadata a page or report may carry (README, "Write a report").
METADATA_KEYS = ("title", "slug", "date", "modified", "summary")
# Two pages take a fixed address: the home page (/index.html, its own template) and /404.html.
PAGE_ADDRESSES = {"save_as": ("index.html", "404.html"), "url": ("", "404.html"), "template": ("home",)}
PAGES, REPORTS = "pages", "reports"  # PAGE_PATHS and ARTICLE_PATHS in pelican.conf.py
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The folders the site writes at its root: a page's slug may not be one of them.
SECTIONS = {
    "charts",
    "councils",
    "data",
    "directory",
    "feeds",
    "fonts",
    "index",
    "openreferral",
    "pagefind",
    "reports",
    "search",
    "static",
    "theme",
    "vendor",
}
STATIC = "static"
# What content/static/ may hold: pictures, documents and text that cannot run in a browser.
STATIC_TYPES = (".png", ".jpg", ".jpeg", ".webp", ".ico", ".pdf", ".csv", ".txt")
# The one SVG: the favicon (EXTRA_PATH_METADATA in pelican.conf.py), drawn only with these.
FAVICON = "favicon.svg"
SVG_ELEMENTS = {"svg", "title", "desc", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon"}
SVG_ATTRIBUTES = {
    "viewBox", "width", "height", "x", "y", "rx", "ry", "cx", "cy", "r", "d", "points", "x1", "y1", "x2", "y2",
    "fill", "stroke", "stroke-width", "fill-rule", "opacity", "fill-opacity", "transform", "role", "aria-label",
}  # fmt: skip
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
# Pelican's intrasite links ({attach}, {static}, {filename}, or |filename|) in an attribute.
LINKED = re.compile(r"[{|](?P<what>attach|static|filename)[|}](?P<value>[^\s\"'<>)\]]*)")


def check_content(content_dir: Path, settings: dict | None = None) -> list[Problem]:
    """Every problem in ``content_dir``, gathered for the build and the preview, which stop on any."""
    return list(content_problems(Path(content_dir), settings))


def content_problems(content_dir: Path, settings: dict | None = None) -> Iterator[Problem]:
    """Every problem in ``content_dir``: symbolic links, static files, and each Markdown file."""
    settings = {name: project_settings.value(name, settings) for name in ("max_markdown_bytes", "max_markdown_depth")}
    if not content_dir.is_dir():
        return
    links = list(symbolic_links(content_dir))
    yield from links
    linked = {Path(p.path) for p in links}
    yield from check_static(content_dir / STATIC, linked)
    slugs: dict[tuple[str, str], str] = {}
    for path in sorted(p for p in _files(content_dir) if p.suffix in MARKDOWN_SUFFIXES and p not in linked):
        yield from check_markdown(path, content_dir, settings, slugs)


def check_dates(content_dir: Path) -> list[Problem]:
    """Only the ``Date:`` and ``Modified:`` problems of ``check_content``."""
    return [p for p in check_content(content_dir) if p.code == "date-error"]


def _files(folder: Path):
    for parent, folders, files in os.walk(folder):  # os.walk follows no link to a folder
        folders.sort()
        for name in sorted(files):
            yield Path(parent) / name


def symbolic_links(folder: Path) -> Iterator[Problem]:
    """Every symbolic link under ``folder``, to a file or a folder: the build follows none."""
    for parent, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(folders + files):
            path = Path(parent) / name
            if path.is_symlink():
                yield Problem(str(path), None, None, messages.CONTENT_SYMLINK, "symlink")


def check_static(folder: Path, linked: set[Path]) -> Iterator[Problem]:
    """Files Pelican copies as they are: only inert types, and the favicon drawn with shapes only."""
    if not folder.is_dir():
        return
    seen: dict[str, Path] = {}
    for path in _files(folder):
        if path in linked:
            continue
        if path.as_posix().casefold() in seen:
            yield Problem(
                str(path), None, None, messages.same_static_name(seen[path.as_posix().casefold()]), "static-file"
            )
        seen[path.as_posix().casefold()] = path
        if path.relative_to(folder).as_posix() == FAVICON:
            message = svg_problem(path.read_bytes())
        elif path.suffix.lower() not in STATIC_TYPES or path.suffix != path.suffix.lower():
            message = messages.static_type(path.suffix, STATIC_TYPES, FAVICON)
        else:
            message = None
        if message:
            yield Problem(str(path), None, None, message, "static-file")


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is not a plain drawing (no script, handler, link, style, entity or foreign content); None if it is."""
    text = data.decode("utf-8", errors="replace")
    if "<!" in text or re.search(r"<\?(?!xml\s)", text):
        return messages.FAVICON_DECLARATION
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return messages.favicon_not_svg(error)
    for element in root.iter():
        tag = element.tag.removeprefix(SVG_NAMESPACE)
        if tag not in SVG_ELEMENTS:
            return messages.favicon_element(tag, SVG_ELEMENTS)
        for attribute, value in element.attrib.items():
            if attribute not in SVG_ATTRIBUTES or "url(" in value.lower():
                return messages.favicon_attribute(tag, attribute, value)
        if tag not in ("title", "desc") and (element.text or "").strip():
            return messages.favicon_text(tag)
    return None


def metadata_lines(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line, key, value) of each metadata line, read as Python-Markdown's meta extension reads them."""
    found: list[tuple[int, str, str]] = []
    start = 1 if lines and META_BEGIN.match(lines[0]) else 0
    key = None
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or META_END.match(line):
            break
        match = META.match(line)
        if match:
            key = match.group("key")
            found.append((number, key, match.group("value").strip()))
        elif not (key and META_MORE.match(line)):
            break
    return found


def check_markdown(path: Path, content_dir: Path, settings: dict, slugs: dict) -> Iterator[Problem]:
    try:
        data = path.read_bytes()
        text = data.decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as error:
        yield Problem(str(path), None, None, messages.markdown_not_utf8(error), "file-error")
        return
    limit = settings["max_markdown_bytes"]
    if len(data) > limit:
        yield Problem(str(path), None, None, messages.markdown_too_large(len(data), limit), "too-large")
        return
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as Python-Markdown splits them
    section = path.relative_to(content_dir).parts[0] if len(path.relative_to(content_dir).parts) > 1 else ""
    metadata = metadata_lines(lines)
    for number, key, value in metadata:
        yield from _metadata_problems(path, number, key, value, section, slugs)
    keys = {key.lower(): (number, key, value) for number, key, value in metadata}
    if section in (PAGES, REPORTS) and "slug" not in keys:
        # Pelican makes the slug from the title: a page titled "Data" would be written over /data/.
        number, key, title = keys.get("title", (1, "Title", path.stem))
        yield from _metadata_problems(path, number, key, title_slug(title), section, slugs, derived=True)
    too_deep = list(check_depth(path, lines, settings["max_markdown_depth"]))
    yield from too_deep or check_links(path, lines, content_dir)


def title_slug(title: str) -> str:
    """The slug Pelican makes from a title (pelican.utils.slugify with its default substitutions)."""
    from unidecode import unidecode

    value = unidecode(unicodedata.normalize("NFKC", re.sub(r"<[^>]*>", "", title))).lower()
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", value).strip())


def _metadata_problems(
    path: Path, number: int, key: str, value: str, section: str, slugs: dict, derived: bool = False
) -> Iterator[Problem]:
    name = "slug" if derived else key.lower()
    if invisible_problem(value):
        message, code = invisible_problem(value), "metadata-error"
    elif name in PAGE_ADDRESSES and section == PAGES:
        message, code = _page_address_problem(path, key, name, value, slugs), "metadata-error"
    elif name not in METADATA_KEYS:
        message, code = messages.metadata_key(key, METADATA_KEYS), "metadata-error"
    elif name in DATE_KEYS:
        message, code = date_problem(value), "date-error"
    elif name == "slug":
        message, code = _slug_problem(path, value, section, slugs, derived), "metadata-error"
    else:
        message = None
    if message:
        yield Problem(str(path), number, key, message, code)


def _page_address_problem(path: Path, key: str, name: str, value: str, slugs: dict) -> str | None:
    """A page's save_as or url: one of the few it may have, and not another page's."""
    if value not in PAGE_ADDRESSES[name]:
        return messages.page_address(value, key, PAGE_ADDRESSES[name])
    if name == "save_as" and (name, value) in slugs:
        return messages.address_taken(value, slugs[(name, value)])
    slugs[(name, value)] = str(path)
    return None


def _slug_problem(path: Path, value: str, section: str, slugs: dict, derived: bool) -> str | None:
    if section == PAGES and value in SECTIONS:
        return messages.slug_is_section(value, derived, SECTIONS)
    if not derived and not SLUG.match(value):
        return messages.bad_slug(value)
    if (section, value) in slugs:
        return messages.slug_taken(value, derived, slugs[(section, value)])
    slugs[(section, value)] = str(path)
    return None


def date_problem(value: str) -> str | None:
    match = FORM.fullmatch(value)
    if match:
        year, month, day, hour, minute = match.groups()
        try:
            date(int(year), int(month), int(day))
            if hour is not None:
                datetime(int(year), int(month), int(day), int(hour), int(minute))
            return None
        except ValueError:
            pass
    return messages.not_a_page_date(value)


LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)([-*+]|[0-9]+[.)])[ \t]")


def check_depth(path: Path, lines: list[str], limit: int) -> Iterator[Problem]:
    """Block quotes and lists nested deeper than ``limit``: Python-Markdown renders them by recursion."""
    for number, line in enumerate(lines, start=1):
        quotes = len(re.match(r"^[ >]*", line).group(0).replace(" ", ""))
        item = LIST_ITEM.match(line)
        lists = len(item.group("indent").expandtabs(4)) // 2 + 1 if item else 0
        if max(quotes, lists) > limit:
            yield Problem(str(path), number, None, messages.markdown_too_deep(max(quotes, lists), limit), "too-deep")
            return


class _Addresses(HTMLParser):
    """Every (tag, attribute, value) that is an address, in rendered HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "srcset", "poster", "data", "cite", "action", "formaction") and value:
                self.found.append((tag, name, value))


def _normal(address: str) -> str:
    """An address as a browser reads it: tabs and newlines removed, spaces trimmed, backslashes as slashes."""
    return re.sub(r"[\t\n\r]", "", address).strip("\x00 \x0c").replace("\\", "/")


def address_problem(tag: str, address: str) -> str | None:
    """Why an address in a page is refused: a protocol-relative link, or a picture from another site."""
    normal = _normal(address)
    if normal.startswith("//"):
        return messages.protocol_relative(address)
    if tag == "img" and (urlsplit(normal).scheme or urlsplit(normal).netloc):
        return messages.picture_elsewhere(address)
    return None


def check_links(path: Path, lines: list[str], content_dir: Path) -> Iterator[Problem]:
    """Intrasite links that leave ``content/``, pictures from elsewhere and protocol-relative links."""
    root = content_dir.resolve()
    for number, line in enumerate(lines, start=1):
        for match in LINKED.finditer(line):
            value = unquote(urlsplit(match.group("value")).path)
            target = (root / value.lstrip("/")) if value.startswith("/") else (path.parent / value)
            message = _linked_problem(match.group("what"), value, target, root)
            if message:
                yield Problem(str(path), number, None, message, "link-error")
    import markdown  # the site's renderer and its extensions that make links, to read addresses as it will

    parser = _Addresses()
    parser.feed(markdown.Markdown(extensions=MARKDOWN_EXTENSIONS).convert("\n".join(lines)))
    for tag, _, address in parser.found:
        message = address_problem(tag, address)
        if message:
            # The first line holding the address whole, not inside a longer one (https://x/ holds //x/).
            whole = re.compile(r"(?<![\w:/\\])" + re.escape(address))
            number = next((n for n, line in enumerate(lines, start=1) if whole.search(line)), None)
            yield Problem(str(path), number, None, message, "link-error")


def _linked_problem(what: str, value: str, target: Path, root: Path) -> str | None:
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        resolved = None
    if resolved is None or not resolved.is_relative_to(root):
        return messages.link_leaves_content(what, value)
    if not resolved.is_file():
        return messages.link_to_nothing(what, value)
    if target.is_symlink():
        return messages.link_to_symlink(what, value)
    if resolved.suffix not in STATIC_TYPES + MARKDOWN_SUFFIXES:
        return messages.link_type(what, value, STATIC_TYPES)
    return None
