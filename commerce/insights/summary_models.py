"""The daily summary tables of the Customers, Shipping charged and Discounts reports (issue 13).

Written only by :mod:`commerce.insights.customer_summary`, :mod:`commerce.insights.shipping_summary`
and :mod:`commerce.insights.discount_summary`,
from :func:`commerce.insights.daily_summary.daily_sales_refresh` (recompute, never increment)."""

from __future__ import annotations

from django.db import models

AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": 0}


class DateMultiRangeField(models.Field):
    """A PostgreSQL ``datemultirange``: a set of local days, kept as ranges (adjacent days merge).
    Written and read with SQL (``&&`` asks whether it touches a period)."""

    description = "A set of date ranges (PostgreSQL datemultirange)"

    def db_type(self, connection) -> str:
        return "datemultirange"


class StoreDaySummary(models.Model):
    """What every daily summary row is about: a store, a local day (the store's time zone) and a currency."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.currency}"


class DailyCustomerSales(StoreDaySummary):
    """A store's paid orders on one local day, per currency, split by whether the customer (an email
    in this store) had paid there before: ``new_customers`` counts the emails whose first paid order
    in the store fell on this day (each email is new on one day only, so days add up exactly)."""

    new_orders = models.PositiveIntegerField(default=0)
    returning_orders = models.PositiveIntegerField(default=0)
    new_customers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "day", "currency"], name="daily_customers_once_per_day")
        ]


class DailyShippingSales(StoreDaySummary):
    """Orders and shipping charged per store, local day, currency and shipping method (its name at
    checkout; blank when the order had none)."""

    method = models.CharField(max_length=120, blank=True)
    orders = models.PositiveIntegerField(default=0)
    shipping = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="daily_shipping_store_day")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.method}"


class DailyDiscountSales(StoreDaySummary):
    """A discount's unreleased uses on the orders a store was paid for on one local day, per
    currency: what it took (``cost``, shipping included), its ``shipping`` part, and those orders'
    gross sales."""

    discount = models.ForeignKey("promotions.Discount", on_delete=models.CASCADE, related_name="+")
    uses = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(**AMOUNT)
    shipping = models.DecimalField(**AMOUNT)
    sales = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="daily_discount_store_day")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.discount_id}"
