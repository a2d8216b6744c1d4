"""Stock levels holding no sellable stock (before or after a statement) refresh no listing row:
an empty level changes nothing, and locking for it let two ledger changes deadlock (``listing_sql``)."""

from django.db import migrations

from commerce.catalog.listing_sql import TRIGGERED, trigger_function

BEFORE = "SELECT variant.product_id FROM rows JOIN catalog_productvariant variant ON variant.id = rows.variant_id"


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0010_listing_facet_counts"),
    ]

    operations = [
        migrations.RunSQL(
            trigger_function("inventory_stocklevel", TRIGGERED["inventory_stocklevel"]),
            reverse_sql=trigger_function("inventory_stocklevel", BEFORE),
        ),
    ]
