"""Markdown from pull requests, made safe: nh3 with an explicit allow-list.

Authors may write a little HTML (a table, an abbreviation); scripts, event handlers,
``javascript:`` links, iframes, styles and forms never reach a page, nor pictures from other
sites or protocol-relative (``//host/``) links. References such as
``{figure ...}`` are swapped for tokens before cleaning and for our own trusted HTML after,
so nothing an author writes can pass as trusted. The Pelican reader that uses this is
``scripts/site/reader.py``.
"""

from __future__ import annotations

import html as _html
import re
import secrets

import nh3

from scripts.site import references
from scripts.validate.content import address_problem

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


def _keep_address(tag: str, attribute: str, value: str) -> str | None:
    """Drop a picture from another site and a protocol-relative link (the validator refuses both first)."""
    if attribute in ("href", "src") and address_problem(tag, value):
        return None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=_keep_address,
    )


TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
HEADING = re.compile(r"<h[2-6][^>]*>(.*?)</h[2-6]>", re.DOTALL)
CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def scrollable_tables(html: str) -> str:
    """Put each table an author wrote in a focusable region that scrolls on its own on a narrow screen, named by
    its caption or else the heading above it, as the site's own tables are (theme/templates/_compare.html)."""

    def wrap(match: re.Match) -> str:
        named = CAPTION.search(match[0]) or (HEADING.findall(html[: match.start()]) or [None])[-1]
        text = named[1] if isinstance(named, re.Match) else named
        label = _html.escape(" ".join(TAG.sub("", _html.unescape(text)).split()) if text else "Table", quote=True)
        return f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">{match[0]}</div>'

    return TABLE.sub(wrap, html)


def render(html: str, source_text: str, source_path: str, context) -> str:
    """Clean the author's HTML, then put in the trusted HTML of each reference."""
    resolved = references.resolve_all(html, source_text, source_path, context)
    nonce = secrets.token_hex(8)
    tokens = {}
    for number, (reference, rendered) in enumerate(resolved.items()):
        token = f"REF{nonce}N{number}E"  # the end mark keeps N1 from matching inside N10
        tokens[token] = rendered
        html = html.replace(reference, token)
    html = scrollable_tables(sanitise(html))
    for token, rendered in tokens.items():
        if rendered.block:
            html = re.sub(rf"<p>\s*{token}\s*</p>", lambda _, rendered=rendered: rendered.html, html)
        html = html.replace(token, rendered.html)
    return html
