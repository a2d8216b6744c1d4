"""The staff roles as groups: Owner, Manager, Customer service, Marketer (see ``accounts.roles``)."""

from typing import Any

from django.db import migrations

from commerce.accounts.roles import role_groups_remove, role_groups_sync


def forwards(apps: Any, schema_editor: Any) -> None:
    role_groups_sync(apps, strict=False)


def backwards(apps: Any, schema_editor: Any) -> None:
    role_groups_remove(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staffprofile"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stores", "0001_initial"),
        ("catalog", "0003_productpage_is_gift_card"),
        ("orders", "0004_refund_within_card_and_gift_card"),
        ("payments", "0001_initial"),
        ("promotions", "0001_initial"),
        ("shipping", "0002_initial"),
        ("cart", "0003_cart_discount_codes_cart_gift_cards"),
        ("checkout", "0003_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
