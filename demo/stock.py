"""The demo's stock locations and opening stock. The main store keeps a warehouse and a shop floor
(checkout reserves from the warehouse first); the others one warehouse each."""

from __future__ import annotations

from commerce.inventory.models import StockLocation
from commerce.inventory.services import Allocation, stock_open
from commerce.stores.models import Store

from .report import SeedReport

WAREHOUSE = "Warehouse"
SHOP_FLOOR = "Shop floor"
SHOP_FLOOR_SHARE = 4  # the shop floor holds a quarter of each variant, at most three units


# The warehouse's ship-from address per store country: what carriers quote and print labels for.
WAREHOUSE_ADDRESSES = {
    "US": {"address_line1": "1200 Harbor Way", "city": "Oakland", "region": "CA", "postal_code": "94607"},
    "DE": {"address_line1": "Lagerstraße 12", "city": "Hamburg", "region": "", "postal_code": "20457"},
}


def locations_ensure(*, store: Store, main: bool, report: SeedReport) -> list[StockLocation]:
    wanted = [(WAREHOUSE, 10)] + ([(SHOP_FLOOR, 0)] if main else [])
    locations = []
    for name, priority in wanted:
        location, created = StockLocation.objects.get_or_create(store=store, name=name, defaults={"priority": priority})
        if created:
            report.add("stock locations")
        if name == WAREHOUSE and not location.address_line1:  # once; an address staff typed is kept
            address = WAREHOUSE_ADDRESSES.get(store.default_country, WAREHOUSE_ADDRESSES["US"])
            StockLocation.objects.filter(pk=location.pk).update(**address, country=store.default_country)
            report.add("ship-from addresses")
        locations.append(location)
    return locations


def stock_open_demo(*, store: Store, quantities: dict[int, int]) -> None:
    """Opening stock for new variants (variant id → units), split between the store's demo locations."""
    locations = {loc.name: loc for loc in StockLocation.objects.filter(store=store, name__in=[WAREHOUSE, SHOP_FLOOR])}
    entries = []
    for variant_id, quantity in quantities.items():
        floor = min(quantity // SHOP_FLOOR_SHARE, 3) if SHOP_FLOOR in locations else 0
        entries.append(Allocation(variant_id, locations[WAREHOUSE].pk, quantity - floor))
        if SHOP_FLOOR in locations:
            entries.append(Allocation(variant_id, locations[SHOP_FLOOR].pk, floor))
    stock_open(entries=entries, note="Demo opening stock.")
