"""Issue 9 §3 and §7: a manager limited to store 1 can neither see nor write store 2's objects
through any admin URL (lists, object views, forms, choosers, reports); an RLS refusal is a 403,
never a 500; the staff-profile chooser is for whoever manages staff."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from commerce.accounts.models import StaffProfile, User
from commerce.accounts.roles import MANAGER, MARKETER, role_groups_sync
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.payments.models import PaymentEvent
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode, GiftCard
from commerce.shipping.models import ShippingMethod
from commerce.stores.models import Store
from tests.accounts.test_roles import admin_routes, concrete
from tests.conftest import ensure_wagtail_roots
from tests.factories import ProductPageFactory, StoreFactory, place_order

pytestmark = [pytest.mark.django_db, pytest.mark.security]

MARKERS = ("STORE2-DISCOUNT", "STORE2CODE", "STORE2-SHIP", "Second Shop", "store2buyer@example.com")


@pytest.fixture
def roles(db):
    from django.apps import apps

    ensure_wagtail_roots()
    role_groups_sync(apps)


def member(role: str, email: str) -> User:
    user = User.objects.create_user(email=email, password="x" * 12, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def manager(roles, store) -> Client:
    user = member(MANAGER, "manager-one@example.com")
    StaffProfile.objects.create(user=user, all_stores=False).stores.add(store)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def theirs(store, other_store) -> dict[str, object]:
    """Store 2's objects, one of each kind an admin screen lists or writes."""
    discount = Discount.objects.create(
        store=other_store, name="STORE2-DISCOUNT", kind="code", value_type="percentage", value=10, is_active=True
    )
    code = DiscountCode.objects.create(discount=discount, store=other_store, code="STORE2CODE")
    shipping = ShippingMethod.objects.create(store=other_store, name="STORE2-SHIP", code="s2", price=Decimal("4"))
    card = gift_card_issue(store=other_store, value=Money(Decimal("25.00"), "EUR"))
    variant = ProductPageFactory(store=other_store, title="Store two tote", price="9.00", stock=5).variants.get()
    order = place_order(store=other_store, variant=variant, email="store2buyer@example.com")
    event = PaymentEvent.objects.create(event_id="evt_s2", type="payment_intent.succeeded", payload={}, order=order)
    return {
        "discountcode": code,
        "discount-codes": code,
        "discounts/": discount,
        "discount": discount,
        "shippingmethod": shipping,
        "giftcard": card,
        "paymentevent": event,
        "orders/": order,
        "order": order,
        "stores/store": other_store,
    }


def snapshot() -> dict[str, list]:
    return {
        model.__name__: sorted(map(repr, model.objects.filter(**{lookup: "Second Shop"}).values()))
        for model, lookup in (
            (Discount, "store__name"),
            (DiscountCode, "store__name"),
            (ShippingMethod, "store__name"),
            (GiftCard, "store__name"),
            (Order, "store__name"),
            (Store, "name"),
        )
    }


def test_every_admin_url_refuses_another_stores_objects(manager, theirs):
    before = snapshot()
    counts = (Discount.objects.count(), DiscountCode.objects.count(), ShippingMethod.objects.count())
    with_ids, lists, shown = [], [], {}
    for route, _name in admin_routes():
        if "failwhale" in route:  # Wagtail's deliberate 500, for testing error reporting
            continue
        if "logout" in route:  # a GET signs the manager out: every later list would be a redirect
            continue
        target = next((obj for key, obj in theirs.items() if key in route), None)
        if "<" in route or "(?P" in route:
            if target is not None:
                with_ids.append(concrete(route, target.pk))
        else:
            lists.append(concrete(route, 0))

    for url in with_ids:
        for response in (manager.get(url), manager.post(url, {})):
            if response.status_code not in {302, 403, 404, 405}:
                shown[url] = response.status_code
            elif response.status_code == 302:
                assert "/login/" not in response["Location"], url  # still signed in: refused, not logged out
    for url in lists:
        response = manager.get(url)
        assert response.status_code != 500, url
        body = response.content.decode(errors="replace") if response.status_code == 200 else ""
        leaked = [marker for marker in MARKERS if marker in body]
        if leaked:
            shown[url] = leaked

    assert len(with_ids) > 30 and len(lists) > 40  # the walk reached the screens
    assert manager.get("/admin/").status_code == 200  # still signed in: the lists were read, not redirects
    assert shown == {}
    assert snapshot() == before
    assert (Discount.objects.count(), DiscountCode.objects.count(), ShippingMethod.objects.count()) == counts


