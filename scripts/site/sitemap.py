"""sitemap.xml and robots.txt, written once the whole site is: every HTML page's address, absolute."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from scripts.settings import value
from scripts.site import context


def html_pages(output: Path) -> list[str]:
    """Every page's address: /path/ for path/index.html; 404.html is not a page to find."""
    urls = []
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        if relative == "404.html" or relative.startswith("pagefind/"):
            continue
        urls.append("/" + (relative.removesuffix("index.html")))
    return urls


def write_files(output: Path, site_url: str) -> None:
    site_url = site_url.rstrip("/")
    entries = "".join(f"  <url><loc>{escape(site_url + url)}</loc></url>\n" for url in html_pages(output))
    (output / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n",
        encoding="utf-8",
    )
    (output / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n", encoding="utf-8"
    )


def write_sitemap(pelican) -> None:
    if not context.of(pelican.settings).preview:
        write_files(Path(pelican.output_path), value("site_public_url", pelican.settings))
