"""Periodic upkeep: release stock held by unpaid orders whose reservation expired, and delete
stale carts. Run it from cron (or `--every 60` as a long-running process); with REDIS_URL set the
work is enqueued for the RQ workers, otherwise it runs here."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from commerce.cart.tasks import delete_stale_carts
from commerce.orders.tasks import expire_reservations


class Command(BaseCommand):
    help = "Release expired stock reservations and delete stale carts (enqueued as background jobs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (0: run once).")

    def handle(self, *args, every: int = 0, **options) -> None:
        while True:
            expiry = expire_reservations.enqueue()
            carts = delete_stale_carts.enqueue()
            self.stdout.write(f"enqueued {expiry.id} (reservations) and {carts.id} (stale carts)")
            if every <= 0:
                return
            time.sleep(every)
