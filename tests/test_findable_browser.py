"""The dataset, data file, version and changelog pages in a real Chromium: column names never break mid-word, and
the new pages pass axe."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations

pytestmark = pytest.mark.browser

# Each text node of a column name lies between <wbr>s: one that spans two lines has broken mid-word.
BROKEN_NAMES = """() => {
  const broken = [];
  for (const code of document.querySelectorAll('table.dictionary th code')) {
    for (const node of code.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(code.textContent);
    }
  }
  return broken;
}"""

# A name on more than one line at all (allowed on a phone, after an underscore; not on a desktop).
WRAPPED_NAMES = """() => [...document.querySelectorAll('table.dictionary th code')].filter(code => {
  const range = document.createRange();
  range.selectNodeContents(code);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
}).map(code => code.textContent)"""


@pytest.mark.parametrize("width", [1280, 320])
def test_dictionary_column_names_never_break_mid_word(chromium, open_page, width):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    try:
        for path in (
            "/data/providers/organization/",
            "/data/providers/service/",
            "/data/spend/spend/",
            "/data/survey/finding/",
        ):
            page = open_page(path, context=context)
            assert page.page.locator("table.dictionary th code").count() > 0
            assert page.page.evaluate(BROKEN_NAMES) == [], (path, width)
            if width >= 1024:
                assert page.page.evaluate(WRAPPED_NAMES) == [], (path, width)
    finally:
        context.close()


def test_the_mid_word_check_catches_a_break(open_page):
    page = open_page("/data/providers/organization/")
    # CSSOM from script is allowed by the page's CSP; squeeze the names until they must break.
    page.page.evaluate(
        """() => document.querySelectorAll('table.dictionary tbody th').forEach(th => {
            th.style.width = '1ch'; th.style.maxWidth = '1ch';
            th.querySelector('code').style.wordBreak = 'break-all';
            th.querySelector('code').style.whiteSpace = 'normal';
        })"""
    )
    assert page.page.evaluate(BROKEN_NAMES)


@pytest.mark.parametrize(
    "path", ["/data/spend/1.0.0/", "/data/spend/changelog/", "/data/", "/data/providers/organization/"]
)
def test_version_changelog_and_data_pages_pass_axe(open_page, path):
    page = open_page(path)
    assert page.console_errors == [] and page.off_host() == []
    assert axe_violations(page.page) == []


@pytest.mark.parametrize(
    "path",
    ["/data/", "/data/providers/", "/data/providers/organization/", "/data/spend/1.0.0/", "/data/spend/changelog/"],
)
def test_data_pages_fit_a_phone(chromium, open_page, path):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    try:
        page = open_page(path, context=context)
        overflow = page.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, "the page scrolls sideways at 320 px"
    finally:
        context.close()
