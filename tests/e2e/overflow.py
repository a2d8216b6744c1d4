"""Horizontal overflow, measured the way a phone shows it: the document is wider than the window
(``document.documentElement.scrollWidth > innerWidth``), so the page scrolls sideways. The message
names the element that sticks out furthest, so a failure says what to fix."""

from __future__ import annotations

from dataclasses import dataclass

# The widest offender is the element whose right edge lies furthest beyond the window. Elements
# inside a container that clips or scrolls sideways (a scrolling table, a carousel) do not widen
# the page, and fixed elements (and what is inside them) do not scroll with it: all are left out.
# Among equal right edges the outermost (first in document order) is named: it is the one to fix.
_MEASURE_JS = """() => {
  const limit = window.innerWidth;
  const contained = el => {
    if (getComputedStyle(el).position === 'fixed') return true;
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.position === 'fixed' || ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX)) return true;
    }
    return false;
  };
  const describe = el => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    if (classes.length) name += '.' + classes.join('.');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  let widest = null;
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 0.5 || contained(el)) continue;
    if (widest === null || box.right > widest.right + 0.5) {
      widest = {element: describe(el), right: Math.round(box.right), width: Math.round(box.width)};
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: limit, widest};
}"""


@dataclass(frozen=True)
class Overflow:
    scroll_width: int
    inner_width: int
    widest: str  # the element sticking out furthest, described for a person, with its box

    def __str__(self) -> str:
        return (
            f"the page is {self.scroll_width}px wide in a {self.inner_width}px window "
            f"(scrolls sideways by {self.scroll_width - self.inner_width}px); widest offender: {self.widest}"
        )


def horizontal_overflow(page) -> Overflow | None:
    """How the page as it is now overflows its window sideways, or None when it fits."""
    measured = page.evaluate(_MEASURE_JS)
    if measured["scrollWidth"] <= measured["innerWidth"]:
        return None
    widest = measured["widest"]
    described = (
        f"{widest['element']} (right edge at {widest['right']}px, {widest['width']}px wide)"
        if widest
        else "no single element (a margin or a pseudo-element)"
    )
    return Overflow(scroll_width=measured["scrollWidth"], inner_width=measured["innerWidth"], widest=described)
