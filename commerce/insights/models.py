from django.conf import settings
from django.db import models
from django.utils import timezone

from .summary_models import (  # noqa: F401 - models
    AMOUNT,
    DailyCustomerSales,
    DailyDiscountSales,
    DailyShippingSales,
    DateMultiRangeField,
    StoreDaySummary,
)


class ReportAccess(models.Model):
    """No table: carries the ``view_reports`` permission (Owners and Managers, see ``roles.py``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", "Can view sales reports and the sales dashboard")]

    def __str__(self) -> str:
        return "Report access"


class InsightQuestion(models.Model):
    """One question to the insights assistant and how it was answered: the audit log (issue 14).

    Written once, after the answer; never edited. Also the asker's conversation history: a
    follow-up refines the last answered question of the same ``conversation``."""

    class Planner(models.TextChoices):
        OFFLINE = "offline", "Built-in (offline)"
        OPENAI = "openai", "OpenAI"

    class Outcome(models.TextChoices):
        ANSWERED = "answered", "Answered"
        REFUSED = "refused", "Refused"
        NOT_UNDERSTOOD = "not_understood", "Not understood"
        ERROR = "error", "Error"

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="insight_questions"
    )
    conversation = models.UUIDField(db_index=True)
    asked_at = models.DateTimeField(default=timezone.now)
    question = models.TextField()
    planner = models.CharField(max_length=16, choices=Planner.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    tool_calls = models.JSONField(default=list, blank=True, help_text="Each call: name, arguments, label, role, error.")
    periods = models.JSONField(default=list, blank=True, help_text="The periods read, as local dates.")
    answer = models.TextField(blank=True)
    figures = models.JSONField(default=list, blank=True)
    today = models.DateField(help_text="The day relative periods were resolved against.")

    class Meta:
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["asked_by", "-asked_at"], name="insights_q_asker_recent")]
        permissions = [("use_assistant", "Can ask the insights assistant")]

    def __str__(self) -> str:
        return self.question[:80]


class AssistantUsage(models.Model):
    """How many questions a user sent to the OpenAI planner on a day (the per-user daily budget)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    questions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="insights_usage_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.questions}"


class DailySales(StoreDaySummary):
    """A store's paid orders and succeeded refunds on one local day (its time zone), per currency:
    the read model the sales metrics read whole past days from. Written only by
    :mod:`commerce.insights.daily_summary` (refreshed after each payment and refund, rebuildable)."""

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


class DailyProductSales(StoreDaySummary):
    """Units and revenue (line totals) per product, store, local day and currency. Lines whose
    variant is gone have no product and are kept apart by the title they were sold under."""

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
    # The local days (store time zone) this email paid again after its first order: how many
    # customers returned in a period is a count of rows, exact over any number of days.
    returning_days = DateMultiRangeField(db_default=models.Value("{}"), editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "email"], name="customer_first_order_once")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.email}"


class DailyRefundOrder(StoreDaySummary):
    """One order's succeeded refunds on one local day of its store: how many, how much, how many
    units (refund lines). Per order, so "orders refunded" over any range is an exact distinct count
    (an order refunded on two days is one order). Written only by :mod:`commerce.insights.activity_summary`."""

    order_id = models.BigIntegerField(help_text="The order's id (no key: the summary is rebuilt from the orders).")
    refunds = models.PositiveIntegerField(default=0)
    refunded = models.DecimalField(**AMOUNT)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="daily_refund_store_day")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} order {self.order_id}"


class DailyReturns(StoreDaySummary):
    """Returns reaching each step on one local day of their store, per currency (a return takes each
    step once, so days add up), and what the refunds of the returns refunded that day paid back."""

    requested = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    refunded = models.PositiveIntegerField(default=0)
    refunded_value = models.DecimalField(**AMOUNT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "day", "currency"], name="daily_returns_once_per_day")]


class DailyReturnReasons(StoreDaySummary):
    """Units and returns per reason of the returns opened on one local day (rejected ones left out:
    a rejection recomputes the day the return was opened)."""

    reason = models.CharField(max_length=32)
    units = models.PositiveIntegerField(default=0)
    returns = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="daily_return_reason_store_day")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.reason}"


class DailyGiftCards(StoreDaySummary):
    """A store's gift-card ledger on one local day, per currency: issued, redeemed (negative),
    refunded to cards, expired or adjusted, the net movement, and how many cards went from no
    balance to a balance (+1) or back (−1) that day. Summed from the first day, ``net`` is the
    liability and ``cards_with_balance`` the cards holding a balance at a day's end, exactly."""

    issued = models.DecimalField(**AMOUNT)
    redeemed = models.DecimalField(**AMOUNT)
    refunded = models.DecimalField(**AMOUNT)
    other = models.DecimalField(**AMOUNT)
    net = models.DecimalField(**AMOUNT)
    cards_with_balance = models.IntegerField(default=0, help_text="Change in cards holding a balance that day.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "day", "currency"], name="daily_gift_cards_once_per_day")
        ]
