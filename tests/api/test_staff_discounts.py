"""Staff discounts over the API: list/detail/create/update/deactivate, codes add/generate/disable,
with the Discounts screens' rules and roles (Marketers draft, Managers publish and handle codes),
on the caller's stores only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER
from commerce.api.views import staff_discounts
from commerce.cart.services import cart_apply_discount_code
from commerce.core.exceptions import CommerceError
from commerce.promotions.models import Discount, DiscountCode
from tests.api.staff_catalog_fixtures import field_of, patch, post
from tests.factories import ProductPageFactory
from tests.promotions.conftest import make_discount

pytestmark = [pytest.mark.api, pytest.mark.django_db]

LIST = "/api/v1/staff/discounts/"


def url(discount, tail: str = "") -> str:
    return f"{LIST}{discount.pk}/{tail}"


@pytest.fixture
def two_stores(store, other_store):
    ours = make_discount(store, name="Spring sale", codes=("SPRING10",))
    theirs = make_discount(other_store, name="STORE2 sale", codes=("STORE2CODE",))
    return ours, theirs


def test_a_manager_lists_and_reads_their_stores_discounts_only(staff_client, store, two_stores):
    ours, theirs = two_stores
    make_discount(store, name="Draft idea", is_active=False)
    manager = staff_client(MANAGER, stores=[store])

    listed = manager.get(LIST).json()["results"]
    assert {d["name"] for d in listed} == {"Spring sale", "Draft idea"}
    spring = next(d for d in listed if d["name"] == "Spring sale")
    assert (spring["status"], spring["code_count"], spring["value"], spring["currency"]) == (
        "active",
        1,
        "10.00",
        "USD",
    )
    assert [d["name"] for d in manager.get(LIST, {"status": "draft"}).json()["results"]] == ["Draft idea"]
    assert [d["name"] for d in manager.get(LIST, {"search": "spring1"}).json()["results"]] == ["Spring sale"]
    assert manager.get(url(ours)).json()["name"] == "Spring sale"
    assert manager.get(url(theirs)).status_code == 404
    assert manager.get(url(theirs, "codes/")).status_code == 404
    assert manager.get(LIST, {"status": "sleeping"}).status_code == 400


def test_a_manager_creates_and_publishes_a_discount_on_their_products(staff_client, store):
    manager = staff_client(MANAGER, stores=[store])
    scarf = ProductPageFactory(store=store, title="Scarf")

    response = post(
        manager,
        LIST,
        {
            "store": store.pk,
            "name": "Scarf week",
            "kind": "code",
            "value_type": "fixed",
            "value": "5.00",
            "target": "products",
            "products": [scarf.pk],
            "is_active": True,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["is_active"], body["products"], body["status"]) == (
        "Scarf week",
        True,
        [scarf.pk],
        "active",
    )
    discount = Discount.objects.get(pk=body["id"])
    assert list(discount.products.all()) == [scarf]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value_type": "percentage", "value": "120"}, "value"),
        ({"value_type": "fixed", "value": "0"}, "value"),
        ({"target": "products"}, "target"),
        ({"starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}, "ends_at"),
        ({"kind": "sometimes"}, "kind"),
        ({"value": "abc"}, "value"),
        ({"priority": 10**9}, "priority"),
        ({"products": [10**8]}, "products"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_discounts_are_400s_naming_the_field_and_nothing_is_saved(staff_client, store, body, field):
    manager = staff_client(MANAGER, stores=[store])

    response = post(manager, LIST, {"store": store.pk, "name": "Bad", "value": "10", **body})

    assert response.status_code == 400, response.json()
    assert field_of(response) == field
    assert not Discount.objects.exists()


def test_products_of_another_store_and_another_store_are_refused(staff_client, store, other_store):
    manager = staff_client(MANAGER, stores=[store])
    foreign = ProductPageFactory(store=other_store, title="Their scarf")

    wrong_product = post(
        manager, LIST, {"store": store.pk, "name": "X", "value": "10", "target": "products", "products": [foreign.pk]}
    )
    wrong_store = post(manager, LIST, {"store": other_store.pk, "name": "X", "value": "10"})

    assert (wrong_product.status_code, field_of(wrong_product)) == (400, "products")
    assert (wrong_store.status_code, field_of(wrong_store)) == (400, "store")
    assert not Discount.objects.exists()


def test_a_marketer_drafts_but_cannot_publish_nor_touch_a_live_discount_or_codes(staff_client, store, two_stores):
    live, _ = two_stores
    marketer = staff_client(MARKETER)

    draft = post(marketer, LIST, {"store": store.pk, "name": "Marketer idea", "value": "15"})
    assert draft.status_code == 201, draft.json()
    assert draft.json()["is_active"] is False
    publish_attempt = post(marketer, LIST, {"store": store.pk, "name": "Sneaky", "value": "15", "is_active": True})
    assert publish_attempt.status_code == 403
    draft_id = draft.json()["id"]
    assert patch(marketer, f"{LIST}{draft_id}/", {"value": "20"}).json()["value"] == "20.00"
    assert patch(marketer, f"{LIST}{draft_id}/", {"is_active": True}).status_code == 403
    assert patch(marketer, url(live), {"value": "50"}).status_code == 403
    assert post(marketer, url(live, "deactivate/")).status_code == 403
    assert marketer.get(url(live, "codes/")).status_code == 403
    assert post(marketer, url(live, "codes/"), {"code": "MINE"}).status_code == 403
    live.refresh_from_db()
    assert (live.value, live.is_active) == (Decimal("10"), True)
    assert Discount.objects.filter(name="Sneaky").count() == 0
    assert not Discount.objects.get(pk=draft_id).is_active

    service = staff_client(CUSTOMER_SERVICE)
    assert service.get(LIST).status_code == 403


def test_deactivating_stops_the_discount_at_once_and_publishing_brings_it_back(staff_client, store, two_stores):
    live, _ = two_stores
    manager = staff_client(MANAGER, stores=[store])

    response = post(manager, url(live, "deactivate/"))

    assert (response.status_code, response.json()["is_active"], response.json()["status"]) == (200, False, "draft")
    assert post(manager, url(live, "deactivate/")).status_code == 200  # idempotent
    assert post(manager, url(live, "publish/")).json()["status"] == "active"


def test_codes_are_added_generated_disabled_and_enabled(staff_client, store, other_store, two_stores):
    ours, theirs = two_stores
    manager = staff_client(MANAGER, stores=[store])

    added = post(manager, url(ours, "codes/"), {"code": " summer5 ", "usage_limit": 3})
    assert added.status_code == 201, added.json()
    assert (added.json()["code"], added.json()["usage_limit"], added.json()["is_active"]) == ("SUMMER5", 3, True)
    for body, field in (
        ({"code": "spring10"}, "code"),  # already a code in the store (case-insensitive)
        ({"code": "TWO WORDS"}, "code"),
        ({"code": "OK1", "usage_limit": 0}, "usage_limit"),
        ({}, "code"),
    ):
        refused = post(manager, url(ours, "codes/"), body)
        assert (refused.status_code, field_of(refused)) == (400, field)
    # a code of the other store's may be reused here: codes are unique per store
    assert post(manager, url(ours, "codes/"), {"code": "STORE2CODE"}).status_code == 201

    generated = post(manager, url(ours, "codes/generate/"), {"count": 5, "prefix": "vip-", "length": 6})
    assert generated.status_code == 201, generated.json()
    assert len(generated.json()) == 5 and all(c["code"].startswith("VIP-") for c in generated.json())
    assert post(manager, url(ours, "codes/generate/"), {"count": 5000}).status_code == 400
    assert DiscountCode.objects.filter(discount=ours).count() == 1 + 2 + 5
    assert manager.get(url(ours, "codes/")).json()["count"] == 8

    spring = DiscountCode.objects.get(code="SPRING10")
    disabled = post(manager, url(ours, f"codes/{spring.pk}/disable/"))
    assert disabled.json()["is_active"] is False
    assert [c["code"] for c in manager.get(url(ours, "codes/"), {"is_active": "false"}).json()["results"]] == [
        "SPRING10"
    ]
    theirs_code = theirs.codes.get()
    assert post(manager, url(ours, f"codes/{theirs_code.pk}/disable/")).status_code == 404
    assert post(manager, url(theirs, f"codes/{theirs_code.pk}/disable/")).status_code == 404
    assert DiscountCode.objects.get(pk=theirs_code.pk).is_active


def test_a_disabled_code_reads_as_not_a_valid_code_until_enabled(staff_client, store, two_stores):
    from commerce.cart.models import Cart

    ours, _ = two_stores
    manager = staff_client(MANAGER, stores=[store])
    spring = ours.codes.get()
    cart = Cart.objects.create(store=store)
    post(manager, url(ours, f"codes/{spring.pk}/disable/"))

    with pytest.raises(CommerceError, match="not a valid discount code"):
        cart_apply_discount_code(cart=cart, code="spring10")

    post(manager, url(ours, f"codes/{spring.pk}/enable/"))
    cart_apply_discount_code(cart=cart, code="spring10")
    cart.refresh_from_db()
    assert list(cart.discount_codes) == ["SPRING10"]


def test_a_limit_below_the_uses_already_counted_is_refused(staff_client, store, two_stores):
    ours, _ = two_stores
    Discount.objects.filter(pk=ours.pk).update(times_used=4, is_active=False)

    response = patch(staff_client(MANAGER, stores=[store]), url(ours), {"usage_limit": 2})

    assert (response.status_code, field_of(response)) == (400, "usage_limit")


def test_every_discount_view_asks_for_the_discounts_token_scope():
    views = [
        getattr(staff_discounts, name)
        for name in dir(staff_discounts)
        if name.startswith("Discount") and name.endswith("View")
    ]
    assert len(views) >= 8
    assert {view.token_scope for view in views} == {"discounts"}


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_same_code_added_twice_at_once_is_created_once(staff_client, store):
    """Real parallel requests: the unique index decides, the loser gets a 400 naming the code."""
    from tests.threads import run_together

    discount = make_discount(store, name="Race")
    managers = [staff_client(MANAGER, stores=[store]) for _ in range(3)]

    def add(client):
        return lambda: post(client, url(discount, "codes/"), {"code": "RACE5"})

    responses = run_together([add(client) for client in managers])

    assert sorted(r.status_code for r in responses) == [201, 400, 400], responses
    assert {field_of(r) for r in responses if r.status_code == 400} == {"code"}
    assert DiscountCode.objects.filter(code="RACE5").count() == 1
