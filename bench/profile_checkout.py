"""Profile a checkout step by step in process: ``python -m bench.profile_checkout --database magpie_bench_1000``.

Uses a benchmark database ``make bench`` prepared (``bench.prepare``), the page cache off, ``DEBUG`` off
and a localstripe it starts on a free loopback port. Buyers (Django's test ``Client``, each a new
visitor with its own address) go through what ``bench/checkout_buyers.py`` does over HTTP: add to
cart, cart, contact, address, shipping choice, review, payment page, the card confirmed on localstripe
(not counted), the payment POST and the thank-you page. Prints, per step, the queries of the last
buyer's request (``--sql`` lists them), the mean time over ``--buyers`` buyers, then the functions that
took longest under cProfile over all steps of one more buyer. The product bought is a bulk product
outside the ones ``make bench`` races for, given enough stock first. A developer tool: not part of
the test suite or of ``make bench``.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ADDRESS = {"full_name": "Bench Buyer", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345"}
_CLIENT_SECRET = re.compile(r'"clientSecret":\s*"([^"]+)"')
_SHIPPING_CHOICE = re.compile(r'name="shipping_method" value="([^"]+)"')
_COUNTRY_CHOICE = re.compile(r'<option value="([A-Z]{2})"[^>]*selected')
_REGION_FIELD = re.compile(r'name="region"')
PROFILED_PRODUCT = 10  # the bulk product at this position; make bench races for the first few


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_checkout")
    parser.add_argument("--database", default="magpie_bench_1000")
    parser.add_argument("--buyers", type=int, default=5, help="buyers timed (after one warm-up buyer)")
    parser.add_argument("--top", type=int, default=40, help="how many functions to list")
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--sql", action="store_true", help="list each step's queries")
    args = parser.parse_args(argv)
    from commerce.payments import localstripe as localstripe_process

    from .server import free_port

    stripe_url = f"http://127.0.0.1:{free_port()}"
    os.environ.update(
        MAGPIE_EMBEDDED_DB_NAME=args.database,
        MAGPIE_PAGE_CACHE_SECONDS="0",
        LOCALSTRIPE_URL=stripe_url,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.pop("STRIPE_SECRET_KEY", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    stripe = localstripe_process.start(stripe_url, log_path=BASE_DIR / "var" / "bench" / "localstripe-profile.log")
    try:
        import django

        django.setup()
        logging.disable(logging.WARNING)  # one log line per request would bury the figures
        profile(buyers=args.buyers, top=args.top, sort=args.sort, sql=args.sql, stripe_url=stripe_url)
    finally:
        stripe.terminate()
        stripe.wait(timeout=10)


def _product(buyers: int) -> tuple[str, str, int]:
    """(host, product path, variant id) of the profiled product, with stock for every buyer."""
    from commerce.catalog.models import ProductPage
    from commerce.core.rls import system_context
    from commerce.inventory.models import StockLevel
    from commerce.inventory.services import StockChange, stock_change
    from demo.bulk import SLUG_PREFIX
    from demo.seed import demo_main_store

    with system_context("bench: the profiled product's stock"):
        store = demo_main_store()
        root = store.site.root_page
        pages = ProductPage.objects.descendant_of(root).live().filter(slug__startswith=SLUG_PREFIX).order_by("path")
        page = pages[PROFILED_PRODUCT]
        variant = page.variants.order_by("sort_order", "pk").first()
        level = StockLevel.objects.filter(variant=variant).order_by("pk").first()
        stock_change(
            changes=[StockChange(variant_id=variant.pk, location_id=level.location_id, count=1000 + 10 * buyers)],
            note="bench: profiling the checkout",
            reference="bench-profile",
        )
    return store.site.hostname, "/" + page.url_path.removeprefix(root.url_path), variant.pk


class _Buyer:
    """One visitor going through the checkout with Django's test client; ``steps`` times each request."""

    def __init__(self, *, client, address: str, stripe_url: str) -> None:
        self.client = client  # one handler for all buyers (a new one rescans the static files)
        self.client.cookies.clear()  # a new visitor
        self.client.defaults["REMOTE_ADDR"] = address
        self.stripe_url = stripe_url
        self.seconds: dict[str, float] = {}
        self.queries: dict[str, list[dict]] = {}

    def _step(self, name: str, method: str, path: str, expect: int, **kwargs):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        send = self.client.get if method == "GET" else self.client.post
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = send(path, **kwargs)
            self.seconds[name] = time.perf_counter() - started
        self.queries[name] = queries.captured_queries
        if answer.status_code != expect:
            sys.exit(f"{name}: {method} {path} answered {answer.status_code}: {answer.content[:300]!r}")
        return answer

    def buy(self, *, product_path: str, variant_id: int) -> None:
        from commerce.payments.localstripe import confirm_test_card

        self.client.get(product_path)
        json = {"HTTP_ACCEPT": "application/json"}
        self._step("add to cart", "POST", "/cart/add/", 200, data={"variant_id": variant_id, "quantity": 1}, **json)
        self._step("cart", "GET", "/cart/", 200)
        self._step("checkout start", "GET", "/checkout/", 302)
        page = self._step("contact page", "GET", "/checkout/contact/", 200)
        self._step("contact POST", "POST", "/checkout/contact/", 302, data={"email": "buyer@example.com"})
        page = self._step("address page", "GET", "/checkout/address/", 200)
        text = page.content.decode()
        country = _COUNTRY_CHOICE.search(text)
        form = {**ADDRESS, "country": country.group(1) if country else "US"}
        if _REGION_FIELD.search(text):
            form["region"] = "NY"
        self._step("address POST", "POST", "/checkout/address/", 302, data=form)
        page = self._step("shipping page", "GET", "/checkout/shipping/", 200)
        choice = _SHIPPING_CHOICE.search(page.content.decode())
        if choice is None:
            sys.exit("no shipping choice on the shipping page")
        self._step("shipping POST", "POST", "/checkout/shipping/", 302, data={"shipping_method": choice.group(1)})
        self._step("review page", "GET", "/checkout/review/", 200)
        page = self._step("payment page", "GET", "/checkout/payment/", 200)
        secret = _CLIENT_SECRET.search(page.content.decode())
        if secret is None:
            sys.exit("no client secret on the payment page")
        if confirm_test_card(self.stripe_url, secret.group(1).split("_secret_")[0]) != "succeeded":
            sys.exit("localstripe refused the test card")
        paid = self._step("payment POST", "POST", "/checkout/payment/", 200, **json)
        self._step("thank-you page", "GET", paid.json()["redirect"], 200)


