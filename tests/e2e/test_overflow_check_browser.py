"""The journeys' sideways-scrolling check (tests/e2e/overflow.py) in real Chromium: it fails when the
page is wider than a 375 px window, names the element that sticks out furthest, and leaves alone
what does not widen the page (a scrolling table, a clipped carousel, a fixed banner)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import needs_chromium
from tests.e2e.overflow import horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.storefront, needs_chromium]

HEAD = '<meta name="viewport" content="width=device-width, initial-scale=1"><style>body{margin:0}</style>'


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812})
    yield context.new_page()
    context.close()


def test_a_page_that_fits_passes(phone):
    phone.set_content(f"{HEAD}<main><p>Fits.</p><img width=375 height=10 alt=''></main>")

    assert horizontal_overflow(phone) is None


def test_a_too_wide_element_fails_and_is_named(phone):
    phone.set_content(
        f"{HEAD}<main><p>Fits.</p><table class='cart-table wide'><tr><td>Long SKU</td></tr></table></main>"
    )
    phone.add_style_tag(content=".wide { width: 520px }")

    overflow = horizontal_overflow(phone)

    assert overflow is not None
    assert (overflow.scroll_width, overflow.inner_width) == (520, 375)
    assert overflow.widest.startswith('table.cart-table.wide "Long SKU" (right edge at 520px, 520px wide)')
    assert "scrolls sideways by 145px" in str(overflow)


def test_the_furthest_offender_is_named_not_the_first(phone):
    phone.set_content(
        f"{HEAD}<div id='a' style='width:400px'>a</div><div id='b' style='margin-left:100px;width:600px'>b</div>"
    )

    overflow = horizontal_overflow(phone)

    assert overflow is not None and overflow.widest.startswith('div#b "b" (right edge at 700px')


def test_of_nested_offenders_the_outermost_is_named(phone):
    phone.set_content(
        f"{HEAD}<div class='row' style='width:500px'><span class='price' style='display:block'>$1</span></div>"
    )

    overflow = horizontal_overflow(phone)

    assert overflow is not None and overflow.widest.startswith('div.row "$1"')


CONTAINED = {
    "scrolling": "<div style='overflow-x:auto'><table style='width:900px'><tr><td>boxed</td></tr></table></div>",
    "clipped": "<div style='overflow:hidden'><div style='width:900px'>a clipped carousel</div></div>",
    "fixed": "<div style='position:fixed;left:0;top:0'><span style='display:inline-block;margin-left:360px;"
    "width:500px'>pinned</span></div>",
}


@pytest.mark.parametrize("html", CONTAINED.values(), ids=CONTAINED.keys())
def test_what_does_not_widen_the_page_passes(phone, html):
    phone.set_content(HEAD + html)

    assert horizontal_overflow(phone) is None


@pytest.mark.parametrize("html", CONTAINED.values(), ids=CONTAINED.keys())
def test_what_does_not_widen_the_page_is_never_named_as_the_offender(phone, html):
    phone.set_content(f"{HEAD}<div id='culprit' style='width:420px'>x</div>{html}")

    overflow = horizontal_overflow(phone)

    assert overflow is not None and overflow.scroll_width == 420
    assert overflow.widest.startswith('div#culprit "x" (right edge at 420px')
