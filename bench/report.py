"""The benchmark's Markdown report: one table per catalogue size, every page as a ratio to B."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .checkout_buyers import CheckoutRun
from .wrk import Measurement

CHECKOUT_TARGET = 0.1  # orders placed and paid per second of the place phase over B's requests/s
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
class CheckoutResult:
    """The checkout scenario: parallel buyers racing for a few products' limited stock, B around it,
    and what the database says afterwards (``bench.checkout_stock verify``). The ratio is the target's:
    orders placed and paid per second of the place phase over B's requests per second."""

    run: CheckoutRun
    baseline: Measurement
    stock: dict[str, object]
    products: int
    notes: list[str] = field(default_factory=list)  # how the server ran (background jobs, worker class)

    @property
    def ratio(self) -> float:
        return self.run.placed_per_second / self.baseline.per_second if self.baseline.per_second else 0.0

    @property
    def journey_ratio(self) -> float:
        """Whole journeys (both phases) per second over B: information, not the target."""
        return self.run.per_second / self.baseline.per_second if self.baseline.per_second else 0.0

    @property
    def oversold(self) -> int:
        return int(self.stock["oversold"]) + int(self.stock["negative_levels"]) + int(self.stock["lost_or_invented"])

    @property
    def ok(self) -> bool:
        return self.ratio >= CHECKOUT_TARGET and not self.run.errors() and self.oversold == 0


@dataclass
class SizeResult:
    products: int
    baseline: dict[str, Measurement] = field(default_factory=dict)  # mode -> B
    pages: dict[str, dict[str, Measurement]] = field(default_factory=dict)  # mode -> page -> figures
    single: dict[str, Measurement] = field(default_factory=dict)  # page -> one request at a time, uncached
    setup_lines: list[str] = field(default_factory=list)
    checkout: CheckoutResult | None = None


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
        if not result.pages:  # the checkout scenario alone (--only checkout)
            if result.checkout is not None:
                lines += checkout_markdown(result.checkout)
            continue
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
        if result.checkout is not None:
            lines += checkout_markdown(result.checkout)
    return "\n".join(lines) + "\n"


def checkout_markdown(result: CheckoutResult) -> list[str]:
    run, stock, b = result.run, result.stock, result.baseline
    verdict = "met" if result.ok else "MISSED"
    lines = [
        "",
        "Checkout under concurrency (uncached server), in two phases timed apart. *Prepare*: every buyer, "
        f"{run.clients} at a time, goes product page → add to cart → cart → contact → address → shipping choice → "
        "review → payment page (a cart ready to pay). *Place*: the prepared buyers race, "
        f"{run.clients} at a time: card confirmed on localstripe (as Stripe.js does) → the payment POST that "
        "places the order under the stock locks and pays it → thank-you page. The target (≥ 0.1 B) is orders "
        "placed and paid per second of the place phase over B; a whole 13-request journey could never reach "
        "it, so whole journeys are given as information.",
        "",
        "| phase | buyers | parallel | completed | sold out | errors | per second | p50 ms | p95 ms | B req/s "
        "| vs B | oversold units | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| place (target) | {run.placing} | {run.clients} | {run.completed} | {run.count('sold_out')} "
        f"| {run.count('error')} | {run.placed_per_second:.2f} orders | {run.place_percentile_ms(50):.0f} "
        f"| {run.place_percentile_ms(95):.0f} | {b.per_second:,.0f} | {result.ratio:.3f} | {result.oversold} "
        f"| {verdict} ≥ {CHECKOUT_TARGET:g}, 0 oversold |",
        f"| whole journey (information) | {run.buyers} | {run.clients} | {run.completed} "
        f"| {run.count('sold_out')} | {run.count('error')} | {run.per_second:.2f} checkouts "
        f"| {run.percentile_ms(50):.0f} | {run.percentile_ms(95):.0f} | {b.per_second:,.0f} "
        f"| {result.journey_ratio:.3f} | {result.oversold} | — |",
        "",
        f"- Stock: {result.products} products with {stock['stock']} units between them; {stock['sold']} units sold "
        f"(per variant {stock['sold_per_variant']}), {stock['oversold']} oversold, {stock['negative_levels']} levels "
        f"below zero, {stock['lost_or_invented']} units lost or invented, {stock['reserved_unpaid']} still reserved "
        "by unpaid orders (read from the database after the run).",
        f"- Prepare {run.prepare_seconds:.1f} s, place {run.place_seconds:.1f} s; {run.requests} storefront "
        "requests in all. Place p50/p95: a completed placement, card confirmation to thank-you page; journey "
        "p50/p95: a completed buyer's prepare plus place time, under that concurrency.",
    ]
    lines += [f"- {note}" for note in result.notes]
    if run.place_cpu.measured:
        lines.append(f"- {cpu_sentence(run)}")
    if run.errors():
        lines.append(f"- First errors: {'; '.join(run.errors()[:3])}")
    return [*lines, ""]


STORE_GROUPS = ("gunicorn", "PostgreSQL", "RQ worker")  # the store's own processes; localstripe stands in for Stripe


def cpu_sentence(run: CheckoutRun) -> str:
    """Where the CPU of the place phase went (``bench/cpu_share.py``), per order placed and paid."""
    cpu, placed = run.place_cpu, run.completed
    groups = ", ".join(f"{name} {seconds:.1f}" for name, seconds in sorted(cpu.groups.items(), key=lambda kv: -kv[1]))
    return (
        f"CPU in the place phase ({cpu.seconds:.1f} s, {os.cpu_count()} cores): the machine was busy "
        f"{cpu.machine_busy:.1f} CPU-s, of which {cpu.others:.1f} s other processes on the machine; the bench's own "
        f"(CPU-s): {groups}. Per order placed and paid: the store (gunicorn, PostgreSQL, RQ worker) "
        f"{cpu.per(placed, *STORE_GROUPS):.0f} ms of CPU, localstripe (the stand-in for Stripe) "
        f"{cpu.per(placed, 'localstripe'):.0f} ms, the buyers {cpu.per(placed, 'buyers and bench'):.0f} ms."
    )
