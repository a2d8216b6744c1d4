"""Times every report's metrics and the dashboard on the current database, as an Owner would see
them (the first active superuser, or --email), and prints one line per figure and a summary."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError
from django.utils import timezone

from commerce.core.rls import runs_as_system
from commerce.insights.catalog_metrics import top_categories, top_collections
from commerce.insights.metrics import customer_mix, sales_summary, top_products
from commerce.insights.metrics_scope import STATEMENT_TIMEOUT_MS, Period
from commerce.insights.order_panels import OrdersPanel
from commerce.insights.panels import SalesPanel
from commerce.insights.promotion_metrics import discount_usage, gift_card_liability
from commerce.insights.refund_figures import refund_summary
from commerce.insights.sales_rows import sales_rows
from commerce.insights.shipping_metrics import shipping_charged
from commerce.insights.stock_metrics import low_stock, stock_value
from commerce.orders.models import Order

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Time the reports and the dashboard on this database (e.g. after seed_demo --orders 1000000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="Whose view to time (default: the first active superuser).")
        parser.add_argument("--runs", type=int, default=3, help="Best of N runs (default: %(default)s).")

    @runs_as_system("report_timings")
    def handle(self, *args: Any, email: str | None, runs: int, **options: Any) -> None:
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(email=email).first() if email else users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("No such user: pass --email, or run `manage.py demo_admin` first.")
        today = timezone.localdate()

        def both(metric: Callable[..., object], period: Period) -> None:
            """A report with its comparison: the period and the one before."""
            metric(user=user, period=period)
            metric(user=user, period=period.previous())

        year, month = Period(today - timedelta(days=364), today), Period(today - timedelta(days=29), today)
        checks: list[tuple[str, Callable[[], object]]] = [
            (
                "year's daily sales series",
                lambda: sales_rows(user=user, period=year, interval="day", store_ids=None, compare=False),
            ),
            (
                "sales report (30 days, with previous)",
                lambda: sales_rows(user=user, period=month, interval="day", store_ids=None, compare=True),
            ),
            (
                "sales report (a year by week, with previous)",
                lambda: sales_rows(user=user, period=year, interval="week", store_ids=None, compare=True),
            ),
            ("top products (a year)", lambda: top_products(user=user, period=year, limit=20)),
            ("sales summary (a year)", lambda: sales_summary(user=user, period=year)),
            ("customer mix (30 days)", lambda: customer_mix(user=user, period=month)),
            ("dashboard sales panel", lambda: SalesPanel(user).get_context_data()),
            ("dashboard orders panel", lambda: OrdersPanel(user).get_context_data()),
            ("sales by category (a year and the year before)", lambda: both(top_categories, year)),
            ("sales by collection (a year and the year before)", lambda: both(top_collections, year)),
            ("customers (30 days and the 30 before)", lambda: both(customer_mix, month)),
            ("discounts (a year and the year before)", lambda: both(discount_usage, year)),
            ("gift cards (a year and the year before)", lambda: both(gift_card_liability, year)),
            ("refunds (a year and the year before)", lambda: both(refund_summary, year)),
            ("shipping charged (a year and the year before)", lambda: both(shipping_charged, year)),
            ("low stock", lambda: low_stock(user=user, limit=200)),
            ("stock value", lambda: stock_value(user=user)),
        ]
        self.stdout.write(f"{Order.objects.count():,} orders; timing as {user.email}, best of {runs}:")
        slowest = 0.0
        timed_out = 0
        for label, check in checks:
            best = min(self._time(check) for _ in range(max(runs, 1)))
            if best == float("inf"):
                timed_out += 1
                self.stdout.write(f"  {label}: cancelled by the {STATEMENT_TIMEOUT_MS:,} ms statement timeout")
                continue
            slowest = max(slowest, best)
            self.stdout.write(f"  {label}: {best * 1000:,.0f} ms")
        self.stdout.write(
            f"{len(checks)} figures timed; the slowest finished in {slowest * 1000:,.0f} ms; {timed_out} timed out."
        )

    @staticmethod
    def _time(check: Callable[[], object]) -> float:
        started = time.perf_counter()
        try:
            check()
        except OperationalError as error:  # the metrics' statement timeout
            logger.warning("report timing cancelled", extra={"error": str(error)})
            return float("inf")
        return time.perf_counter() - started
