"""Charts as server-rendered SVG: no script, no CDN, nothing for the CSP to allow."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 720, 220, 32


def _points(values: Sequence[Decimal], top: Decimal) -> str:
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    return " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - float(v / top) * (HEIGHT - 2 * PAD):.1f}" for i, v in enumerate(values)
    )


def charts_join(charts: Iterable[SafeString]) -> SafeString:
    """Several charts one after the other, still safe HTML: a plain ``"".join`` of safe strings
    is an ordinary string, which the template would escape into visible markup."""
    return format_html_join("", "{}", ((chart,) for chart in charts))


def line_chart(
    *, title: str, labels: Sequence[str], current: Sequence[Decimal], previous: Sequence[Decimal] | None = None
) -> SafeString:
    """A line for ``current`` (and a dashed one for ``previous``) with the first, last and highest
    values labelled; the SVG's title and description say the same in words for screen readers."""
    if not current:
        return format_html('<p class="help-block">{}</p>', "Nothing to chart for this selection.")
    top = max([*current, *(previous or []), Decimal("1")])
    lines = [
        format_html('<polyline fill="none" stroke="#007d7e" stroke-width="2.5" points="{}"/>', _points(current, top))
    ]
    if previous:
        lines.insert(
            0,
            format_html(
                '<polyline fill="none" stroke="#888" stroke-width="1.5" stroke-dasharray="5 4" points="{}"/>',
                _points(previous, top),
            ),
        )
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="12" text-anchor="{}">{}</text>',
        [
            (PAD, HEIGHT - 8, "start", labels[0]),
            (WIDTH - PAD, HEIGHT - 8, "end", labels[-1]),
            (PAD, PAD - 10, "start", f"max {top}"),
        ],
    )
    summary = f"{title}: from {labels[0]} to {labels[-1]}, highest {max(current)}, total {sum(current)}"
    if previous:
        summary += f"; previous period total {sum(previous)} (dashed)"
    # A page may hold several charts (one per currency, one per answer): ids from the content
    # keep each chart's aria-labelledby pointing at its own title, the same chart twice alike.
    key = hashlib.blake2s(f"{title}\n{summary}".encode(), digest_size=4).hexdigest()
    return format_html(
        '<svg class="magpie-chart" role="img" viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px" '
        'aria-labelledby="chart-title-{k} chart-desc-{k}"><title id="chart-title-{k}">{t}</title>'
        '<desc id="chart-desc-{k}">{d}</desc>'
        '<line x1="{p}" y1="{b}" x2="{r}" y2="{b}" stroke="#ccc"/>{lines}{axis}</svg>',
        k=key,
        w=WIDTH,
        h=HEIGHT,
        p=PAD,
        r=WIDTH - PAD,
        b=HEIGHT - PAD,
        t=title,
        d=summary,
        lines=SafeString("".join(lines)),
        axis=axis,
    )


def bar_chart(
    *, title: str, labels: Sequence[str], values: Sequence[Decimal], previous: Sequence[Decimal] | None = None
) -> SafeString:
    """Horizontal bars, one per label in the order given; with ``previous``, a thin grey bar under
    each for the comparison period, and the title says so."""
    if not values:
        return format_html('<p class="help-block">{}</p>', "Nothing to chart for this selection.")
    top = max([*values, *(previous or []), Decimal("1")])
    row = 26 if previous else 22

    def width(value: Decimal) -> str:
        return f"{float(value / top) * 400:.1f}"

    bars = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12">{}</text><rect x="220" y="{}" height="14" width="{}" fill="#007d7e"/>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        [
            (i * row + 14, label[:32], i * row + 3, width(v), 226 + float(v / top) * 400, i * row + 14, v)
            for i, (label, v) in enumerate(zip(labels, values, strict=True))
        ],
    )
    if previous:
        bars += format_html_join(
            "",
            '<rect x="220" y="{}" height="4" width="{}" fill="#888"><title>previous period: {}</title></rect>',
            [(i * row + 19, width(v), v) for i, v in enumerate(previous)],
        )
    return format_html(
        '<svg class="magpie-chart" role="img" viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px">'
        "<title>{t}</title>{bars}</svg>",
        w=WIDTH,
        h=len(values) * row + 8,
        t=f"{title} (grey: the previous period)" if previous else title,
        bars=bars,
    )
