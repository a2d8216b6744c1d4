from django.db import models


class ReportAccess(models.Model):
    """No table: carries the ``view_reports`` permission (Owners and Managers, see ``roles.py``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", "Can view sales reports and the sales dashboard")]

    def __str__(self) -> str:
        return "Report access"


AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": 0}


class DailySales(models.Model):
    """A store's paid orders and succeeded refunds on one local day (its time zone), per currency:
    the read model the sales metrics read whole past days from. Written only by
    :mod:`commerce.insights.daily_summary` (refreshed after each payment and refund, rebuildable)."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gross = models.DecimalField(**AMOUNT)
    discounts = models.DecimalField(**AMOUNT)
    shipping = models.DecimalField(**AMOUNT)
    tax = models.DecimalField(**AMOUNT)
    total = models.DecimalField(**AMOUNT)
    refunds = models.DecimalField(**AMOUNT)
    refund_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "day", "currency"], name="daily_sales_once_per_day")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.currency}"


class DailyProductSales(models.Model):
    """Units and revenue (line totals) per product, store, local day and currency. Lines whose
    variant is gone have no product and are kept apart by the title they were sold under."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    product_id = models.IntegerField(null=True, help_text="The product page's id (no key: products may be deleted).")
    orphan_title = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255)
    units = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="daily_product_store_day")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.title}"


class CustomerFirstOrder(models.Model):
    """When each customer (by order email) first paid in a store: "new or returning" becomes a join
    instead of a look-back per order. Kept by :mod:`commerce.insights.daily_summary`."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    first_paid_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "email"], name="customer_first_order_once")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.email}"
