"""The listing refresh plans with indexes whatever the statistics say (see ``listing_sql``):
databases migrated before ``0008`` learnt it get the setting here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0008_product_listing"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER FUNCTION catalog_listing_refresh(bigint[]) SET enable_seqscan = off;",
            reverse_sql="ALTER FUNCTION catalog_listing_refresh(bigint[]) RESET enable_seqscan;",
        ),
    ]
