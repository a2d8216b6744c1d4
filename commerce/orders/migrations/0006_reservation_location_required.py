"""The reservation's location becomes required (a separate migration: PostgreSQL refuses to alter a
table with pending deferred-constraint checks from 0005's update)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_reservation_location")]

    operations = [
        migrations.AlterField(
            model_name="stockreservation",
            name="location",
            field=models.ForeignKey(
                help_text="Where the stock is held; fulfilment ships from here.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reservations",
                to="inventory.stocklocation",
            ),
        ),
        migrations.AlterField(
            model_name="stockreservation",
            name="variant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="reservations", to="catalog.productvariant"
            ),
        ),
        migrations.RemoveConstraint(model_name="stockreservation", name="reservation_one_active_per_line"),
        migrations.AddConstraint(
            model_name="stockreservation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("order", "variant", "location"),
                name="reservation_one_active_per_location",
            ),
        ),
    ]
