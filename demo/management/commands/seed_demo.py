from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max

from commerce.catalog.models import ProductPage
from commerce.core.rls import runs_as_system
from commerce.core.table_stats import tables_analyze
from commerce.insights.daily_rebuild import daily_sales_rebuild
from commerce.insights.models import CustomerFirstOrder, DailyProductSales, DailySales
from commerce.stores.models import Store
from demo.bulk import bulk_products_add, shared_images_ensure
from demo.catalogue_data import STORES
from demo.customers import demo_customers_ensure
from demo.images import DEFAULT_IMAGE_SIZE, MIN_IMAGE_SIZE, demo_collection
from demo.order_history import HISTORY_PER_STORE, history_missing, orders_bulk_add
from demo.report import DemoDataError
from demo.seed import demo_main_store, demo_seed
from search.bulk_index import queryset_index

MAX_IMAGE_SIZE = 4000


@contextmanager
def _quiet_wagtail(verbosity: int) -> Iterator[None]:
    """Wagtail logs every page created and published at INFO; a seed run would print hundreds of lines."""
    logger = logging.getLogger("wagtail")
    previous = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


class Command(BaseCommand):
    help = (
        "Seed the demo: two stores (Magpie Outfitters on localhost, the default site; Magpie North on "
        "north.localhost), about 60 products with generated images, collections, an About page and a "
        "home page that sells. Idempotent: what exists (matched by hostname, slug or SKU) is left alone, so "
        "a second run creates and changes nothing. Wagtail's initial welcome page and site are replaced. "
        "--products N then ADDS N bulk products to Magpie Outfitters on every run (SKUs BULK-000001 "
        "onwards, continuing from the highest existing), written with a constant number of SQL statements; "
        "they are live and indexed for search (set-based, search/bulk_index.py)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="Also add N bulk products to the main store (added on every run, not idempotent).",
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=0,
            metavar="N",
            help="Also add N paid orders over the last year to the main store, in bulk (added on every run).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            metavar="PORT",
            help="The port the demo is served on (make run passes its PORT, 8000): the stores' Sites carry it, "
            "so absolute links point at http://localhost:PORT/. Default: keep the Sites' ports (80 when new).",
        )
        parser.add_argument(
            "--image-size",
            type=int,
            default=DEFAULT_IMAGE_SIZE,
            metavar="PX",
            help="Side of the generated square product images in pixels (default: %(default)s; "
            "banners are twice as wide). Small values make seeding fast in tests.",
        )

    @runs_as_system("seed_demo")
    def handle(
        self,
        *args: Any,
        products: int,
        orders: int,
        image_size: int,
        port: int | None,
        verbosity: int,
        **options: Any,
    ) -> None:
        if products < 0:
            raise CommandError("--products must be zero or more.")
        if orders < 0:
            raise CommandError("--orders must be zero or more.")
        if port is not None and not 1 <= port <= 65535:
            raise CommandError("--port must be between 1 and 65535.")
        if not MIN_IMAGE_SIZE <= image_size <= MAX_IMAGE_SIZE:
            raise CommandError(f"--image-size must be between {MIN_IMAGE_SIZE} and {MAX_IMAGE_SIZE}.")
        started = time.monotonic()
        with _quiet_wagtail(verbosity):
            try:
                report = demo_seed(image_size=image_size, port=port)
            except DemoDataError as error:
                raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Seeded in {time.monotonic() - started:.1f} s.")
        self._history()
        customers = demo_customers_ensure()
        if customers.created or customers.orders_joined:
            self.stdout.write(
                f"Demo customers: {customers.created} accounts, {customers.orders_joined} past orders joined to them."
            )
        if products:
            started = time.monotonic()
            with transaction.atomic():
                store = demo_main_store()
                images = shared_images_ensure(collection=demo_collection(), image_size=image_size)
                highest_before = ProductPage.objects.aggregate(highest=Max("pk"))["highest"] or 0
                result = bulk_products_add(store=store, count=products, images=images)
            self.stdout.write(
                f"Added {result.created} bulk products to {store.name} ({result.first_sku} to {result.last_sku}) "
                f"in {time.monotonic() - started:.1f} s."
            )
            started = time.monotonic()
            indexed = queryset_index(
                ProductPage.objects.descendant_of(store.site.root_page).filter(pk__gt=highest_before)
            )
            self.stdout.write(f"Indexed {indexed} products for search in {time.monotonic() - started:.1f} s.")
        if orders:
            self._orders(orders)

    def _history(self) -> None:
        """A year of orders for each demo store that has none yet (idempotent), and its daily
        sales summary when it has none (the history is written in bulk, not through payments)."""
        for store in Store.objects.filter(site__hostname__in=[spec.hostname for spec in STORES]).order_by("pk"):
            added = history_missing(store)
            if added:
                started = time.monotonic()
                result = orders_bulk_add(store=store, count=HISTORY_PER_STORE)
                self.stdout.write(
                    f"Order history for {store.name}: {result.orders} orders over the last year "
                    f"in {time.monotonic() - started:.1f} s."
                )
            if added or not DailySales.objects.filter(store=store).exists():
                self._summarise(store)

    def _summarise(self, store: Store) -> None:
        started = time.monotonic()
        result = daily_sales_rebuild(store_ids=[store.pk])
        tables_analyze([DailySales, DailyProductSales, CustomerFirstOrder])  # the reports read these next
        self.stdout.write(
            f"Daily sales summary for {store.name}: {result.days:,} days, {result.rows:,} rows "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _orders(self, count: int) -> None:
        started = time.monotonic()
        store = demo_main_store()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {done:,}/{total:,} orders ({done / max(elapsed, 0.001):,.0f}/s)")

        result = orders_bulk_add(store=store, count=count, progress=progress)
        self.stdout.write(
            f"Added {result.orders:,} orders to {store.name} in {result.batches} batches "
            f"in {time.monotonic() - started:.1f} s."
        )
        self._summarise(store)
