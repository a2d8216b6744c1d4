import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Site

from commerce.core.money import CURRENCY_CHOICES, Money


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin).") from exc


class Store(models.Model):
    """A shop. Each Wagtail Site is one store; its products live under the site's root page."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="store")
    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    default_country = models.CharField(
        max_length=2, default="US", help_text="ISO 3166-1 alpha-2 code, e.g. US, GB, DE."
    )
    contact_email = models.EmailField()
    shipping_countries = models.CharField(
        max_length=600,
        default="US",
        help_text="Comma-separated ISO country codes the store ships to, e.g. US,CA.",
    )
    tagline = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA time zone for reports' days, weeks and months, e.g. America/New_York.",
    )
    prices_include_tax = models.BooleanField(
        default=False, help_text="Shown prices already include tax (common in the EU and UK)."
    )
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent, e.g. 20.00.",
    )
    customer_service_refund_limit = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(0)],
        help_text="The most Customer service may refund at once; above it a manager must refund.",
    )
    # What a variant without its own weight or size ships as (the product editor leaves them empty).
    default_weight_grams = models.PositiveIntegerField(
        "Default weight (g)", default=0, help_text="For variants without a weight of their own."
    )
    default_length_mm = models.PositiveIntegerField("Default length (mm)", default=0)
    default_width_mm = models.PositiveIntegerField("Default width (mm)", default=0)
    default_height_mm = models.PositiveIntegerField("Default height (mm)", default=0)

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("tagline"),
        MultiFieldPanel(
            [
                FieldPanel("currency"),
                FieldPanel("default_country"),
                FieldPanel("prices_include_tax"),
                FieldPanel("tax_rate"),
                FieldPanel("time_zone"),
            ],
            heading="Money and tax",
        ),
        FieldPanel("contact_email"),
        FieldPanel("shipping_countries"),
        FieldPanel("customer_service_refund_limit"),
        MultiFieldPanel(
            [
                FieldPanel("default_weight_grams"),
                FieldPanel("default_length_mm"),
                FieldPanel("default_width_mm"),
                FieldPanel("default_height_mm"),
            ],
            heading="Parcel defaults",
            help_text="Used for any variant whose weight or size is left empty.",
        ),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tax_rate__gte=0) & models.Q(tax_rate__lte=100), name="store_tax_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def money(self, amount) -> Money:
        return Money(amount, self.currency)

    @property
    def shipping_country_codes(self) -> list[str]:
        codes = [c.strip().upper() for c in self.shipping_countries.split(",") if c.strip()]
        return codes or [self.default_country]
