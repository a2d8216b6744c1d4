"""The benchmark's Markdown report: one table per catalogue size, every page as a ratio to B."""

from __future__ import annotations

from dataclasses import dataclass, field

from .wrk import Measurement

# The targets, as a fraction of B's requests/s in the same run (uncached, cached).
TARGETS: dict[str, tuple[float, float]] = {
    "shop": (0.3, 0.8),
    "collection": (0.3, 0.8),
    "product": (0.35, 0.8),
    "home": (0.3, 0.8),
    "search": (0.3, 0.8),
}
LABELS = {
    "shop": "shop page, 48 products",
    "shop_deep": "shop page 200, 48 products",
    "shop_price": "shop sorted by price, 48 products",
    "collection": "a collection page, 48 products",
    "product": "product page",
    "home": "home page",
    "search": 'search "shirt"',
}


@dataclass
class SizeResult:
    products: int
    baseline: dict[str, Measurement] = field(default_factory=dict)  # mode -> B
    pages: dict[str, dict[str, Measurement]] = field(default_factory=dict)  # mode -> page -> figures
    single: dict[str, Measurement] = field(default_factory=dict)  # page -> one request at a time, uncached
    setup_lines: list[str] = field(default_factory=list)


def _ratio(page: Measurement, baseline: Measurement) -> float:
    return page.per_second / baseline.per_second if baseline.per_second else 0.0


def _cell(measurement: Measurement | None, baseline: Measurement | None) -> str:
    if measurement is None or baseline is None:
        return "— | — | — | —"
    if measurement.requests == 0:
        return "0 (none finished within the run) | — | — | 0.00"
    return (
        f"{measurement.per_second:,.0f} | {measurement.p50_ms:.1f} | {measurement.p95_ms:.1f} | "
        f"{_ratio(measurement, baseline):.2f}"
    )


def _verdict(name: str, result: SizeResult) -> str:
    if name not in TARGETS:
        return ""
    marks = []
    for mode, target in zip(("uncached", "cached"), TARGETS[name], strict=True):
        page, baseline = result.pages.get(mode, {}).get(name), result.baseline.get(mode)
        if page is None or baseline is None:
            continue
        ok = _ratio(page, baseline) >= target and page.errors == 0
        marks.append(f"{'met' if ok else 'MISSED'} ≥ {target:g}")
    return ", ".join(marks)


def markdown(results: list[SizeResult], *, header: list[str]) -> str:
    lines = ["# Storefront benchmark (`make bench`)", "", *header, ""]
    for result in results:
        lines += [f"## {result.products:,} products in the store", ""]
        lines += [f"- {line}" for line in result.setup_lines]
        for mode in ("uncached", "cached"):
            baseline = result.baseline.get(mode)
            if baseline is not None:
                lines.append(
                    f"- B ({mode} run): {baseline.per_second:,.0f} requests/s, p50 {baseline.p50_ms:.1f} ms, "
                    f"p95 {baseline.p95_ms:.1f} ms"
                )
        lines += [
            "",
            "| page | uncached req/s | p50 ms | p95 ms | vs B | cached req/s | p50 ms | p95 ms | vs B | targets |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        names = list(dict.fromkeys(name for pages in result.pages.values() for name in pages))
        for name in names:
            uncached = _cell(result.pages.get("uncached", {}).get(name), result.baseline.get("uncached"))
            cached = _cell(result.pages.get("cached", {}).get(name), result.baseline.get("cached"))
            lines.append(f"| {LABELS.get(name, name)} | {uncached} | {cached} | {_verdict(name, result)} |")
        if result.single:
            lines += ["", "One request at a time (uncached, server on loopback):", ""]
            lines += ["| page | p50 ms | p95 ms |", "|---|---|---|"]
            for name, measurement in result.single.items():
                lines.append(f"| {LABELS.get(name, name)} | {measurement.p50_ms:.1f} | {measurement.p95_ms:.1f} |")
        errors = sum(m.errors for pages in result.pages.values() for m in pages.values())
        lines += ["", f"Errors (non-2xx/3xx, socket errors) over every run: {errors}.", ""]
    return "\n".join(lines) + "\n"
