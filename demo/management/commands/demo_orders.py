"""Paid demo orders waiting to ship (`make run` runs this once localstripe is up)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from commerce.core.rls import runs_as_system
from commerce.payments import localstripe
from commerce.stores.models import Store
from demo.ready_orders import demo_ready_orders_ensure
from demo.seed import demo_main_store


class Command(BaseCommand):
    help = "Top the main demo store up to N card-paid orders waiting to be shipped (localstripe only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=3, help="Orders waiting to ship (default: %(default)s).")
        parser.add_argument("--wait", type=float, default=0, help="Seconds to wait for localstripe to start.")

    @runs_as_system("demo_orders")
    def handle(self, *args: Any, count: int, wait: float, **options: Any) -> None:
        deadline = time.monotonic() + wait
        while not localstripe.is_up(settings.STRIPE_API_BASE or "") and time.monotonic() < deadline:
            time.sleep(0.5)
        try:
            store = demo_main_store()
        except Store.DoesNotExist:
            self.stdout.write("No demo store: run `manage.py seed_demo` first.")
            return
        added = demo_ready_orders_ensure(store=store, count=max(count, 0), say=self.stdout.write)
        self.stdout.write(f"Ready-to-ship demo orders: {added} added to {store.name}.")
