"""``python -m bench [--products 1000 100000]``: see bench/__init__.py."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from .report import SizeResult, markdown
from .server import BASE_DIR, fetch, gunicorn, production_env
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
    args = parser.parse_args(argv)
    started = time.monotonic()
    load_before = os.getloadavg()
    results = [_measure_size(products, args) for products in args.products]
    header = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; load average "
        f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (other processes share the machine).",
        f"gunicorn, {args.workers} sync workers, production settings, embedded PostgreSQL on a unix socket; "
        f"`wrk -t1 -c{args.connections} -d{args.seconds}s` per page on loopback. B is a Django view doing one "
        "primary-key query on the same stack, measured by the same server just before and after the pages; "
        "'vs B' is the page's requests/s over B's (the mean of both).",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown(results, header=header))
    errors = sum(m.errors for r in results for pages in r.pages.values() for m in pages.values())
    _say(
        f"Benchmark done in {time.monotonic() - started:.0f} s: {', '.join(f'{r.products:,}' for r in results)} "
        f"products, {errors} errors; report in {args.output}."
    )
    return 1 if errors else 0


def _measure_size(products: int, args: argparse.Namespace) -> SizeResult:
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
    for mode, seconds in (("uncached", 0), ("cached", CACHE_SECONDS)):
        env = production_env(database=database, port=args.port, host=host, cache_seconds=seconds, workers=args.workers)
        if mode == "uncached":  # the production settings serve hashed static files from a manifest
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
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
