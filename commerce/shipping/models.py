"""Store-defined shipping rates: flat, free over a threshold, or by weight band."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class ShippingMethod(models.Model):
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="shipping_methods")
    name = models.CharField(max_length=80)
    code = models.SlugField(max_length=60)
    price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    free_over = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Free when the subtotal reaches this amount. Empty: never free.",
    )
    countries = models.CharField(
        max_length=600, blank=True, help_text="Comma-separated ISO country codes. Empty: all the store ships to."
    )
    min_weight_grams = models.PositiveIntegerField(default=0)
    max_weight_grams = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no upper limit.")
    estimated_days = models.CharField(max_length=40, blank=True, help_text='e.g. "3–5 business days".')
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "price"]
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="shipping_method_code_unique_per_store"),
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.store})"

    @property
    def country_codes(self) -> set[str]:
        return {c.strip().upper() for c in self.countries.split(",") if c.strip()}


@register_setting(icon="site")
class ShippingSettings(BaseSiteSetting):
    """How this site's store ships: live carrier rates or its own tables, and the packaging's
    weight (what a variant without its own weight or size ships as is the store's "Parcel defaults")."""

    live_rates = models.BooleanField(
        default=True,
        help_text="Offer live carrier rates at checkout when Shippo is configured (SHIPPO_API_KEY); "
        "the rate tables are the fallback.",
    )
    packaging_weight_grams = models.PositiveIntegerField(default=100, help_text="The box and padding.")

    panels = [
        FieldPanel("live_rates"),
        FieldPanel("packaging_weight_grams"),
    ]

    class Meta:
        verbose_name = "shipping settings"


from .shipment_models import LIVE, TRACKED, Shipment, ShipmentStatus, ShippingEvent, TrackingEvent  # noqa: E402

__all__ = [
    "LIVE",
    "TRACKED",
    "Shipment",
    "ShipmentStatus",
    "ShippingEvent",
    "ShippingMethod",
    "ShippingSettings",
    "TrackingEvent",
]