def test_forms_refuse_another_stores_ids_and_write_nothing(manager, store, other_store, theirs):
    discount, shipping = theirs["discount"], theirs["shippingmethod"]
    posts = {
        reverse("wagtailsnippets_promotions_discount:add"): {
            "store": other_store.pk,
            "name": "Sneaky",
            "kind": "code",
            "value_type": "percentage",
            "value": "10",
            "target": "order",
            "priority": "100",
        },
        reverse("wagtailsnippets_promotions_discountcode:add"): {"discount": discount.pk, "code": "SNEAKY1"},
        reverse("wagtailsnippets_shipping_shippingmethod:add"): {
            "store": other_store.pk,
            "name": "Sneaky rate",
            "code": "sneaky",
            "price": "1.00",
            "min_weight_grams": "0",
            "sort_order": "0",
        },
        reverse("promotions_discount_codes_generate"): {"discount": discount.pk, "count": "5", "length": "8"},
        reverse("promotions_giftcard_modeladmin_issue"): {"store": other_store.pk, "value": "10.00"},
    }

    answers = {url: manager.post(url, data).status_code for url, data in posts.items()}

    assert set(answers.values()) <= {200}, answers  # the form again, with "Select a valid choice"
    assert not Discount.objects.filter(name="Sneaky").exists()
    assert not DiscountCode.objects.filter(code__in=["SNEAKY1"]).exists()
    assert DiscountCode.objects.filter(discount=discount).count() == 1
    assert not ShippingMethod.objects.filter(code="sneaky").exists()
    assert GiftCard.objects.filter(store=other_store).count() == 1
    shipping.refresh_from_db()
    assert shipping.name == "STORE2-SHIP"


def test_the_manager_still_works_on_their_own_store(manager, store):
    response = manager.post(
        reverse("wagtailsnippets_shipping_shippingmethod:add"),
        {
            "store": store.pk,
            "name": "Own rate",
            "code": "own",
            "price": "2.00",
            "min_weight_grams": "0",
            "sort_order": "0",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert ShippingMethod.objects.filter(store=store, code="own").exists()
    chooser = manager.get("/admin/snippets/choose/stores/store/").content.decode()
    assert store.name in chooser and "Second Shop" not in chooser


def test_the_staff_profile_chooser_is_only_for_who_manages_staff(roles, store):
    marketer = member(MARKETER, "marketer@example.com")
    owner = User.objects.create_user(email="owner@example.com", password="x", is_staff=True, is_superuser=True)
    StaffProfile.objects.create(user=owner)
    url = "/admin/snippets/choose/accounts/staffprofile/"

    refused, allowed = Client(), Client()
    refused.force_login(marketer)
    allowed.force_login(owner)

    assert refused.get(url).status_code in {302, 403}
    assert "owner@example.com" not in refused.get(url).content.decode()
    assert allowed.get(url).status_code == 200


def test_a_write_refused_by_row_level_security_is_a_403_not_a_500(client, store, settings):
    settings.ROOT_URLCONF = "tests.security.urls_rls_refusal"

    response = client.post("/__rls_refusal__/")

    assert response.status_code == 403
    assert not Order.objects.filter(email="rls@example.com").exists()


# The lists' filters: each offers the staff member's stores (and their objects) only ---------------

SNIPPET_FILTERS = [
    ("/admin/snippets/shipping/shippingmethod/", "store"),
    ("/admin/snippets/inventory/stocklocation/", "store"),
    ("/admin/snippets/promotions/discount/", "store"),
    ("/admin/snippets/promotions/discountcode/", "store"),
    ("/admin/snippets/promotions/discountcode/", "discount"),
    ("/admin/inventory/", "store"),
    ("/admin/customers/", "store"),
]
MODELADMIN_FILTERS = ["/admin/orders/order/", "/admin/promotions/giftcard/"]


def filter_choices(client: Client, url: str, name: str) -> list[str]:
    """The labels a list's filter offers, as the page renders them (a Wagtail filter form, or a
    modeladmin ``list_filter``)."""
    response = client.get(url)
    assert response.status_code == 200, url
    view = response.context["view"]
    if hasattr(view, "filter_specs"):
        spec = next(spec for spec in view.filter_specs if getattr(spec, "field_path", None) == name)
        return [label for _pk, label in spec.lookup_choices]
    return [str(choice) for choice in view.filters.form.fields[name].queryset]


@pytest.fixture
def everywhere(roles) -> Client:
    """A manager acting for every store."""
    user = member(MANAGER, "manager-all@example.com")
    StaffProfile.objects.create(user=user, all_stores=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.backoffice
@pytest.mark.parametrize(("url", "name"), SNIPPET_FILTERS + [(url, "store") for url in MODELADMIN_FILTERS])
def test_a_lists_filter_offers_only_the_managers_stores(manager, everywhere, store, theirs, url, name):
    # Given a manager limited to two stores (a filter of one choice is not shown), one acting for
    # all, and store 2's objects
    third = StoreFactory(name="Third Shop", hostname="third.example.com")
    StaffProfile.objects.get(user__email="manager-one@example.com").stores.add(third)
    own = Discount.objects.create(store=store, name="OWN-DISCOUNT", kind="code", value_type="percentage", value=5)
    mine = {store.name, third.name, own.name}
    all_of_them = {*mine, "Second Shop", "STORE2-DISCOUNT"}

    # When each opens the list
    limited, unlimited = filter_choices(manager, url, name), filter_choices(everywhere, url, name)

    # Then the limited manager's filter names their stores (or discount) only, and nothing of store 2
    # appears anywhere on the page; the manager acting for all is offered store 2 as well
    assert limited and set(limited) <= mine
    assert not {marker for marker in MARKERS if marker in manager.get(url).content.decode()}
    assert "Second Shop" in unlimited or "STORE2-DISCOUNT" in unlimited
    assert set(unlimited) <= all_of_them
