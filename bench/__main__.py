"""``python -m bench [--products 1000 100000] [--only pages|checkout]``: see bench/__init__.py."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from commerce.payments import localstripe as localstripe_process

from .checkout_buyers import run_buyers
from .checkout_stock import checkout_stock
from .jobs import background_jobs
from .report import CheckoutResult, SizeResult, cpu_sentence, markdown
from .server import BASE_DIR, fetch, free_port, gunicorn, gunicorn_config, production_env
from .wrk import Measurement, wrk_measure

REPORT = BASE_DIR / "docs" / "benchmarks.md"
CACHE_SECONDS = 600
EXTRA_PAGES = {"shop_deep": "?page=200", "shop_price": "?sort=price_asc"}


def _say(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--products", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", type=Path, default=REPORT)
    parser.add_argument(
        "--only", choices=("pages", "checkout"), help="measure only the pages or only the checkout scenario"
    )
    parser.add_argument("--checkout", action="store_const", dest="only", const="checkout", help="= --only checkout")
    parser.add_argument("--buyers", type=int, default=80, help="checkout: buyers in all (default 80)")
    parser.add_argument("--clients", type=int, default=8, help="checkout: buyers at a time (default 8)")
    parser.add_argument("--race-products", type=int, default=4, help="checkout: contested products (default 4)")
    parser.add_argument(
        "--stock", type=int, help="checkout: units of each contested product (default: 85%% of what the buyers want)"
    )
    args = parser.parse_args(argv)
    if args.stock is None:
        args.stock = max(1, round(args.buyers * 0.85 / args.race_products))
    started = time.monotonic()
    load_before = os.getloadavg()
    stripe_url = f"http://127.0.0.1:{free_port()}"
    stripe = localstripe_process.start(stripe_url, log_path=BASE_DIR / "var" / "bench" / "localstripe.log")
    try:
        results = [_measure_size(products, args, stripe_url) for products in args.products]
    finally:
        stripe.terminate()
        stripe.wait(timeout=10)
    served = gunicorn_config()
    header = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; load average "
        f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (other processes share the machine).",
        f"gunicorn with production's config/gunicorn.py and {args.workers} workers ({served['worker_class']}, "
        f"threads per worker: {served['threads']}), production settings, embedded PostgreSQL on a unix socket; "
        f"`wrk -t1 -c{args.connections} -d{args.seconds}s` per page on loopback. B is a Django view doing one "
        "primary-key query on the same stack, measured by the same server just before and after the pages; "
        "'vs B' is the page's requests/s over B's (the mean of both).",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown(results, header=header))
    errors = sum(m.errors for r in results for pages in r.pages.values() for m in pages.values())
    checkouts = [r.checkout for r in results if r.checkout is not None]
    errors += sum(len(c.run.errors()) for c in checkouts)
    oversold = sum(c.oversold for c in checkouts)
    checkout_line = "".join(
        f"; checkout {r.products:,}: {r.checkout.run.placed_per_second:.2f} orders placed/s = {r.checkout.ratio:.3f} B"
        for r in results
        if r.checkout is not None
    )
    _say(
        f"Benchmark done in {time.monotonic() - started:.0f} s: {', '.join(f'{r.products:,}' for r in results)} "
        f"products, {errors} errors, {oversold} oversold units{checkout_line}; report in {args.output}."
    )
    return 1 if errors or oversold else 0


def _measure_size(products: int, args: argparse.Namespace, stripe_url: str) -> SizeResult:
    database = f"magpie_bench_{products}"
    _say(f"[{products:,} products] preparing database {database}")
    quiet = {**os.environ, "LOG_LEVEL": "WARNING"}
    prepared = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module
        [sys.executable, "-m", "bench.prepare", "--database", database, "--products", str(products)],
        cwd=BASE_DIR,
        env=quiet,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    targets = json.loads(prepared.stdout.strip().splitlines()[-1])
    host: str = targets["host"]
    pages = {name: path for name, path in targets["pages"].items() if path}
    shop = pages["shop"]
    pages.update({name: shop + query for name, query in EXTRA_PAGES.items()})
    result = SizeResult(products=products)
    result.setup_lines.append(f"{targets['products']:,} live products in the measured store")
    env = production_env(
        database=database, port=args.port, host=host, cache_seconds=0, workers=args.workers, localstripe=stripe_url
    )
    # the production settings serve hashed static files from a manifest
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collect, cwd=BASE_DIR, env=env, check=True)  # noqa: S603 - our own interpreter
    if args.only != "checkout":
        _measure_pages(products, args, database, host, pages, result, stripe_url)
    if args.only != "pages":
        result.checkout = _measure_checkout(products, args, database, env, pages["baseline"])
    return result


def _measure_pages(
    products: int,
    args: argparse.Namespace,
    database: str,
    host: str,
    pages: dict[str, str],
    result: SizeResult,
    stripe_url: str,
) -> None:
    for mode, seconds in (("uncached", 0), ("cached", CACHE_SECONDS)):
        env = production_env(
            database=database,
            port=args.port,
            host=host,
            cache_seconds=seconds,
            workers=args.workers,
            localstripe=stripe_url,
        )
        with gunicorn(
            env=env, port=args.port, host=host, ready_path=pages["baseline"], label=f"{products}-{mode}"
        ) as base:
            _say(f"[{products:,} products] {mode}: gunicorn up at {base}")
            for name, path in pages.items():
                for _ in range(3):  # warm the workers (and, cached, the entry)
                    status, headers = fetch(base + path, host=host)
                if status != 200:
                    raise RuntimeError(f"{name} ({path}) answered {status}")
                if mode == "cached" and name != "baseline" and headers.get("X-Magpie-Page-Cache") != "HIT":
                    raise RuntimeError(f"{name} ({path}) is not served from the page cache")
            before = _wrk(base, pages["baseline"], host, args)
            measured = {}
            for name, path in pages.items():
                if name == "baseline":
                    continue
                measured[name] = _wrk(base, path, host, args)
                _say(f"[{products:,} products] {mode} {name}: {_line(measured[name])}")
            after = _wrk(base, pages["baseline"], host, args)
            result.baseline[mode] = _mean(before, after)
            _say(f"[{products:,} products] {mode} B: {_line(result.baseline[mode])}")
            result.pages[mode] = measured
            if mode == "uncached":
                for name in ("shop", "shop_price", "search"):
                    result.single[name] = wrk_measure(
                        base + pages[name], host=host, threads=1, connections=1, seconds=args.seconds
                    )
                    _say(f"[{products:,} products] one at a time {name}: {_line(result.single[name])}")


def _measure_checkout(
    products: int, args: argparse.Namespace, database: str, env: dict[str, str], baseline_path: str
) -> CheckoutResult:
    """Parallel buyers race for a few products' limited stock on the uncached server, between two runs
    of B: first every buyer prepares a cart ready to pay, then they race to place and pay; the database
    is checked for oversold units afterwards."""
    label = f"[{products:,} products] checkout"
    stock = checkout_stock(database, "prepare", "--products", str(args.race_products), "--stock", str(args.stock))
    host = stock["host"]
    _say(
        f"{label}: {args.buyers} buyers, {args.clients} at a time, for {args.race_products} products "
        f"with {args.stock} units each"
    )
    env = dict(env)
    with (
        background_jobs(env, label=f"{products}-checkout") as jobs_note,
        gunicorn(env=env, port=args.port, host=host, ready_path=baseline_path, label=f"{products}-checkout") as base,
    ):
        _say(f"{label}: {jobs_note}")
        localstripe_process.register_webhook(
            env["STRIPE_API_BASE"], target=f"{base}/payments/stripe/webhook/", secret=env["STRIPE_WEBHOOK_SECRET"]
        )
        before = _wrk(base, baseline_path, host, args)
        run = run_buyers(
            base=base,
            host=host,
            localstripe=env["STRIPE_API_BASE"],
            products=stock["products"],
            clients=args.clients,
            buyers=args.buyers,
            say=_say,
        )
        after = _wrk(base, baseline_path, host, args)
    baseline = _mean(before, after)
    variants = ",".join(str(p["variant_id"]) for p in stock["products"])
    verified = checkout_stock(
        database, "verify", "--since", stock["since"], "--stock", str(args.stock), "--variants", variants
    )
    result = CheckoutResult(run=run, baseline=baseline, stock=verified, products=args.race_products, notes=[jobs_note])
    _say(
        f"{label}: {run.completed} placed and paid, {run.count('sold_out')} sold out, {run.count('error')} errors; "
        f"place phase {run.place_seconds:.1f} s = {run.placed_per_second:.2f} orders/s (p50 "
        f"{run.place_percentile_ms(50):.0f} ms, p95 {run.place_percentile_ms(95):.0f} ms) = {result.ratio:.3f} B; "
        f"whole journeys {run.per_second:.2f}/s (p50 {run.percentile_ms(50):.0f} ms, p95 "
        f"{run.percentile_ms(95):.0f} ms) = {result.journey_ratio:.3f} B; B {baseline.per_second:,.0f} req/s; "
        f"{verified['sold']}/{verified['stock']} units sold, {result.oversold} oversold"
    )
    if run.place_cpu.measured:
        _say(f"{label}: {cpu_sentence(run)}")
    for error in run.errors()[:5]:
        _say(f"{label} error: {error}")
    return result


def _wrk(base: str, path: str, host: str, args: argparse.Namespace) -> Measurement:
    return wrk_measure(base + path, host=host, threads=1, connections=args.connections, seconds=args.seconds)


def _mean(first: Measurement, second: Measurement) -> Measurement:
    return Measurement(
        requests=first.requests + second.requests,
        seconds=first.seconds + second.seconds,
        p50_ms=(first.p50_ms + second.p50_ms) / 2,
        p95_ms=max(first.p95_ms, second.p95_ms),
        errors=first.errors + second.errors,
    )


def _line(m: Measurement) -> str:
    return f"{m.per_second:,.0f} req/s, p50 {m.p50_ms:.1f} ms, p95 {m.p95_ms:.1f} ms, {m.errors} errors"


if __name__ == "__main__":
    sys.exit(main())
