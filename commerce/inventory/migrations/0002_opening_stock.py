"""Existing stock moves into a "Main" location per store: one level per variant holding its on hand
and reserved figures, and an opening movement per variant, so on hand equals the ledger from day one."""

from django.db import migrations


def move_stock(apps, schema_editor):
    Store = apps.get_model("stores", "Store")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    StockLocation = apps.get_model("inventory", "StockLocation")
    StockLevel = apps.get_model("inventory", "StockLevel")
    StockMovement = apps.get_model("inventory", "StockMovement")
    locations = {}
    for store in Store.objects.all():
        locations[store.pk], _ = StockLocation.objects.get_or_create(store=store, name="Main", defaults={"priority": 0})
    variants = ProductVariant.objects.filter(store__isnull=False).values_list(
        "pk", "store_id", "stock_on_hand", "stock_reserved"
    )
    batch = []
    for pk, store_id, on_hand, reserved in variants.iterator(chunk_size=2000):
        batch.append(StockLevel(variant_id=pk, location=locations[store_id], on_hand=on_hand, reserved=reserved))
        if len(batch) >= 2000:
            _write(StockLevel, StockMovement, batch)
            batch = []
    _write(StockLevel, StockMovement, batch)


def _write(StockLevel, StockMovement, levels):
    StockLevel.objects.bulk_create(levels)
    StockMovement.objects.bulk_create(
        StockMovement(
            level=level,
            kind="opening",
            quantity=level.on_hand,
            on_hand_after=level.on_hand,
            note="Stock moved out of the product page when inventory became its own ledger.",
        )
        for level in levels
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
        ("catalog", "0003_productpage_is_gift_card"),
        ("stores", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_stock, migrations.RunPython.noop)]
