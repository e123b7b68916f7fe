"""Markdown from pull requests, made safe: nh3 with an explicit allow-list.

Authors may write a little HTML (a table, an abbreviation); scripts, event handlers,
``javascript:`` links, iframes, styles and forms never reach a page. References such as
``{figure ...}`` are swapped for tokens before cleaning and for our own trusted HTML after,
so nothing an author writes can pass as trusted.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import ClassVar

import nh3
from pelican.readers import MarkdownReader

from scripts import references

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "lang", "title"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
logger = logging.getLogger(__name__)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def render(html: str, source_text: str, source_path: str, context: dict) -> str:
    """Clean the author's HTML, then put in the trusted HTML of each reference."""
    resolved = references.resolve_all(html, source_text, source_path, context)
    nonce = secrets.token_hex(8)
    tokens = {}
    for number, (reference, rendered) in enumerate(resolved.items()):
        token = f"REF{nonce}N{number}X"  # X ends it: N1 must not match the start of N10
        tokens[token] = rendered
        html = html.replace(reference, token)
    html = sanitise(html)
    for token, rendered in tokens.items():
        if rendered.block:
            html = re.sub(rf"<p>\s*{token}\s*</p>", lambda _, rendered=rendered: rendered.html, html)
        html = html.replace(token, rendered.html)
    return html


class SafeMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with references resolved and raw HTML sanitised."""

    # the build context references resolve against (packages, site URL); set by the plugin
    context: ClassVar[dict] = {}

    def read(self, source_path):
        content, metadata = super().read(source_path)
        source_text = Path(source_path).read_text(encoding="utf-8")
        try:
            content = render(content, source_text, _display(source_path), self.context)
        except references.ReferenceProblem as problem:
            # Pelican logs only "Could not process <file>"; say what and where first.
            logger.error("%s", problem)
            raise
        if "summary" in metadata:
            metadata["summary"] = sanitise(str(metadata["summary"]))
        return content, metadata


def _display(path) -> str:
    from scripts.settings import ROOT

    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
