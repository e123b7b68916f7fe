"""The site's security headers, declared once: the pages' <meta> policy and the ``_headers`` file.

Every page carries its Content-Security-Policy in a <meta> tag (``theme/templates/base.html``),
because GitHub Pages sends no headers of ours. A host that reads a ``_headers`` file (Netlify,
Cloudflare Pages) also sends the policy as a header, and with it what a <meta> tag cannot say:
``frame-ancestors``, ``X-Content-Type-Options`` and ``Referrer-Policy``. The build writes that
file at the site's root from the built folders (``write_headers``).

Hosts differ when several rules match one path: Netlify sends the last rule's value of a header,
Cloudflare Pages sends every rule's value joined, so a browser enforces them all. So the rules
never overlap but for one catch-all listed first (for paths no folder rule names, such as a
missing page): it carries the most permissive of our policies, which the specific rule after it
replaces on Netlify and only narrows on Cloudflare.
"""

from __future__ import annotations

from pathlib import Path

# The pages' policy, directive by directive; search adds what Pagefind's WebAssembly needs.
PAGE_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
EXTRA_SCRIPT_SOURCES = {"page": "", "search": "'wasm-unsafe-eval'"}
# Ignored in a <meta> tag: only a header can say it.
HEADER_ONLY = (("frame-ancestors", "'none'"),)
# Files that are not pages (data, pictures, feeds) need nothing at all if opened as a document.
FILE_POLICY = (("default-src", "'none'"),)
OTHER_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin"))
# Top-level folders read by the search page (Pagefind's index and WebAssembly) get its policy.
SEARCH_FOLDERS = ("search", "pagefind")
HEADERS_FILE = "_headers"


def _join(directives) -> str:
    return "; ".join(f"{name} {sources}" for name, sources in directives)


def page_policy(kind: str = "page") -> str:
    """The <meta> policy of a page of this ``kind`` (``page`` or ``search``)."""
    extra = EXTRA_SCRIPT_SOURCES[kind]
    return _join(
        (name, f"{sources} {extra}" if name == "script-src" and extra else sources) for name, sources in PAGE_POLICY
    )


def header_policy(kind: str) -> str:
    """The header policy of a path of this ``kind``: ``page``, ``search`` or ``file``."""
    if kind == "file":
        return _join(FILE_POLICY + HEADER_ONLY)
    return f"{page_policy(kind)}; {_join(HEADER_ONLY)}"


def _holds_pages(path: Path) -> bool:
    return path.suffix == ".html" if path.is_file() else any(path.rglob("*.html"))


def rules(site: Path) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(path pattern, headers) for the built ``site``: a catch-all, then one rule per top-level entry."""
    found = [("/*", (*OTHER_HEADERS, ("Content-Security-Policy", header_policy("search"))))]
    found.append(("/", (("Content-Security-Policy", header_policy("page")),)))
    for entry in sorted(site.iterdir()):
        if entry.name == HEADERS_FILE or entry.name.startswith("."):
            continue
        kind = "search" if entry.name in SEARCH_FOLDERS else "page" if _holds_pages(entry) else "file"
        pattern = f"/{entry.name}/*" if entry.is_dir() else f"/{entry.name}"
        found.append((pattern, (("Content-Security-Policy", header_policy(kind)),)))
    return found


def headers_text(site: Path) -> str:
    lines = [
        "# Security headers for hosts that read this file (Netlify, Cloudflare Pages); written by the build",
        "# from scripts/security.py. GitHub Pages ignores it: every page also carries its policy in <meta>.",
    ]
    for pattern, headers in rules(site):
        lines += ["", pattern] + [f"  {name}: {value}" for name, value in headers]
    return "\n".join(lines) + "\n"


def write_headers(site: Path) -> None:
    """Write ``_headers`` at the root of the built ``site`` (after the search index, so it names its folder)."""
    (site / HEADERS_FILE).write_text(headers_text(site), encoding="utf-8")
