"""What every storefront page is checked for in the browser: no sideways scrolling, no serious or
critical axe-core violation; and a full-page screenshot kept under var/e2e/ as an artifact."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import ARTIFACTS

_axe = Axe()
SEVERE = {"serious", "critical"}
# How far the page is wider than the viewport, and which elements stick out (for the message).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const culprits = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== 'fixed')
    .filter(el => !el.closest('.visually-hidden, .skip-link'))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return {overflow: document.documentElement.scrollWidth - width, culprits};
}"""


def inspect_page(page, *, name: str, width: int) -> list[str]:
    """Problems with the page as it is now (empty: none); saves ``var/e2e/<width>/<name>.png``."""
    problems = []
    layout = page.evaluate(OVERFLOW_JS)
    if layout["overflow"] > 0:
        problems.append(f"{name} @{width}px scrolls sideways by {layout['overflow']}px: {layout['culprits']}")
    results = _axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in SEVERE:
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{name} @{width}px axe {violation['impact']}: {violation['id']} {targets}")
    folder = ARTIFACTS / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    return problems
