"""Data step of 0006, in its own migration (its own transaction): PostgreSQL refuses to ALTER a table
with pending deferred-constraint events, which the UPDATE leaves behind when unapplying."""

from django.db import migrations

SIZES = ("weight_grams", "length_mm", "width_mm", "height_mm")


def zero_means_unknown(apps, schema_editor):
    """0 meant "unknown" ("0 when unknown."); unknown is now empty, so the store's default applies."""
    variants = apps.get_model("catalog", "ProductVariant").objects
    for name in SIZES:
        variants.filter(**{name: 0}).update(**{name: None})


def unknown_back_to_zero(apps, schema_editor):
    variants = apps.get_model("catalog", "ProductVariant").objects
    for name in SIZES:
        variants.filter(**{f"{name}__isnull": True}).update(**{name: 0})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_variant_weight_and_size_optional")]

    operations = [migrations.RunPython(zero_means_unknown, unknown_back_to_zero)]
