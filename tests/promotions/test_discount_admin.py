"""Discounts in the Wagtail admin: the list and its filters, editing checks, codes in bulk, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from commerce.promotions.discount_rules import discount_status_q
from commerce.promotions.models import Discount, DiscountCode
from tests.factories import ProductPageFactory
from tests.promotions.conftest import make_discount

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_promotions_discount:list"
ADD = "wagtailsnippets_promotions_discount:add"
CODES = "wagtailsnippets_promotions_discountcode:list"
ADD_CODE = "wagtailsnippets_promotions_discountcode:add"
GENERATE = "promotions_discount_codes_generate"
EXPORT = "promotions_discount_codes_export"


@pytest.fixture
def statuses(store):
    now = timezone.now()
    return {
        "draft": make_discount(store, name="Draft one", is_active=False),
        "scheduled": make_discount(store, name="Scheduled one", starts_at=now + timedelta(days=1)),
        "active": make_discount(store, name="Active one", ends_at=now + timedelta(days=1), usage_limit=5),
        "expired": make_discount(store, name="Expired one", ends_at=now - timedelta(days=1)),
        "used up": make_discount(store, name="Used up one", usage_limit=2),
    }


def assert_refused(response) -> None:
    """Wagtail answers a permission denied inside the admin with a redirect to the dashboard."""
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))


def names(response) -> list[str]:
    return sorted(d.name for d in response.context["object_list"])


def test_the_list_shows_value_status_and_uses(admin_client, store, statuses):
    make_discount(store, name="Five off", value_type="fixed", value=Decimal("5"))
    make_discount(store, name="Ship free", value_type="free_shipping")

    response = admin_client.get(reverse(LIST))

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Active one", "10% off", "$5.00 off", "Free shipping", "Scheduled", "Expired", "0 of 5", "(no limit)"):
        assert text in html


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["Draft one"]),
        ("scheduled", ["Scheduled one"]),
        ("active", ["Active one"]),
        ("expired", ["Expired one", "Used up one"]),
    ],
)
def test_the_status_filter(admin_client, statuses, status, expected):
    Discount.objects.filter(pk=statuses["used up"].pk).update(times_used=2)

    response = admin_client.get(reverse(LIST), {"status": status})

    assert response.status_code == 200
    assert names(response) == expected
    now = timezone.now()
    assert all(d.status_at(now) == status for d in Discount.objects.filter(discount_status_q(status, now)))


def test_filter_by_store_and_kind_and_search_by_name_or_code(admin_client, store, other_store):
    make_discount(store, name="Spring sale", codes=("BLOSSOM",))
    make_discount(store, name="Autumn sale")
    make_discount(other_store, name="Euro sale", codes=("EURO",))
    url = reverse(LIST)

    assert names(admin_client.get(url, {"store": other_store.pk})) == ["Euro sale"]
    assert names(admin_client.get(url, {"kind": "automatic"})) == ["Autumn sale"]
    assert names(admin_client.get(url, {"q": "autumn"})) == ["Autumn sale"]
    assert names(admin_client.get(url, {"q": "bloss"})) == ["Spring sale"]


def discount_edit_url(discount: Discount) -> str:
    return reverse("wagtailsnippets_promotions_discount:edit", args=[discount.pk])


def form_data(store, **overrides) -> dict:
    data = {
        "store": store.pk, "name": "Spring sale", "kind": "code", "value_type": "percentage", "value": "10",
        "target": "order", "priority": "100", "is_active": "on",
    }  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_edit_form_is_grouped(admin_client, store):
    discount = make_discount(store)

    for response in (admin_client.get(reverse(ADD)), admin_client.get(discount_edit_url(discount))):
        html = response.content.decode()
        assert response.status_code == 200
        for heading in ("Basics", "Value", "Target", "Conditions", "Limits", "Combination"):
            assert f">{heading}<" in html or f"{heading}\n" in html, heading


def test_a_valid_discount_is_created_and_edited(admin_client, store):
    response = admin_client.post(reverse(ADD), form_data(store))
    discount = Discount.objects.get()
    edited = admin_client.post(discount_edit_url(discount), form_data(store, value="15", name="Spring sale 15"))

    assert (response.status_code, edited.status_code) == (302, 302)
    discount.refresh_from_db()
    assert (discount.name, discount.value) == ("Spring sale 15", Decimal("15.00"))


def test_each_row_links_to_generating_and_downloading_codes(admin_client, store):
    discount = make_discount(store)

    html = admin_client.get(reverse(LIST)).content.decode()

    assert f"{reverse(GENERATE)}?discount={discount.pk}" in html
    assert reverse(EXPORT, args=[discount.pk]) in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"value": "120"}, "value", "A percentage cannot be more than 100."),
        ({"value": "0"}, "value", "Enter a value above zero."),
        ({"value_type": "fixed", "value": "0"}, "value", "Enter a value above zero."),
        (
            {"starts_at": "2026-05-03 10:00", "ends_at": "2026-05-03 09:00"},
            "ends_at",
            "The end must be after the start.",
        ),
        ({"target": "products"}, "target", "Choose at least one product, collection or category."),
    ],
)
def test_form_validation_errors(admin_client, store, overrides, field, message):
    response = admin_client.post(reverse(ADD), form_data(store, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Discount.objects.count() == 0


def test_products_of_another_store_are_refused(admin_client, store, other_store):
    elsewhere = ProductPageFactory(store=other_store)

    response = admin_client.post(reverse(ADD), form_data(store, target="products", products=[elsewhere.pk]))

    assert response.status_code == 200
    assert "products" in response.context["form"].errors


def test_a_code_added_by_hand_is_upper_cased_takes_its_store_and_must_be_unique(admin_client, store):
    discount = make_discount(store, codes=("TAKEN",))

    created = admin_client.post(reverse(ADD_CODE), {"discount": discount.pk, "code": " hello ", "usage_limit": "1"})
    clash = admin_client.post(reverse(ADD_CODE), {"discount": discount.pk, "code": "taken", "usage_limit": ""})

    assert created.status_code == 302
    assert DiscountCode.objects.filter(code="HELLO", store=store).exists()
    assert clash.status_code == 200
    assert clash.context["form"].errors["code"] == [f"TAKEN is already a code in {store}."]


def test_the_code_list_shows_code_discount_and_uses(admin_client, store):
    discount = make_discount(store, name="Influencers", codes=("INF-ONE",), code_limit=1)

    response = admin_client.get(reverse(CODES), {"discount": discount.pk})

    html = response.content.decode()
    assert "INF-ONE" in html and "Influencers" in html and "0 of 1" in html


def test_generate_codes_screen(admin_client, store):
    discount = make_discount(store, name="Influencers")
    url = reverse(GENERATE)

    page = admin_client.get(url, {"discount": discount.pk})
    response = admin_client.post(
        url, {"discount": discount.pk, "count": "250", "prefix": "vip-", "length": "8", "usage_limit": "1"}
    )

    assert page.status_code == 200 and page.context["form"].initial["discount"] == str(discount.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(CODES)}?discount={discount.pk}"
    assert discount.codes.count() == 250
    assert discount.codes.filter(code__startswith="VIP-", usage_limit=1).count() == 250


def test_generate_codes_shows_errors_in_the_form(admin_client, store):
    discount = make_discount(store)

    response = admin_client.post(
        reverse(GENERATE),
        {"discount": discount.pk, "count": "20000", "prefix": "-x", "length": "4", "usage_limit": "1"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"count", "length"}
    assert DiscountCode.objects.count() == 0


def test_csv_export(admin_client, store):
    discount = make_discount(store, codes=("B-CODE", "A-CODE"), code_limit=3)

    response = admin_client.get(reverse(EXPORT, args=[discount.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="discount-{discount.pk}-codes.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["code", "usage_limit", "times_used"], ["A-CODE", "3", "0"], ["B-CODE", "3", "0"]]


def test_staff_without_discount_permissions_are_kept_out(client, django_user_model, store):
    discount = make_discount(store, codes=("SECRET",))
    staff = django_user_model.objects.create_user(email="cs@example.com", password="x" * 12, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client.force_login(staff)

    for url in (reverse(EXPORT, args=[discount.pk]), reverse(GENERATE), reverse(LIST)):
        assert_refused(client.get(url))


def test_a_marketer_with_discount_permissions_can_list_and_generate(client, django_user_model, store):
    discount = make_discount(store)
    marketer = django_user_model.objects.create_user(email="m@example.com", password="x" * 12, is_staff=True)
    marketer.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="promotions", codename__in=["view_discount", "change_discount", "add_discountcode"]
        ),
    )
    client.force_login(marketer)

    assert client.get(reverse(LIST)).status_code == 200
    assert client.get(reverse(GENERATE), {"discount": discount.pk}).status_code == 200
    assert_refused(client.get(reverse(EXPORT, args=[discount.pk])))
