"""Stock as operational data: locations, a level per variant and location, and the movement ledger.

None of this is part of a page revision: drafts, scheduled publishing, reverts and copies of a
product page never touch these rows. Writes go through ``services.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from commerce.core.addresses import PostalAddress


class StockLocation(models.Model):
    """A place a store keeps stock: a warehouse, a shop floor. Higher priority is reserved from first."""

    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="stock_locations")
    name = models.CharField(max_length=80)
    priority = models.SmallIntegerField(default=0, help_text="Checkout reserves from higher priorities first.")
    is_active = models.BooleanField("active", default=True, help_text="Inactive locations are not sold from.")
    # The ship-from address carriers quote and print labels for (empty: this location does not ship).
    address_line1 = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. US.")
    phone = models.CharField(max_length=40, blank=True, help_text="Carriers print it on the label.")

    class Meta:
        ordering = ["store", "-priority", "name"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="stock_location_name_unique_per_store")]

    def __str__(self) -> str:
        return self.name

    @property
    def ship_from_address(self) -> PostalAddress | None:
        """Where parcels from here are sent from, or None when no address is set."""
        if not (self.address_line1 and self.city and self.country):
            return None
        return PostalAddress(
            full_name=self.name,
            line1=self.address_line1,
            line2=self.address_line2,
            city=self.city,
            region=self.region,
            postal_code=self.postal_code,
            country=self.country.upper(),
            phone=self.phone,
        )


class StockLevelQuerySet(models.QuerySet):
    def bulk_create(self, objs: Iterable[StockLevel], *args: Any, **kwargs: Any) -> list[StockLevel]:
        """Levels inserted holding available stock retire their stores' cached pages on commit
        (``invalidation.py``): no signal is sent for a bulk insert."""
        from .invalidation import stock_shown_changed

        levels = super().bulk_create(objs, *args, **kwargs)
        stock_shown_changed(
            variant_ids=[lv.variant_id for lv in levels if lv.on_hand > lv.reserved], reason="stock levels inserted"
        )
        return levels


class StockLevel(models.Model):
    """What one location holds of one variant: on hand, and how much of that unpaid orders hold."""

    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.PROTECT, related_name="stock_levels")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="levels")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)

    objects = StockLevelQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="stock_level_one_per_variant_location"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_level_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")), name="stock_level_reserved_within_on_hand"
            ),
        ]
        indexes = [models.Index(fields=["location", "variant"])]

    def __str__(self) -> str:
        return f"variant {self.variant_id} at location {self.location_id}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


class MovementKind(models.TextChoices):
    OPENING = "opening", "Opening balance"
    RECEIVED = "received", "Received"
    SOLD = "sold", "Sold"
    RETURNED = "returned", "Returned / restocked"
    ADJUSTMENT = "adjustment", "Adjustment"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    COUNT = "count", "Stock count"


class AdjustmentReason(models.TextChoices):
    RECEIVED = "received", "Received from supplier"
    DAMAGED = "damaged", "Damaged"
    LOST = "lost", "Lost or stolen"
    FOUND = "found", "Found"
    CORRECTION = "correction", "Correction"
    OTHER = "other", "Other"


class StockMovement(models.Model):
    """One change of a level's on hand (append-only). On hand always equals the sum of its movements."""

    level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    quantity = models.IntegerField(help_text="Signed change of on hand.")
    on_hand_after = models.IntegerField()
    reason = models.CharField(max_length=16, choices=AdjustmentReason.choices, blank=True)
    note = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=64, blank=True, help_text='What caused it, e.g. "order 1001".')
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["level", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0) | Q(kind="opening"), name="stock_movement_not_zero"),
            models.CheckConstraint(condition=Q(on_hand_after__gte=0), name="stock_movement_on_hand_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} (level {self.level_id})"


class LowStockAlert(models.Model):
    """Whether a variant is at or below its low-stock threshold, so managers are emailed once per crossing."""

    variant = models.OneToOneField(
        "catalog.ProductVariant", on_delete=models.CASCADE, primary_key=True, related_name="low_stock_alert"
    )
    is_low = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"variant {self.variant_id}: {'low' if self.is_low else 'ok'}"


@register_setting(icon="pick")
class InventorySettings(BaseSiteSetting):
    """How checkout reserves stock in this site's store."""

    split_reservations = models.BooleanField(
        default=True,
        help_text="A line may be reserved from several locations when no single location has enough.",
    )

    panels = [FieldPanel("split_reservations")]

    class Meta:
        verbose_name = "inventory settings"
