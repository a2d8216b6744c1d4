"""The demo stores' shipping rate tables and the countries they ship to."""

from __future__ import annotations

from decimal import Decimal

from commerce.shipping.models import ShippingMethod
from commerce.stores.models import Store

from .report import SeedReport

# Per store country: (countries shipped to, [(code, name, price, free over, countries, estimate)])
RATE_TABLES: dict[str, tuple[str, list[tuple[str, str, str, str | None, str, str]]]] = {
    "US": (
        "US,CA",
        [
            ("standard", "Standard", "5.00", "75.00", "US", "3–5 business days"),
            ("express", "Express", "15.00", None, "US", "1–2 business days"),
            ("canada", "Canada Post", "12.00", "150.00", "CA", "5–8 business days"),
        ],
    ),
    "DE": (
        "DE,AT,NL,BE,FR,DK",
        [
            ("standard", "Standard", "4.90", "60.00", "", "2–4 Werktage"),
            ("express", "Express", "12.90", None, "DE,AT", "1 Werktag"),
        ],
    ),
}


def shipping_ensure(*, store: Store, report: SeedReport) -> None:
    """Give the store its rate table once; an existing method (by code) is left as it is."""
    countries, methods = RATE_TABLES.get(store.default_country, RATE_TABLES["US"])
    untouched = store.shipping_countries in ("", Store._meta.get_field("shipping_countries").default)
    if untouched and store.shipping_countries != countries:
        store.shipping_countries = countries
        store.save(update_fields=["shipping_countries"])
    for position, (code, name, price, free_over, only_to, estimate) in enumerate(methods):
        _method, created = ShippingMethod.objects.get_or_create(
            store=store,
            code=code,
            defaults={
                "name": name,
                "price": Decimal(price),
                "free_over": Decimal(free_over) if free_over else None,
                "countries": only_to,
                "estimated_days": estimate,
                "sort_order": position,
            },
        )
        if created:
            report.add("shipping methods")
