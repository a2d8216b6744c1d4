"""Times what a manager waits for, on the current database: a full HTTP GET through Django's test
``Client`` and the whole middleware stack (session, authentication, row-level security, CSP), signed
in as the first active superuser or ``--email``, of every report in the Reports menu at its default
period and over a year, each report's CSV export, and the admin home (the dashboard). Best of
``--runs``; one progress line per URL and a one-line summary. ``--metrics`` also times the metric
functions alone (what the pages call), as before."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from wagtail import hooks

from commerce.core.rls import runs_as_system, system_context
from commerce.insights.catalog_metrics import top_categories, top_collections
from commerce.insights.metrics import customer_mix, sales_summary, top_products
from commerce.insights.metrics_scope import STATEMENT_TIMEOUT_MS, Period
from commerce.insights.order_panels import OrdersPanel
from commerce.insights.panels import SalesPanel
from commerce.insights.promotion_metrics import discount_usage, gift_card_liability
from commerce.insights.refund_figures import refund_summary
from commerce.insights.return_figures import returns_summary
from commerce.insights.sales_rows import sales_rows
from commerce.insights.shipping_metrics import shipping_charged
from commerce.insights.stock_metrics import low_stock, stock_value
from commerce.orders.models import Order

logger = logging.getLogger(__name__)
SLOW_SECONDS = 2.0
HOST = "localhost"  # a host every settings module allows; the demo's main store
REQUEST_LOGGERS = ("django_structlog", "django.request")  # a line (or a traceback) per request


@contextmanager
def _requests_unlogged() -> Iterator[None]:
    """The per-request log lines would bury the progress lines; a failure is reported on its own line."""
    loggers = [logging.getLogger(name) for name in REQUEST_LOGGERS]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


@dataclass(frozen=True)
class Timed:
    label: str
    url: str
    seconds: float | None  # None: it failed (see ``problem``)
    problem: str = ""


def report_urls(*, year: Period) -> list[tuple[str, str]]:
    """(label, URL) of every report in the Reports menu (Wagtail's own too): at its default period,
    over a year where it has a period (the sales report by day: the year's daily series), and its CSV export."""
    made = (hook() for hook in hooks.get_hooks("register_reports_menu_item"))
    items = sorted((item for item in made if item is not None), key=lambda item: (item.order, item.label))
    urls = []
    for item in items:
        urls.append((str(item.label), item.url))
        view = getattr(resolve(item.url).func, "view_class", None)
        filters = getattr(getattr(view, "filterset_class", None), "base_filters", {})
        if "start" in filters:
            query = {"start": year.start.isoformat(), "end": year.end.isoformat()}
            if "interval" in filters:
                query["interval"] = "day"
            urls.append((f"{item.label}, a year", f"{item.url}?{urlencode(query)}"))
        urls.append((f"{item.label}, CSV", f"{item.url}?export=csv"))
    return urls


def http_time(client: Client, url: str) -> float:
    """Seconds for one GET, the body read to its end (a streamed export too); raises on a non-200."""
    started = time.perf_counter()
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 - rendered and read, as a browser would
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}")
    return seconds


class Command(BaseCommand):
    help = (
        "Time every report (default period, a year, CSV) and the admin home over HTTP through the full "
        "middleware stack on this database (e.g. after seed_demo --orders 1000000)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="Whose view to time (default: the first active superuser).")
        parser.add_argument("--runs", type=int, default=3, help="Best of N runs (default: %(default)s).")
        parser.add_argument("--metrics", action="store_true", help="Also time the metric functions alone.")

    def handle(self, *args: Any, email: str | None, runs: int, metrics: bool, **options: Any) -> None:
        if runs < 1:
            raise CommandError("--runs must be 1 or more.")
        user, orders = self._user_and_orders(email)
        today = timezone.localdate()
        year = Period(today - timedelta(days=364), today)
        client = Client(SERVER_NAME=HOST)
        with system_context("report_timings"):  # the log-in writes last_login, which RLS keeps to the user
            client.force_login(user)
        urls = [("Admin home (dashboard)", reverse("wagtailadmin_home")), *report_urls(year=year)]
        self.stdout.write(f"{orders:,} orders; GET as {user.email} through the middleware, best of {runs}:")
        timed = []
        with _requests_unlogged():
            for label, url in urls:
                result = self._best(label, url, runs, lambda url=url: http_time(client, url))
                timed.append(result)
                shown = f"FAILED ({result.problem})" if result.seconds is None else f"{result.seconds * 1000:,.0f} ms"
                self.stdout.write(f"  {label}: {shown}  [{url}]")
        if metrics:
            self._metrics(user=user, year=year, runs=runs)
        done = [t for t in timed if t.seconds is not None]
        slowest = max(done, key=lambda t: t.seconds or 0.0, default=None)
        over = sum(1 for t in done if (t.seconds or 0.0) > SLOW_SECONDS)
        failed = len(timed) - len(done)
        self.stdout.write(
            f"{len(timed)} URLs timed: slowest {slowest.label if slowest else '-'} "
            f"{(slowest.seconds or 0.0) * 1000 if slowest else 0:,.0f} ms; {over} over {SLOW_SECONDS:g} s; "
            f"{failed} failed."
        )

    @runs_as_system("report_timings")
    def _user_and_orders(self, email: str | None) -> tuple[Any, int]:
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(email=email).first() if email else users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("No such user: pass --email, or run `manage.py demo_admin` first.")
        return user, Order.objects.count()

    @staticmethod
    def _best(label: str, url: str, runs: int, measure: Callable[[], float]) -> Timed:
        best: float | None = None
        for _ in range(runs):
            try:
                seconds = measure()
            except Exception as error:
                logger.warning("report timing failed", extra={"url": url, "error": repr(error)})
                return Timed(label, url, None, f"{type(error).__name__}: {error}"[:160])
            best = seconds if best is None else min(best, seconds)
        return Timed(label, url, best)

    @runs_as_system("report_timings")
    def _metrics(self, *, user: Any, year: Period, runs: int) -> None:
        """The metric functions alone, with their comparison period where the report has one."""
        today = timezone.localdate()
        month = Period(today - timedelta(days=29), today)

        def both(metric: Callable[..., object], period: Period) -> None:
            metric(user=user, period=period)
            metric(user=user, period=period.previous())

        checks: list[tuple[str, Callable[[], object]]] = [
            (
                "year's daily sales series",
                lambda: sales_rows(user=user, period=year, interval="day", store_ids=None, compare=False),
            ),
            ("top products (a year)", lambda: top_products(user=user, period=year, limit=20)),
            ("sales summary (a year)", lambda: sales_summary(user=user, period=year)),
            ("dashboard sales panel", lambda: SalesPanel(user).get_context_data()),
            ("dashboard orders panel", lambda: OrdersPanel(user).get_context_data()),
            ("sales by category (a year and the year before)", lambda: both(top_categories, year)),
            ("sales by collection (a year and the year before)", lambda: both(top_collections, year)),
            ("customers (30 days and the 30 before)", lambda: both(customer_mix, month)),
            ("discounts (a year and the year before)", lambda: both(discount_usage, year)),
            ("gift cards (a year and the year before)", lambda: both(gift_card_liability, year)),
            ("refunds (a year and the year before)", lambda: both(refund_summary, year)),
            ("returns (a year and the year before)", lambda: both(returns_summary, year)),
            ("shipping charged (a year and the year before)", lambda: both(shipping_charged, year)),
            ("low stock", lambda: low_stock(user=user, limit=200)),
            ("stock value", lambda: stock_value(user=user)),
        ]
        self.stdout.write(f"Metric functions alone, best of {runs}:")
        for label, check in checks:
            best = min(self._time(check) for _ in range(runs))
            if best == float("inf"):
                self.stdout.write(f"  {label}: cancelled by the {STATEMENT_TIMEOUT_MS:,} ms statement timeout")
            else:
                self.stdout.write(f"  {label}: {best * 1000:,.0f} ms")

    @staticmethod
    def _time(check: Callable[[], object]) -> float:
        started = time.perf_counter()
        try:
            check()
        except OperationalError as error:  # the metrics' statement timeout
            logger.warning("report timing cancelled", extra={"error": str(error)})
            return float("inf")
        return time.perf_counter() - started