def profile(*, buyers: int, top: int, sort: str, sql: bool, stripe_url: str) -> None:
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = False
    host, product_path, variant_id = _product(buyers + 2)
    client = Client(HTTP_HOST=host)
    run = 0

    def buyer() -> _Buyer:
        nonlocal run
        run += 1
        one = _Buyer(client=client, address=f"10.99.{run // 250}.{run % 250 + 1}", stripe_url=stripe_url)
        one.buy(product_path=product_path, variant_id=variant_id)
        return one

    buyer()  # warm: URL routing, templates, renditions, caches
    totals: dict[str, float] = defaultdict(float)
    last = None
    for _ in range(buyers):
        last = buyer()
        for name, seconds in last.seconds.items():
            totals[name] += seconds
    print(f"{'step':<16} {'queries':>7} {'ms (mean)':>10}")
    for name, seconds in totals.items():
        print(f"{name:<16} {len(last.queries[name]):>7} {seconds / buyers * 1000:>10.1f}")
        if sql:
            for query in last.queries[name]:
                print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")
    whole = sum(totals.values()) / buyers * 1000
    queries = sum(len(q) for q in last.queries.values())
    print(f"Checkout profiled: {len(totals)} requests, {queries} queries, {whole:.0f} ms a buyer (mean of {buyers}).")
    profiler = cProfile.Profile()
    profiler.enable()
    buyer()
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(top)


if __name__ == "__main__":
    main()
