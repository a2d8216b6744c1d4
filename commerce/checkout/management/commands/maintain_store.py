"""Periodic upkeep: abandon unpaid orders whose stock reservation expired (their stock, discount
uses and gift card money come back), delete stale carts, expire gift cards, ask the carrier about
open shipments not heard of for an hour and apply payment events that arrived before their payment
was recorded. Run it from cron
(or `--every 60` as a long-running process); with REDIS_URL set the work is enqueued for the RQ
workers, otherwise it runs here. Each job sets its own named system context.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from commerce.cart.tasks import delete_stale_carts
from commerce.checkout.tasks import expire_unpaid_orders
from commerce.payments.tasks import retry_waiting_payment_events
from commerce.promotions.tasks import expire_gift_cards
from commerce.shipping.tasks import refresh_shipments


class Command(BaseCommand):
    help = (
        "Abandon expired unpaid orders, delete stale carts, expire gift cards, refresh tracking, "
        "retry payment events waiting for their payment (as jobs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (0: run once).")

    def handle(self, *args, every: int = 0, **options) -> None:
        while True:
            jobs = [
                expire_unpaid_orders.enqueue(),
                delete_stale_carts.enqueue(),
                expire_gift_cards.enqueue(),
                refresh_shipments.enqueue(),
                retry_waiting_payment_events.enqueue(),
            ]
            self.stdout.write("enqueued " + ", ".join(f"{job.task.name} ({job.id})" for job in jobs))
            if every <= 0:
                return
            time.sleep(every)
