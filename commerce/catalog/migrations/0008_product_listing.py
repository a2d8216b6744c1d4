"""The listing summary (``ProductListing``), the SQL that keeps it exact (``listing_sql``) and its
backfill from the products already there."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

from commerce.catalog.listing_sql import REFRESH_ALL, install_sql, uninstall_sql


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_variant_zero_size_means_store_default'),
        ('inventory', '0004_stocklocation_ship_from_address'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductListing',
            fields=[
                ('product', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='listing', serialize=False, to='catalog.productpage')),
                ('root_path', models.CharField(max_length=255)),
                ('featured', models.BooleanField()),
                ('first_published_at', models.DateTimeField(null=True)),
                ('min_price', models.DecimalField(decimal_places=2, max_digits=12, null=True)),
                ('in_stock', models.BooleanField()),
                ('on_sale', models.BooleanField()),
                ('category_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
                ('tag_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
            ],
            options={
                'indexes': [models.Index(models.F('root_path'), models.OrderBy(models.F('featured'), descending=True), models.OrderBy(models.F('first_published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('product'), descending=True), name='listing_featured'), models.Index(models.F('root_path'), models.OrderBy(models.F('first_published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('product'), descending=True), name='listing_newest'), models.Index(models.F('root_path'), models.OrderBy(models.F('min_price'), nulls_last=True), models.OrderBy(models.F('first_published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('product'), descending=True), name='listing_price_asc'), models.Index(models.F('root_path'), models.OrderBy(models.F('min_price'), descending=True, nulls_last=True), models.OrderBy(models.F('first_published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('product'), descending=True), name='listing_price_desc'), django.contrib.postgres.indexes.GinIndex(fields=['category_ids'], name='listing_categories'), django.contrib.postgres.indexes.GinIndex(fields=['tag_ids'], name='listing_tags')],
            },
        ),
        migrations.RunSQL(install_sql(), reverse_sql=uninstall_sql()),
        migrations.RunSQL(REFRESH_ALL, reverse_sql=migrations.RunSQL.noop),
    ]
