"""The checkout scenario's stock, in the benchmark database: ``python -m bench.checkout_stock prepare|verify``.

Runs in its own process (the database is chosen before Django starts, as in ``bench.prepare``).

- ``prepare --database NAME --products R --stock S``: the first R bulk products of the main store are
  the contested ones; unpaid orders still holding them (an earlier run's) are abandoned, and each one's
  stock is counted to exactly S units at its first location (0 elsewhere) through the inventory
  service, so every run starts from the same shelf. Prints one JSON line: the host, each product's
  path and variant, and the moment the run starts.
- ``verify --database NAME --since ISO --stock S --variants 1,2,…``: what the run did to that
  stock, read back from the database (paid order lines since the start, stock levels), as one JSON
  line: units sold per variant, oversold units (sold beyond S), levels below zero, units lost or
  invented (on hand ≠ S − sold), and units still reserved by unpaid orders.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def checkout_stock(database: str, *arguments: str) -> dict:
    """Run this module in its own process on ``database`` (``prepare`` or ``verify`` and their options)
    and return its JSON answer."""
    answer = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module
        [sys.executable, "-m", "bench.checkout_stock", *arguments, "--database", database],
        cwd=BASE_DIR,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.checkout_stock")
    parser.add_argument("action", choices=("prepare", "verify"))
    parser.add_argument("--database", required=True)
    parser.add_argument("--products", type=int, default=4)
    parser.add_argument("--stock", type=int, required=True)
    parser.add_argument("--since", help="verify: ISO timestamp the run started at")
    parser.add_argument("--variants", default="", help="verify: comma-separated variant ids")
    args = parser.parse_args(argv)
    os.environ["MAGPIE_EMBEDDED_DB_NAME"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from commerce.core.rls import system_context

    with system_context("bench: checkout stock"):
        if args.action == "prepare":
            result = contested_stock_prepare(products=args.products, stock=args.stock)
        else:
            variant_ids = [int(v) for v in args.variants.split(",") if v]
            result = contested_stock_verify(
                since=datetime.fromisoformat(args.since), stock=args.stock, variant_ids=variant_ids
            )
    print(json.dumps(result), flush=True)


def contested_stock_prepare(*, products: int, stock: int) -> dict[str, object]:
    """Choose the contested products and put exactly ``stock`` units of each on the shelf."""
    from django.utils import timezone

    from commerce.catalog.models import ProductPage
    from commerce.checkout.lifecycle import order_abandon
    from commerce.inventory.models import StockLevel
    from commerce.inventory.services import StockChange, stock_change
    from commerce.orders.models import Order, OrderStatus
    from demo.bulk import SLUG_PREFIX
    from demo.seed import demo_main_store

    store = demo_main_store()
    root = store.site.root_page
    pages = list(
        ProductPage.objects.descendant_of(root).live().filter(slug__startswith=SLUG_PREFIX).order_by("path")[:products]
    )
    if len(pages) < products:
        raise SystemExit(f"the main store has only {len(pages)} bulk products; run bench.prepare first")
    chosen = []
    for page in pages:
        variant = page.variants.order_by("sort_order", "pk").first()
        if variant is None:
            raise SystemExit(f"{page.title} has no variant")
        chosen.append((page, variant))
    variant_ids = [variant.pk for _, variant in chosen]
    holding = Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT, reservations__variant_id__in=variant_ids, reservations__status="active"
    ).distinct()
    for order in holding:
        order_abandon(order=order, reason="Benchmark: a new checkout run starts.")
    changes = []
    for variant_id in variant_ids:
        levels = list(StockLevel.objects.filter(variant_id=variant_id).order_by("pk"))
        if not levels:
            raise SystemExit(f"variant {variant_id} has no stock level")
        changes += [
            StockChange(variant_id=variant_id, location_id=level.location_id, count=stock if i == 0 else 0)
            for i, level in enumerate(levels)
        ]
    stock_change(changes=changes, note="benchmark checkout run", reference="bench")
    return {
        "host": store.site.hostname,
        "since": timezone.now().isoformat(),
        "stock": stock,
        "products": [
            {"path": "/" + page.url_path.removeprefix(root.url_path), "variant_id": variant.pk}
            for page, variant in chosen
        ],
    }


def contested_stock_verify(*, since: datetime, stock: int, variant_ids: list[int]) -> dict[str, object]:
    """Read back what the run sold, and whether any unit was sold twice, lost or went below zero."""
    from django.db.models import Sum

    from commerce.inventory.models import StockLevel
    from commerce.orders.models import OrderLine, StockReservation

    sold = dict(
        OrderLine.objects.filter(variant_id__in=variant_ids, order__payment_status="paid", order__created_at__gte=since)
        .values_list("variant_id")
        .annotate(units=Sum("quantity"))
    )
    levels = list(StockLevel.objects.filter(variant_id__in=variant_ids))
    on_hand = {v: sum(level.on_hand for level in levels if level.variant_id == v) for v in variant_ids}
    reserved = dict(
        StockReservation.objects.filter(variant_id__in=variant_ids, status="active")
        .values_list("variant_id")
        .annotate(units=Sum("quantity"))
    )
    return {
        "stock": stock * len(variant_ids),
        "sold": sum(sold.values()),
        "sold_per_variant": {str(v): sold.get(v, 0) for v in variant_ids},
        "oversold": sum(max(0, sold.get(v, 0) - stock) for v in variant_ids),
        "negative_levels": sum(1 for level in levels if level.on_hand < 0 or level.on_hand - level.reserved < 0),
        "lost_or_invented": sum(abs(on_hand[v] - (stock - sold.get(v, 0))) for v in variant_ids),
        "reserved_unpaid": sum(reserved.values()),
    }


if __name__ == "__main__":
    sys.exit(main())
