"""Clipped text in the browser: a title, label, tab, metric or link whose text is wider than its box.

``clipped(page)`` lists every visible text element of the main area (titles, subheaders, metric labels, values
and deltas, widget labels, tab and expander labels, page links, captions) with an element inside it whose
``scrollWidth`` exceeds its ``clientWidth`` — text cut off or ellipsised. Tables are drawn on a canvas (no DOM
to measure) and are not covered.
"""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot

TEXT_ELEMENTS = ["h1", "h2", "h3", '[data-testid="stMetricLabel"]', '[data-testid="stMetricValue"]',
                 '[data-testid="stMetricDelta"]', '[data-testid="stWidgetLabel"]', '[data-testid="stTab"]',
                 '[data-testid="stExpander"] summary', '[data-testid="stPageLink"]', '[data-testid="stCaptionContainer"]',
                 '[data-testid="stMarkdownContainer"] strong']

FIND_CLIPPED = """(selectors) => {
  const found = [];
  const seen = new Set();
  for (const el of document.querySelectorAll(selectors.map(s => '[data-testid="stMain"] ' + s).join(','))) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (e.clientWidth === 0 || e.getClientRects().length === 0) continue;      // hidden (another tab)
      const style = getComputedStyle(e);
      if (style.overflowX === 'visible' && style.textOverflow !== 'ellipsis') continue;  // cannot clip
      if (e.scrollWidth > e.clientWidth + 1) {
        const text = (el.innerText || '').trim().slice(0, 80);
        if (!seen.has(text)) {
          seen.add(text);
          found.push(`${text} (${e.scrollWidth}px of text in ${e.clientWidth}px)`);
        }
        break;
      }
    }
  }
  return found;
}"""


# unfinished values in the page's text (tables are drawn on a canvas: not covered)
UNFINISHED = re.compile(r"(?:^|[:(·=|])[ \t]*(?:None|nan|NaN|NaT)[ \t]*(?:$|[)·,.|])|\b\d{2}:\d{2}:\d{2}\b", re.MULTILINE)


def unfinished(page) -> list[str]:
    """Lines of the main area showing ``None``, ``nan``, ``NaT`` as a value, or a time of day to the second
    (``00:00:00``)."""
    text = page.locator('[data-testid="stMain"]').inner_text()
    return [line.strip()[:100] for line in text.splitlines() if UNFINISHED.search(line)]


def clipped(page) -> list[str]:
    return page.evaluate(FIND_CLIPPED, TEXT_ELEMENTS)


def check_widths(page, name: str, widths=(1400, 1280)) -> dict[int, list[str]]:
    """Clipped text at each width (the page is resized, not reloaded); a screenshot per width."""
    found = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(600)             # let the layout settle
        found[width] = clipped(page)
        screenshot(page, f"{name}-{width}")
    return found
