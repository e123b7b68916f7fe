"""Every kind of table readable on a 320 px phone, in a real headless Chromium.

A table wider than the screen scrolls on its own in a focusable, named region that shows it scrolls (a shadow at
the side with more to see, a visible scroll bar); its caption stays inside the region, never clipped, whether the
region is scrolled to the start or to the end; the page itself never scrolls sideways."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, ROOT, read_csv

pytestmark = pytest.mark.browser

REPORTS = sorted(f"/reports/{p.stem}/" for p in (ROOT / "content" / "reports").glob("*.md"))
# A council's page holds the widest table (its series); the first council of the official series stands for all.
COUNCIL = f"/councils/{read_csv(DATA / 'day-care-spend' / 'council.csv')[0]['authority_code']}/"
# A data file's page holds its data dictionary and first rows.
FILES = ["/data/providers/organization/", "/data/council-figures/figure/", "/data/day-care-spend/council/"]
PAGES = [COUNCIL, *FILES, "/data/spend/changelog/", *REPORTS]

TABLES = """() => Array.from(document.querySelectorAll('main table')).map((table) => {
  const region = table.closest('.table-scroll');
  const caption = table.querySelector('caption');
  const visible = caption && !caption.classList.contains('visually-hidden') && caption.offsetParent !== null;
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  const out = {region: !!region, hidden: table.closest('details:not([open])') !== null};
  if (!region) return out;
  out.role = region.getAttribute('role');
  out.tabindex = region.getAttribute('tabindex');
  out.named = !!(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'));
  out.overflow = region.scrollWidth - region.clientWidth;
  out.cue = getComputedStyle(region).backgroundImage;
  out.bar = getComputedStyle(region).scrollbarWidth;
  const edges = [];
  for (const left of [0, region.scrollWidth]) {
    region.scrollLeft = left;
    edges.push({region: box(region), caption: visible ? box(caption) : null});
  }
  region.scrollLeft = 0;
  out.edges = edges;
  return out;
})"""


@pytest.mark.parametrize("path", PAGES)
def test_every_table_is_readable_at_320_px(chromium, open_page, path):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    try:
        page = open_page(path, context=context).page
        tables = [t for t in page.evaluate(TABLES) if not t["hidden"]]
        assert tables or path in REPORTS, f"{path} has no table to check"
        for number, table in enumerate(tables, 1):
            where = f"{path} table {number}"
            assert table["region"], f"{where} is not in a scrolling region"
            assert (table["role"], table["tabindex"], table["named"]) == ("region", "0", True), where
            if table["overflow"] > 0:
                assert "gradient" in table["cue"], f"{where} scrolls without showing that it does"
                assert table["bar"] != "none", where
            for edge in table["edges"]:
                if edge["caption"]:
                    (left, right), (cap_left, cap_right) = edge["region"], edge["caption"]
                    assert left - 0.5 <= cap_left and cap_right <= right + 0.5, f"{where}: caption clipped {edge}"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at 320 px"
    finally:
        context.close()
