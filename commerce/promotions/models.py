"""Discounts (codes and automatic) and gift cards (a ledger). Redemptions are recorded against
orders; counters and balances change only under a row lock, backed by CHECK constraints."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class Discount(models.Model):
    class Kind(models.TextChoices):
        CODE = "code", "Code"
        AUTOMATIC = "automatic", "Automatic"

    class ValueType(models.TextChoices):
        PERCENTAGE = "percentage", "Percentage"
        FIXED = "fixed", "Fixed amount"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    class Target(models.TextChoices):
        ORDER = "order", "Whole order"
        PRODUCTS = "products", "Products, collections or categories"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="discounts")
    name = models.CharField(max_length=120, help_text="Shown to shoppers on the cart and the order.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CODE)
    value_type = models.CharField(max_length=16, choices=ValueType.choices, default=ValueType.PERCENTAGE)
    value = models.DecimalField(
        **AMOUNT,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="Percent (0–100) or an amount in the store's currency; ignored for free shipping.",
    )
    target = models.CharField(max_length=12, choices=Target.choices, default=Target.ORDER)
    products = models.ManyToManyField("catalog.ProductPage", blank=True, related_name="+")
    collections = models.ManyToManyField("catalog.CollectionPage", blank=True, related_name="+")
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+")
    min_subtotal = models.DecimalField(**AMOUNT, null=True, blank=True, validators=[MinValueValidator(0)])
    min_quantity = models.PositiveIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    requires_login = models.BooleanField("customer must be signed in", default=False)
    first_order_only = models.BooleanField(default=False)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Total uses. Empty: unlimited.")
    once_per_customer = models.BooleanField(default=False)
    combinable = models.BooleanField("stackable", default=False, help_text="May be used with other discounts.")
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers apply first.")
    is_active = models.BooleanField("published", default=False, help_text="Unpublished discounts are drafts.")
    times_used = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(value_type="percentage") | Q(value__lte=100), name="discount_percentage_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="discount_uses_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="discount_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["store", "kind", "is_active"])]
        permissions = [("publish_discount", "Can publish (make live) and unpublish a discount")]

    def __str__(self) -> str:
        return self.name

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if not self.is_active:
            return self.Status.DRAFT
        if self.starts_at and now < self.starts_at:
            return self.Status.SCHEDULED
        if (self.ends_at and now >= self.ends_at) or (
            self.usage_limit is not None and self.times_used >= self.usage_limit
        ):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_at()


class DiscountCode(models.Model):
    """A code shoppers type. Codes are stored upper-case and unique per store."""

    discount = models.ForeignKey(Discount, on_delete=models.CASCADE, related_name="codes")
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+", editable=False)
    code = models.CharField(max_length=40)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Uses of this code. 1: single use.")
    times_used = models.PositiveIntegerField(default=0, editable=False)
    # A disabled code answers like an unknown one; it is kept (not deleted) because redemptions
    # reference it and enabling it again restores it with its limit and count.
    is_active = models.BooleanField("enabled", default=True, help_text="Disabled codes cannot be used.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), "store", name="discount_code_unique_per_store"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="discount_code_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class DiscountRedemption(models.Model):
    """One use of a discount by one order: what it took, and whether the use still counts."""

    discount = models.ForeignKey(Discount, on_delete=models.PROTECT, related_name="redemptions")
    code = models.ForeignKey(DiscountCode, null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="discount_redemptions")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField()
    label = models.CharField(max_length=160)
    amount = models.DecimalField(**AMOUNT)
    line_amounts = models.JSONField(default=dict, blank=True, help_text="Order line SKU → amount taken.")
    shipping_amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    released = models.BooleanField(default=False, help_text="The order was cancelled or fully refunded.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "discount"], name="redemption_once_per_order_discount"),
            models.UniqueConstraint(
                fields=["order", "code"], condition=Q(code__isnull=False), name="redemption_once_per_order_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} on {self.order_id}"

    def line_breakdown(self) -> list[tuple[str, str, Decimal]]:
        """(SKU, product title, amount) for each order line this discount took from."""
        by_variant = {str(line.variant_id): line for line in self.order.lines.all()}
        return [
            (by_variant[key].sku, by_variant[key].product_title, Decimal(amount))
            for key, amount in self.line_amounts.items()
            if key in by_variant
        ]


class GiftCard(models.Model):
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="gift_cards")
    code = models.CharField(max_length=32, unique=True, editable=False)
    currency = models.CharField(max_length=3, editable=False)
    initial_value = models.DecimalField(**AMOUNT, editable=False)
    balance = models.DecimalField(**AMOUNT, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="gift_cards"
    )
    recipient_email = models.EmailField(blank=True)
    source_order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gift_cards_bought",
        editable=False,
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="gift_card_balance_not_negative"),
            models.CheckConstraint(condition=Q(initial_value__gt=0), name="gift_card_initial_value_positive"),
        ]
        indexes = [models.Index(fields=["store", "currency"])]

    def __str__(self) -> str:
        return f"Gift card {self.masked_code}"

    @property
    def masked_code(self) -> str:
        return f"•••• {self.code[-4:]}"

    @property
    def last4(self) -> str:
        return self.code[-4:]

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at


class GiftCardTransaction(models.Model):
    """The ledger: every change of a card's balance, append-only. ``amount`` is signed."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issued"
        REDEEM = "redeem", "Redeemed"
        REFUND = "refund", "Refunded to card"
        ADJUSTMENT = "adjustment", "Manual adjustment"
        EXPIRY = "expiry", "Expired"

    gift_card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(**AMOUNT)
    balance_after = models.DecimalField(**AMOUNT)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="gift_card_transactions"
    )
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="gift_card_ledger_balance_not_negative"),
            models.CheckConstraint(condition=~Q(amount=0), name="gift_card_ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason=""), name="gift_card_adjustment_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} on {self.gift_card_id}"
