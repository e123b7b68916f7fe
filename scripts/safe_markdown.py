"""Markdown from pull requests, made safe: nh3 with an explicit allow-list.

Authors may write a little HTML (a table, an abbreviation); scripts, event handlers,
``javascript:`` links, iframes, styles and forms never reach a page, nor pictures from other
sites or protocol-relative (``//host/``) links. References such as
``{figure ...}`` are swapped for tokens before cleaning and for our own trusted HTML after,
so nothing an author writes can pass as trusted. The Pelican reader that uses this is
``scripts/site/reader.py``.
"""

from __future__ import annotations

import re
import secrets

import nh3

from scripts import references
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
    if attribute in ("href", "src") and address_problem(tag, attribute, value):
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


def render(html: str, source_text: str, source_path: str, context) -> str:
    """Clean the author's HTML, then put in the trusted HTML of each reference."""
    resolved = references.resolve_all(html, source_text, source_path, context)
    nonce = secrets.token_hex(8)
    tokens = {}
    for number, (reference, rendered) in enumerate(resolved.items()):
        token = f"REF{nonce}N{number}E"  # the end mark keeps N1 from matching inside N10
        tokens[token] = rendered
        html = html.replace(reference, token)
    html = sanitise(html)
    for token, rendered in tokens.items():
        if rendered.block:
            html = re.sub(rf"<p>\s*{token}\s*</p>", lambda _, rendered=rendered: rendered.html, html)
        html = html.replace(token, rendered.html)
    return html
