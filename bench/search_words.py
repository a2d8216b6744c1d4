"""Search latency one request at a time, uncached: ``python -m bench.search_words --database magpie_bench_100000``.

Starts gunicorn (production settings, page cache off) on a database prepared by ``python -m bench``
and asks the search page for 20 common words of the bulk catalogue (at 100,000 products each
matches 6,000–10,000 of them) in three variants: relevance order, a filter and a sort (in stock,
cheapest first) and a category filter with the newest first. Before each round the store caches
are retired (a fresh global generation, as a publish does for its store), so every request of a
round reads the database: nothing a round asks for repeats within it. A warm-up round runs first.
Prints each round, then p50/p95 per variant and a one-line summary (time to the last byte on
loopback: server time plus a fraction of a millisecond).
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import time
from urllib.parse import urlencode, urlsplit

from .server import BASE_DIR, free_port, gunicorn, production_env

# The bulk catalogue's title words (demo/bulk.py's ADJECTIVES and the first ten NOUNS; not imported:
# importing models needs Django set up, and this process only sends requests).
WORDS = [
    *("alpine", "harbour", "field", "summit", "cabin", "coastal", "forest", "prairie", "canyon", "tundra"),
    *("jacket", "tee", "sweater", "mug", "blanket", "bottle", "backpack", "beanie", "lantern", "tote"),
]
VARIANTS: dict[str, dict[str, str]] = {
    "relevance": {},
    "in stock, cheapest first": {"in_stock": "on", "sort": "price_asc"},
    "a category, newest first": {"category": "apparel", "sort": "newest"},
}
RETIRE = (
    "from commerce.core.page_cache import page_cache_invalidate; "
    "page_cache_invalidate(reason='bench.search_words: a fresh generation')"
)


def _get_ms(connection: http.client.HTTPConnection, path: str, host: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_words", description=__doc__)
    parser.add_argument("--database", default="magpie_bench_100000")
    parser.add_argument("--host", default="localhost", help="the store's hostname (default: the demo's main store)")
    parser.add_argument("--port", type=int, default=8774)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    # search never reaches Stripe: a loopback port nothing listens on
    env = production_env(
        database=args.database,
        port=args.port,
        host=args.host,
        cache_seconds=0,
        workers=2,
        localstripe=f"http://127.0.0.1:{free_port()}",
    )
    # the production settings serve hashed static files from a manifest
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    paths = {
        name: [f"/search/?{urlencode({'q': word, **params})}" for word in WORDS] for name, params in VARIANTS.items()
    }
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    first = paths["relevance"][0]
    with gunicorn(env=env, port=args.port, host=args.host, ready_path=first, label="search-words") as base:
        for round_number in range(args.rounds + 1):
            subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, "manage.py", "shell", "-c", RETIRE], cwd=BASE_DIR, env=env, check=True
            )
            # a fresh connection each round: gunicorn closes an idle one while the caches are retired
            connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
            round_times = {name: [_get_ms(connection, path, args.host) for path in paths[name]] for name in VARIANTS}
            label = "warm-up" if round_number == 0 else f"round {round_number}/{args.rounds}"
            print(
                f"{label}: "
                + "; ".join(
                    f"{name} median {statistics.median(t):.1f} ms, slowest {max(t):.1f} ms"
                    for name, t in round_times.items()
                ),
                flush=True,
            )
            if round_number:
                for name, t in round_times.items():
                    times[name] += t
            connection.close()
    every = [t for name in VARIANTS for t in times[name]]
    for name, t in times.items():
        print(f"  {name}: p50 {statistics.median(t):.1f} ms, p95 {_p95(t):.1f} ms over {len(t)} requests", flush=True)
    print(
        f"search, {len(WORDS)} common words in {len(VARIANTS)} variants, {len(every)} uncached requests one at a "
        f"time: p50 {statistics.median(every):.1f} ms, p95 {_p95(every):.1f} ms",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
