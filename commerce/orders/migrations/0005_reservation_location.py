"""Reservations record the location their stock is held at; existing ones are at the store's "Main"
location (where ``inventory.0002`` moved the stock). A variant with reservations is never deleted."""

import django.db.models.deletion
from django.db import migrations, models


def locate_reservations(apps, schema_editor):
    StockReservation = apps.get_model("orders", "StockReservation")
    StockLocation = apps.get_model("inventory", "StockLocation")
    for location in StockLocation.objects.filter(name="Main"):
        StockReservation.objects.filter(order__store_id=location.store_id, location__isnull=True).update(
            location=location
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_refund_within_card_and_gift_card"),
        ("inventory", "0002_opening_stock"),
        ("catalog", "0003_productpage_is_gift_card"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockreservation",
            name="location",
            field=models.ForeignKey(
                null=True,
                help_text="Where the stock is held; fulfilment ships from here.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reservations",
                to="inventory.stocklocation",
            ),
        ),
        migrations.RunPython(locate_reservations, migrations.RunPython.noop),
    ]
