"""Stock never travels through page revisions: drafts, scheduled publishing, reverts and copies of a
product page leave on hand, reserved, the ledger and live reservations as they are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from commerce.catalog.models import ProductPage, ProductVariant
from commerce.inventory.models import StockLevel, StockMovement
from commerce.orders.models import StockReservation
from tests.factories import ProductPageFactory, place_order, set_stock, stock_of
from tests.inventory.conftest import assert_ledger_matches, buy

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]


@pytest.fixture
def product(store):
    product = ProductPageFactory(store=store, title="Wool scarf", price="30.00", stock=None)
    set_stock(product.variants.get(), 65)
    return product


def assert_stock_survived(variant, pending) -> None:
    """On hand is the 1 left after the sales, the pending order still holds it, the ledger agrees."""
    assert stock_of(variant) == (1, 1)
    assert StockReservation.objects.get(order=pending).status == StockReservation.Status.ACTIVE
    assert_ledger_matches()


def draft(product: ProductPage, title: str):
    page = ProductPage.objects.get(pk=product.pk)
    page.title = title
    return page.save_revision()


def test_publishing_a_draft_saved_before_sales_keeps_the_stock_sold_since(store, product):
    """The issue's reproduction: draft saved at 65, shoppers buy 64, the draft is published → on hand 1."""
    variant = product.variants.get()
    revision = draft(product, "Wool scarf (new photos)")

    buy(store, variant, 60)
    buy(store, variant, 4)
    assert stock_of(variant) == (1, 0)
    pending = place_order(store=store, variant=variant)  # an unpaid order holds the last one

    revision.publish()

    product.refresh_from_db()
    assert product.title == "Wool scarf (new photos)"
    assert_stock_survived(variant, pending)


def test_a_scheduled_revision_going_live_keeps_the_stock(store, product):
    variant = product.variants.get()
    page = ProductPage.objects.get(pk=product.pk)
    page.title = "Wool scarf (winter)"
    page.go_live_at = timezone.now() + timedelta(hours=1)
    revision = page.save_revision(approved_go_live_at=page.go_live_at)

    buy(store, variant, 64)
    pending = place_order(store=store, variant=variant)
    type(revision).objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - timedelta(minutes=1))

    call_command("publish_scheduled", verbosity=0)

    product.refresh_from_db()
    assert product.title == "Wool scarf (winter)"
    assert_stock_survived(variant, pending)


def test_reverting_to_an_earlier_revision_keeps_the_stock(store, product):
    variant = product.variants.get()
    first = draft(product, "Wool scarf")
    first.publish()
    draft(product, "Wool scarf v2").publish()

    buy(store, variant, 64)
    pending = place_order(store=store, variant=variant)
    first.publish()  # what the admin's "revert" then "publish" does with the old content

    product.refresh_from_db()
    assert product.title == "Wool scarf"
    assert_stock_survived(variant, pending)


def test_copying_a_product_copies_no_stock(store, product):
    variant = product.variants.get()
    buy(store, variant, 64)
    pending = place_order(store=store, variant=variant)

    copy = product.copy(update_attrs={"slug": "wool-scarf-copy", "title": "Wool scarf copy"})

    copied = ProductVariant.objects.get(product=copy)
    assert (copied.pk != variant.pk, copied.sku) == (True, f"{variant.sku}-COPY")
    assert not StockLevel.objects.filter(variant=copied).exists()
    assert copied.available_quantity == 0
    assert stock_of(variant) == (1, 1)
    assert StockReservation.objects.get(order=pending).status == StockReservation.Status.ACTIVE
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the copy's SKUs are checked now, not at commit
    assert_ledger_matches()


def test_a_variant_with_history_missing_from_a_revision_is_archived_not_deleted(store, product):
    variant = product.variants.get()
    old = draft(product, "Wool scarf")  # saved before the variant below existed
    sold = ProductVariant.objects.create(product=product, store=store, sku="SCARF-RED", price=30, sort_order=1)
    set_stock(sold, 3)
    buy(store, sold, 1)

    old.publish()

    sold.refresh_from_db()
    assert sold.is_active is False
    assert stock_of(sold) == (2, 0)
    assert StockMovement.objects.filter(level__variant=sold, kind="sold").count() == 1
    assert stock_of(variant) == (65, 0)
    assert_ledger_matches()


def test_a_variant_without_history_missing_from_a_revision_is_deleted(store, product):
    old = draft(product, "Wool scarf")
    unsold = ProductVariant.objects.create(product=product, store=store, sku="SCARF-NEW", price=30, sort_order=1)

    old.publish()

    assert not ProductVariant.objects.filter(pk=unsold.pk).exists()


def test_deleting_a_sold_variant_in_the_editor_and_publishing_archives_it(store, product, admin_client):
    from django.urls import reverse

    from tests.catalog.admin_forms import product_edit_data, variant_data

    keep = product.variants.get()
    sold = ProductVariant.objects.create(product=product, store=store, sku="SCARF-RED", price=30, sort_order=1)
    set_stock(sold, 3)
    pending = place_order(store=store, variant=sold)
    deleted = {**variant_data(sold), "DELETE": "1"}

    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[product.pk]),
        product_edit_data(product, variants=[variant_data(keep), deleted], title="Wool scarf"),
    )

    assert response.status_code == 302
    sold.refresh_from_db()
    assert sold.is_active is False
    assert stock_of(sold) == (3, 1)
    assert StockReservation.objects.get(order=pending).status == StockReservation.Status.ACTIVE
    assert_ledger_matches()


def test_a_product_with_stock_history_is_not_deleted_but_the_editor_is_told(store, product, admin_client):
    from django.urls import reverse

    delete_url = reverse("wagtailadmin_pages:delete", args=[product.pk])

    shown = admin_client.get(delete_url)
    posted = admin_client.post(delete_url)

    assert (shown.status_code, posted.status_code) == (302, 302)
    assert ProductPage.objects.filter(pk=product.pk).exists()
    assert stock_of(product.variants.get()) == (65, 0)
    fresh = ProductPageFactory(store=store, title="Never stocked", stock=None)
    assert admin_client.post(reverse("wagtailadmin_pages:delete", args=[fresh.pk])).status_code == 302
    assert not ProductPage.objects.filter(pk=fresh.pk).exists()


def test_bulk_deleting_a_product_with_stock_history_is_refused(store, product, admin_client):
    from django.urls import reverse

    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    fresh = ProductPageFactory(store=store, title="Never stocked", stock=None)

    refused = admin_client.post(f"{url}?id={product.pk}", {"id": [product.pk]})
    deleted = admin_client.post(f"{url}?id={fresh.pk}", {"id": [fresh.pk]})

    assert (refused.status_code, deleted.status_code) == (302, 302)
    assert ProductPage.objects.filter(pk=product.pk).exists()
    assert not ProductPage.objects.filter(pk=fresh.pk).exists()
