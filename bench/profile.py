"""Profile one storefront page in process: ``python -m bench.profile /shop/ --database magpie_bench_1000``.

Uses a benchmark database ``make bench`` prepared (``bench.prepare``), the page cache off and
``DEBUG`` off. Prints each SQL query of one request with its time, the mean time of a few requests,
and the functions that took longest under cProfile, so the next cost to cut is a measurement, not
a guess. A developer tool: not part of the test suite or of ``make bench``.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys
import time


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("path", help="the page to request, e.g. /shop/")
    parser.add_argument("--database", default="magpie_bench_1000")
    parser.add_argument("--host", default="localhost", help="the store's hostname")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=30, help="how many functions to list")
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    args = parser.parse_args(argv)
    os.environ["MAGPIE_EMBEDDED_DB_NAME"] = args.database
    os.environ["MAGPIE_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    logging.disable(logging.INFO)  # one log line per request would bury the figures
    profile(args.path, host=args.host, requests=args.requests, top=args.top, sort=args.sort)


def profile(path: str, *, host: str, requests: int, top: int, sort: str) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    client = Client(HTTP_HOST=host)
    for _ in range(3):  # warm: URL routing, template loading, the fragment and facet caches
        status = client.get(path).status_code
        if status != 200:
            sys.exit(f"{path} answered {status}")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    print(f"{len(queries.captured_queries)} queries in one request:")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
    started = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    print(f"{(time.perf_counter() - started) / requests * 1000:.1f} ms per request (mean of {requests})")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(top)


if __name__ == "__main__":
    main()
