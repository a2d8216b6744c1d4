"""Search latency one request at a time: ``python -m bench.search_words --database magpie_bench_100000``.

Starts gunicorn (production settings, page cache off) on a database prepared by ``python -m bench``
and asks the search page for 20 common words of the bulk catalogue (each matches 6,000–10,000 of
100,000 products) with a filter and a sort (in stock, cheapest first), one request at a time, after
a warm-up round. Prints each round, then p50/p95 over every request (time to the last byte on
loopback: server time plus a fraction of a millisecond) in one summary line.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import time
from urllib.parse import urlencode, urlsplit

from .server import BASE_DIR, gunicorn, production_env

# The bulk catalogue's title words (demo/bulk.py's ADJECTIVES and the first ten NOUNS; not imported:
# importing models needs Django set up, and this process only sends requests).
WORDS = [
    *("alpine", "harbour", "field", "summit", "cabin", "coastal", "forest", "prairie", "canyon", "tundra"),
    *("jacket", "tee", "sweater", "mug", "blanket", "bottle", "backpack", "beanie", "lantern", "tote"),
]
PARAMS = {"in_stock": "on", "sort": "price_asc"}


def _get_ms(connection: http.client.HTTPConnection, path: str, host: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_words", description=__doc__)
    parser.add_argument("--database", default="magpie_bench_100000")
    parser.add_argument("--host", default="localhost", help="the store's hostname (default: the demo's main store)")
    parser.add_argument("--port", type=int, default=8774)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    env = production_env(database=args.database, port=args.port, host=args.host, cache_seconds=0, workers=2)
    # the production settings serve hashed static files from a manifest
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    paths = [f"/search/?{urlencode({'q': word, **PARAMS})}" for word in WORDS]
    times: list[float] = []
    with gunicorn(env=env, port=args.port, host=args.host, ready_path=paths[0], label="search-words") as base:
        netloc = urlsplit(base).netloc
        connection = http.client.HTTPConnection(netloc, timeout=30)
        for path in paths:  # warm-up
            _get_ms(connection, path, args.host)
        for round_number in range(1, args.rounds + 1):
            round_times = [_get_ms(connection, path, args.host) for path in paths]
            times += round_times
            print(
                f"round {round_number}/{args.rounds}: median {statistics.median(round_times):.1f} ms, "
                f"slowest {max(round_times):.1f} ms",
                flush=True,
            )
        connection.close()
    p95 = statistics.quantiles(times, n=20)[-1]
    print(
        f"search, {len(WORDS)} common words with a filter and a sort, {len(times)} requests one at a time: "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
