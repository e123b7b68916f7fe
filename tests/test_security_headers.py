"""The `_headers` file of the built site: what Netlify and Cloudflare Pages would send, read as they read it.

Each path of the built site is matched against the file's rules the way both hosts do: Netlify sends
the last matching rule's value of a header, Cloudflare Pages every matching rule's value (so a browser
enforces them all). Either way an HTML page must get exactly the policy of its own <meta> tag, plus
`frame-ancestors 'none'`, which only a header can carry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scripts.security import HEADERS_FILE


def parse_rules(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line.startswith("/") and " " not in line, line
            rules.append((line, {}))
            continue
        name, _, value = line.strip().partition(": ")
        assert value and name not in rules[-1][1], line  # one value per header per rule
        rules[-1][1][name] = value
    return rules


def matches(pattern: str, path: str) -> bool:
    # Both hosts: a splat matches any characters (slashes too), including none.
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), path) is not None


def policy(text: str) -> dict[str, frozenset[str]]:
    directives = [d.split() for d in text.split(";") if d.strip()]
    parsed = {d[0].lower(): frozenset(d[1:]) for d in directives}
    assert len(parsed) == len(directives), text  # no directive twice
    return parsed


def allows_at_least(wider: dict, narrower: dict) -> bool:
    """Whether ``wider`` lets through everything ``narrower`` does (joined, the narrower one still decides)."""
    fallback = wider.get("default-src", frozenset())
    return all(sources <= wider.get(name, fallback) for name, sources in narrower.items())


def served(rules, path: str) -> tuple[dict[str, str], list[str]]:
    """Netlify's headers for ``path`` (the last rule wins), and every rule's CSP (what Cloudflare joins)."""
    found = [headers for pattern, headers in rules if matches(pattern, path)]
    last = {name: value for headers in found for name, value in headers.items()}
    return last, [h["Content-Security-Policy"] for h in found if "Content-Security-Policy" in h]


def urls(site: Path, file: Path) -> list[str]:
    relative = "/" + file.relative_to(site).as_posix()
    return [relative, relative.removesuffix("index.html")] if file.name == "index.html" else [relative]


@pytest.fixture(scope="module")
def rules(built_site):
    return parse_rules((built_site / HEADERS_FILE).read_text(encoding="utf-8"))


def test_every_html_page_gets_its_meta_policy_as_a_header_with_frame_ancestors(built_site, rules):
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for page in pages:
        if page.relative_to(built_site).parts[0] == "pagefind":
            continue
        meta = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            "meta[http-equiv=Content-Security-Policy]"
        )
        expected = {**policy(meta["content"]), "frame-ancestors": frozenset({"'none'"})}
        for url in urls(built_site, page):
            last, every = served(rules, url)
            assert policy(last["Content-Security-Policy"]) == expected, url
            # Cloudflare enforces every matching rule's policy: none may take away what the page needs.
            assert all(allows_at_least(policy(p), expected) for p in every), url


def test_the_search_page_header_allows_pagefinds_webassembly_and_no_other_page_does(rules):
    last, every = served(rules, "/search/")
    assert "'wasm-unsafe-eval'" in policy(last["Content-Security-Policy"])["script-src"]
    assert all("'wasm-unsafe-eval'" in policy(p)["script-src"] for p in every)
    for url in ("/", "/about/", "/data/", "/404.html"):
        assert "'wasm-unsafe-eval'" not in policy(served(rules, url)[0]["Content-Security-Policy"])["script-src"]


def test_every_file_gets_nosniff_a_referrer_policy_and_a_policy_that_forbids_framing(built_site, rules):
    files = [f for f in built_site.rglob("*") if f.is_file() and f.name != HEADERS_FILE]
    assert len(files) > 100
    for file in files:
        for url in urls(built_site, file):
            last, every = served(rules, url)
            assert last["X-Content-Type-Options"] == "nosniff", url
            assert last["Referrer-Policy"] == "strict-origin-when-cross-origin", url
            assert every and all(policy(p)["frame-ancestors"] == {"'none'"} for p in every), url
    # A page no rule names (a missing one, served the 404 page) is covered by the catch-all.
    assert served(rules, "/no/such/page/")[1]


def test_files_that_are_not_pages_may_load_nothing(rules):
    for url in ("/charts/", "/fonts/", "/feeds/data.atom.xml", "/catalog.jsonld", "/favicon.svg", "/robots.txt"):
        last, every = served(rules, url)
        assert policy(last["Content-Security-Policy"])["default-src"] == {"'none'"}, url
        assert any(policy(p)["default-src"] == {"'none'"} for p in every), url


def test_the_rules_never_overlap_but_for_the_catch_all_first(rules):
    patterns = [pattern for pattern, _ in rules]
    assert patterns[0] == "/*" and "/*" not in patterns[1:]
    assert len(patterns) == len(set(patterns)) <= 100  # Cloudflare Pages reads at most 100 rules
    for pattern in patterns[1:]:
        probe = pattern.replace("*", "x")
        assert [p for p in patterns[1:] if matches(p, probe)] == [pattern], pattern
