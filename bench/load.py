"""``make locust`` / ``python -m bench.load``: the Locust scenario (bench/locustfile.py) against the bench's
gunicorn, headless and bounded in users and time, in one command.

Prepares the benchmark database (``bench.prepare``; 1,000 products by default), gives the products the
shoppers buy ample stock (``bench.checkout_stock prepare``), starts localstripe and gunicorn with the
production settings (2 workers, the page cache on as in production), runs
``locust --headless -u USERS -r RATE -t TIME``, then prints what the store held: requests/s, p50/p95,
failures (must be 0; locust exits 1 otherwise) and the checkouts paid, with the stock checked in the
database afterwards. Locust's CSV files are written to ``var/bench/locust_*.csv``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time

from commerce.payments import localstripe as localstripe_process

from .checkout_stock import checkout_stock
from .server import BASE_DIR, LOG_DIR, free_port, gunicorn, production_env

STOCK = 100_000  # units of each product the shoppers buy: nobody is refused, so any failure is the store's


def _say(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--products", type=int, default=1000, help="catalogue size (default 1000)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--cache-seconds", type=int, default=300, help="page cache (production default 300; 0: off)")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)
    started = time.monotonic()
    database = f"magpie_bench_{args.products}"
    _say(f"[locust] preparing database {database}")
    prepared = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module
        [sys.executable, "-m", "bench.prepare", "--database", database, "--products", str(args.products)],
        cwd=BASE_DIR,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    targets = json.loads(prepared.stdout.strip().splitlines()[-1])
    stock = checkout_stock(database, "prepare", "--products", "4", "--stock", str(STOCK))
    host = targets["host"]
    stripe_url = f"http://127.0.0.1:{free_port()}"
    stripe = localstripe_process.start(stripe_url, log_path=LOG_DIR / "localstripe-locust.log")
    csv_prefix = LOG_DIR / "locust"
    try:
        env = production_env(
            database=database,
            port=args.port,
            host=host,
            cache_seconds=args.cache_seconds,
            workers=args.workers,
            localstripe=stripe_url,
        )
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=BASE_DIR, env=env, check=True)  # noqa: S603 - our own interpreter
        ready = targets["pages"]["baseline"]
        with gunicorn(env=env, port=args.port, host=host, ready_path=ready, label="locust") as base:
            localstripe_process.register_webhook(
                stripe_url, target=f"{base}/payments/stripe/webhook/", secret=env["STRIPE_WEBHOOK_SECRET"]
            )
            _say(
                f"[locust] {args.users} users (spawned {args.spawn_rate:g}/s) for {args.run_time} against {base} "
                f"(Host: {host}, page cache {args.cache_seconds} s); locust's own lines follow"
            )
            pages = {name: path for name, path in targets["pages"].items() if path and name != "baseline"}
            locust_env = {
                **os.environ,
                "MAGPIE_LOCUST_STORE_HOST": host,
                "MAGPIE_LOCUST_LOCALSTRIPE": stripe_url,
                "MAGPIE_LOCUST_TARGETS": json.dumps({"pages": pages, "products": stock["products"]}),
            }
            command = [
                *(sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py")),
                *("--headless", "--only-summary", "-u", str(args.users), "-r", str(args.spawn_rate)),
                *("-t", args.run_time, "--host", base, "--csv", str(csv_prefix), "--loglevel", "WARNING"),
            ]
            exit_code = subprocess.run(command, cwd=BASE_DIR, env=locust_env, check=False).returncode  # noqa: S603
    finally:
        stripe.terminate()
        stripe.wait(timeout=10)
    variants = ",".join(str(p["variant_id"]) for p in stock["products"])
    verified = checkout_stock(
        database, "verify", "--since", stock["since"], "--stock", str(STOCK), "--variants", variants
    )
    held = _summary(csv_prefix)
    oversold = int(verified["oversold"]) + int(verified["negative_levels"]) + int(verified["lost_or_invented"])
    _say(
        f"Locust done in {time.monotonic() - started:.0f} s: {args.users} users for {args.run_time} held "
        f"{held['rps']:.1f} requests/s ({held['requests']} requests, {held['failures']} failures), "
        f"p50 {held['p50']} ms, p95 {held['p95']} ms; {held['paid']} checkouts paid, {verified['sold']} units sold, "
        f"{oversold} oversold; exit {exit_code}; CSV in {csv_prefix}_stats.csv."
    )
    return exit_code or (1 if oversold else 0)


def _summary(prefix) -> dict[str, float | int | str]:
    """The aggregated row of locust's CSV, and how many payment POSTs succeeded."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    pay = rows.get("checkout pay", {})
    return {
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p50": total["50%"],
        "p95": total["95%"],
        "paid": int(pay.get("Request Count", 0)) - int(pay.get("Failure Count", 0)),
    }


if __name__ == "__main__":
    sys.exit(main())
