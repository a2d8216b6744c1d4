"""Low-stock alerts: managers of the store are emailed once per crossing, by a job enqueued on commit;
the admin home lists low and sold-out variants of the staff member's stores."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from commerce.accounts.models import StaffProfile
from commerce.accounts.roles import MANAGER
from commerce.inventory.models import LowStockAlert
from commerce.inventory.services import StockChange, stock_change
from commerce.orders.stock import stock_release_for_order
from tests.factories import ProductPageFactory, place_order

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]


def staff(django_user_model, email: str, *, stores=None, group: str = MANAGER):
    user = django_user_model.objects.create_user(email=email, password="x" * 12, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if stores is not None:
        profile = StaffProfile.objects.create(user=user, all_stores=False)
        profile.stores.add(*stores)
    return user


@pytest.fixture
def managers(django_user_model, roles, store, other_store):
    return {
        "here": staff(django_user_model, "here@example.com", stores=[store]),
        "everywhere": staff(django_user_model, "all@example.com"),
        "elsewhere": staff(django_user_model, "elsewhere@example.com", stores=[other_store]),
        "marketer": staff(django_user_model, "marketer@example.com", group="Marketer"),
    }


@pytest.fixture
def variant(store, warehouse):
    variant = ProductPageFactory(store=store, title="Kettle", stock=8).variants.get()
    variant.low_stock_threshold = 3
    variant.save()
    return variant


def adjust(variant, location, delta):
    stock_change(
        changes=[StockChange(variant_id=variant.pk, location_id=location.pk, delta=delta)], reason="correction"
    )


def test_falling_to_the_threshold_emails_the_stores_managers_once(
    store, variant, warehouse, managers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        adjust(variant, warehouse, -4)  # 4 left: above 3
    assert pending == []

    with django_capture_on_commit_callbacks(execute=True) as sent:
        place_order(store=store, variant=variant)  # 3 available: crossed
    assert len(sent) == 2  # the alert email job and the page cache refresh (the variant is now low)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["all@example.com", "here@example.com"]
    assert variant.sku in mail.outbox[0].body and "3 available" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        adjust(variant, warehouse, -2)  # lower still: no second email
    assert len(mail.outbox) == 1


def test_it_alerts_again_only_after_going_back_above_the_threshold(
    store, variant, warehouse, managers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(store=store, variant=variant, quantity=6)  # 2 available
        assert LowStockAlert.objects.get(variant=variant).is_low
        stock_release_for_order(order=order, reason="expired")  # 8 again
        assert not LowStockAlert.objects.get(variant=variant).is_low
        adjust(variant, warehouse, -7)  # 1 available

    assert len(mail.outbox) == 2


def test_the_dashboard_lists_low_and_sold_out_variants_of_my_stores(client, store, other_store, variant, managers):
    sold_out = ProductPageFactory(store=store, title="Teapot", stock=0).variants.get()
    ProductPageFactory(store=other_store, title="Far away", stock=0)
    ProductPageFactory(store=store, title="Plenty", stock=50)
    place_order(store=store, variant=variant, quantity=6)
    client.force_login(managers["here"])

    response = client.get("/admin/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Low and sold-out stock" in html
    assert sold_out.sku in html and variant.sku in html
    assert "Far away" not in html and "Plenty" not in html
