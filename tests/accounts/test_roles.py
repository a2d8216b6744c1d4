"""Staff roles (Owner, Manager, Customer service, Marketer) as Wagtail groups, what each may open
in the admin, and staff limited to some stores."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from commerce.accounts.models import StaffProfile
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER, ROLE_NAMES, role_groups_sync
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode, GiftCard
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.staff_scope import staff_store_ids
from tests.conftest import ensure_wagtail_roots
from tests.factories import ProductPageFactory
from tests.factories import place_order as order_place_for

pytestmark = pytest.mark.django_db

PASSWORD = "x" * 12
REFUSED = {302, 403}

ROLE_MIGRATION = importlib.import_module("commerce.accounts.migrations.0003_staff_role_groups")


@pytest.fixture
def roles(db) -> None:
    """The groups as the migration made them (a transactional test's flush elsewhere removes them)."""
    ensure_wagtail_roots()
    role_groups_sync(django_apps)


@pytest.fixture
def place_order(store) -> Callable[..., Order]:
    """``place_order(store=...)``: a pending order for one product of that store (default: the test store)."""

    def place(*, store=store, customer=None) -> Order:
        variant = ProductPageFactory(store=store, price="20.00", stock=50).variants.get()
        return order_place_for(store=store, variant=variant, customer=customer)

    return place


@pytest.fixture
def make_member(django_user_model, roles) -> Callable[..., object]:
    def make(role: str, email: str | None = None):
        user = django_user_model.objects.create_user(
            email=email or f"{role.replace(' ', '-').lower()}@example.com", password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The groups ---------------------------------------------------------------------------------


def test_the_migration_creates_the_groups_idempotently_and_reverses(db):
    ensure_wagtail_roots()
    Group.objects.filter(name__in=ROLE_NAMES).delete()

    ROLE_MIGRATION.forwards(django_apps, None)
    counts = {g.name: g.permissions.count() for g in Group.objects.filter(name__in=ROLE_NAMES)}
    assert set(counts) == set(ROLE_NAMES)
    assert all(counts.values())

    ROLE_MIGRATION.forwards(django_apps, None)  # again: nothing new, nothing doubled
    assert {g.name: g.permissions.count() for g in Group.objects.filter(name__in=ROLE_NAMES)} == counts
    assert GroupPagePermission.objects.filter(group__name=MARKETER).count() == 3

    ROLE_MIGRATION.backwards(django_apps, None)
    assert not Group.objects.filter(name__in=ROLE_NAMES).exists()
    assert not GroupPagePermission.objects.filter(group__name__in=ROLE_NAMES).exists()
    assert not GroupCollectionPermission.objects.filter(group__name__in=ROLE_NAMES).exists()


@pytest.mark.parametrize(
    ("migration", "roles_module", "app_label"),
    [
        ("commerce.api.migrations.0002_token_permission", "commerce.api.roles", "api"),
        ("commerce.orders.migrations.0009_role_permissions_fulfilment_returns", "commerce.orders.roles", "orders"),
    ],
)
def test_a_later_apps_migration_grants_its_roles_permissions_and_takes_back_only_those(
    roles, migration: str, roles_module: str, app_label: str
):
    grants = importlib.import_module(roles_module).GRANTS
    granted = {codename for codenames in grants.values() for codename in codenames}
    module = importlib.import_module(migration)

    names = {f"{app_label}.{codename}" for codename in granted}

    def held() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Each role's permissions among those the migration grants, and all its others."""
        codes = {
            group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
            for group in Group.objects.filter(name__in=ROLE_NAMES)
        }
        return {name: c & names for name, c in codes.items()}, {name: c - names for name, c in codes.items()}

    # Given the role groups without the permissions this migration grants
    module.revoke(django_apps, None)
    before, others = held()
    assert not any(before.values())

    # When the migration runs (twice: nothing doubled)
    module.grant(django_apps, None)
    module.grant(django_apps, None)

    # Then each role holds exactly its grants, of this app only, and nothing else changed
    assert held() == ({name: {f"{app_label}.{code}" for code in grants.get(name, ())} for name in ROLE_NAMES}, others)

    # And reversing takes back those grants only
    module.revoke(django_apps, None)
    assert held() == ({name: set() for name in ROLE_NAMES}, others)


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        (
            OWNER,
            [
                "wagtailadmin.access_admin",
                "auth.change_group",
                "accounts.change_user",
                "accounts.change_staffprofile",
                "accounts.invite_staff",
                "accounts.anonymise_customer",
                "inventory.delete_stocklocation",
                "people.add_customernote",
                "promotions.publish_discount",
                "orders.view_order",
                "promotions.delete_discount",
                "stores.change_store",
                "shipping.change_shippingmethod",
            ],
            [],
        ),
        (
            MANAGER,
            [
                "wagtailadmin.access_admin",
                "orders.view_order",
                "orders.change_order",
                "payments.view_payment",
                "payments.add_refund",
                "promotions.delete_discount",
                "promotions.publish_discount",
                "promotions.add_discountcode",
                "promotions.add_giftcard",
                "promotions.change_giftcard",
                "shipping.change_shippingmethod",
                "inventory.change_stocklevel",
                "accounts.view_user",
                "accounts.export_customer",
                "accounts.anonymise_customer",
            ],
            [
                "auth.change_group",
                "accounts.change_user",
                "accounts.change_staffprofile",
                "accounts.invite_staff",
                "inventory.delete_stocklocation",
            ],
        ),
        (
            CUSTOMER_SERVICE,
            [
                "wagtailadmin.access_admin",
                "orders.view_order",
                "orders.change_order",
                "payments.view_paymentevent",
                "promotions.view_giftcard",
                "accounts.view_user",
                "accounts.view_address",
                "accounts.export_customer",
            ],
            [
                "accounts.anonymise_customer",
                "inventory.view_stocklevel",
                "promotions.view_discount",
                "promotions.view_discountcode",
                "promotions.add_giftcard",
                "accounts.change_user",
                "auth.change_group",
            ],
        ),
        (
            MARKETER,
            [
                "wagtailadmin.access_admin",
                "catalog.add_category",
                "catalog.change_category",
                "catalog.delete_category",
                "promotions.add_discount",
                "promotions.change_discount",
                "promotions.view_discount",
            ],
            [
                "promotions.publish_discount",
                "promotions.add_discountcode",
                "promotions.view_discountcode",
                "orders.view_order",
                "payments.view_paymentevent",
                "promotions.view_giftcard",
                "accounts.view_user",
                "promotions.delete_discount",
                "stores.change_store",
                "shipping.view_shippingmethod",
            ],
        ),
    ],
)
def test_each_role_has_its_permissions(make_member, role: str, has: list[str], lacks: list[str]):
    user = make_member(role)
    assert [perm for perm in has if not user.has_perm(perm)] == []
    assert [perm for perm in lacks if user.has_perm(perm)] == []


def test_marketer_and_owner_manage_pages_and_media_from_the_roots(roles):
    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    marketer_pages = set(
        GroupPagePermission.objects.filter(group__name=MARKETER, page=root_page).values_list(
            "permission__codename", flat=True
        )
    )
    assert marketer_pages == {"add_page", "change_page", "publish_page"}
    marketer_media = set(
        GroupCollectionPermission.objects.filter(group__name=MARKETER, collection=root_collection).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_image", "change_image", "choose_image", "add_document", "choose_document"} <= marketer_media
    assert "delete_image" not in marketer_media
    assert GroupPagePermission.objects.filter(group__name=OWNER, permission__codename="publish_page").exists()
    for role in (MANAGER, CUSTOMER_SERVICE):
        assert not GroupPagePermission.objects.filter(group__name=role).exists()
        assert not GroupCollectionPermission.objects.filter(group__name=role).exists()


# --- The permission matrix ------------------------------------------------------------------------

# Which screens each role may open (everything else must be refused, never shown).
SCREENS = (
    "orders",
    "order",
    "payment_events",
    "gift_cards",
    "discounts",
    "shipping",
    "users",
    "pages",
    "images",
    "staff_stores",
)
ALLOWED = {
    OWNER: set(SCREENS),
    MANAGER: {"orders", "order", "payment_events", "gift_cards", "discounts", "shipping", "users"},
    CUSTOMER_SERVICE: {"orders", "order", "payment_events", "gift_cards", "users"},
    MARKETER: {"discounts", "pages", "images"},
}


@pytest.fixture
def screens(store, place_order) -> dict[str, str]:
    order = place_order()
    return {
        "orders": reverse("orders_order_modeladmin_index"),
        "order": reverse("orders_order_modeladmin_inspect", args=[order.pk]),
        "payment_events": reverse("payments_paymentevent_modeladmin_index"),
        "gift_cards": reverse("promotions_giftcard_modeladmin_index"),
        "discounts": reverse("wagtailsnippets_promotions_discount:list"),
        "shipping": reverse("wagtailsnippets_shipping_shippingmethod:list"),
        "users": "/admin/users/",
        "pages": "/admin/pages/",
        "images": "/admin/images/",
        "staff_stores": reverse("wagtailsnippets_accounts_staffprofile:list"),
    }


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_permission_matrix(make_member, screens: dict[str, str], role: str):
    client = client_for(make_member(role))
    assert client.get("/admin/").status_code == 200
    wrong = {}
    for screen, url in screens.items():
        status = client.get(url).status_code
        expected_ok = screen in ALLOWED[role]
        if (status == 200) != expected_ok or (not expected_ok and status not in REFUSED):
            wrong[screen] = status
    assert wrong == {}, f"{role}: unexpected status per screen {wrong}"


def test_marketer_edits_a_product_page_but_not_an_order(make_member, store, place_order):
    product = ProductPageFactory(store=store, title="Linen apron")
    order = place_order()
    client = client_for(make_member(MARKETER))
    assert client.get(reverse("wagtailadmin_pages:edit", args=[product.pk])).status_code == 200
    assert client.get(reverse("orders_order_modeladmin_inspect", args=[order.pk])).status_code in REFUSED


def test_a_customer_never_reaches_the_admin(django_user_model, roles):
    customer = django_user_model.objects.create_user(email="shopper@example.com", password=PASSWORD)
    client = client_for(customer)
    for url in ("/admin/", reverse("orders_order_modeladmin_index"), "/admin/pages/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


# --- Staff limited to some stores ---------------------------------------------------------------


@pytest.fixture
def manager_of_first_store(make_member, store):
    user = make_member(MANAGER, "manager-a@example.com")
    profile = StaffProfile.objects.create(user=user, all_stores=False)
    profile.stores.add(store)
    return user


@pytest.fixture
def orders_in_both_stores(store, other_store, place_order) -> tuple[Order, Order]:
    return place_order(), place_order(store=other_store)


def test_staff_store_ids(django_user_model, store, other_store):
    superuser = django_user_model.objects.create_superuser(email="root@example.com", password=PASSWORD)
    staff = django_user_model.objects.create_user(email="staff@example.com", password=PASSWORD, is_staff=True)
    customer = django_user_model.objects.create_user(email="c@example.com", password=PASSWORD)
    assert staff_store_ids(superuser) is None
    assert staff_store_ids(staff) is None  # no profile: every store
    assert staff_store_ids(customer) == []

    profile = StaffProfile.objects.create(user=staff)
    assert staff_store_ids(staff) is None  # all_stores by default
    profile.all_stores = False
    profile.save()
    assert staff_store_ids(staff) == []
    profile.stores.add(other_store)
    assert staff_store_ids(staff) == [other_store.pk]

    discounts = Discount.objects.filter(pk__in=[])
    assert scope_queryset(discounts, superuser) is discounts
    assert "store_id" in str(scope_queryset(Discount.objects.all(), staff).query)


def test_a_manager_of_one_store_sees_only_its_orders(manager_of_first_store, orders_in_both_stores):
    mine, theirs = orders_in_both_stores
    client = client_for(manager_of_first_store)
    listing = client.get(reverse("orders_order_modeladmin_index"))
    assert listing.status_code == 200
    content = listing.content.decode()
    assert reverse("orders_order_modeladmin_inspect", args=[mine.pk]) in content
    assert reverse("orders_order_modeladmin_inspect", args=[theirs.pk]) not in content

    assert client.get(reverse("orders_order_modeladmin_inspect", args=[mine.pk])).status_code == 200
    refused = client.get(reverse("orders_order_modeladmin_inspect", args=[theirs.pk]))
    assert refused.status_code in {302, 403, 404}


def test_a_manager_of_one_store_sees_only_its_gift_cards(manager_of_first_store, store, other_store):
    mine = gift_card_issue(store=store, value=Money(Decimal("25.00"), "USD"))
    theirs = gift_card_issue(store=other_store, value=Money(Decimal("25.00"), "EUR"))
    client = client_for(manager_of_first_store)
    listing = client.get(reverse("promotions_giftcard_modeladmin_index"))
    assert listing.status_code == 200
    content = listing.content.decode()
    assert reverse("promotions_giftcard_modeladmin_inspect", args=[mine.pk]) in content
    assert reverse("promotions_giftcard_modeladmin_inspect", args=[theirs.pk]) not in content

    assert client.get(reverse("promotions_giftcard_modeladmin_inspect", args=[mine.pk])).status_code == 200
    for action in ("inspect", "adjust"):
        refused = client.get(reverse(f"promotions_giftcard_modeladmin_{action}", args=[theirs.pk]))
        assert refused.status_code in {302, 403, 404}, action
    assert GiftCard.objects.filter(pk=theirs.pk).exists()


def test_a_manager_of_one_store_sees_only_its_discounts(manager_of_first_store, store, other_store):
    Discount.objects.create(
        store=store,
        name="Spring in store A",
        kind=Discount.Kind.AUTOMATIC,
        value_type=Discount.ValueType.PERCENTAGE,
        value=Decimal("10"),
    )
    theirs = Discount.objects.create(
        store=other_store,
        name="Winter in store B",
        kind=Discount.Kind.AUTOMATIC,
        value_type=Discount.ValueType.PERCENTAGE,
        value=Decimal("10"),
    )
    their_code = DiscountCode.objects.create(discount=theirs, store=other_store, code="WINTER")
    client = client_for(manager_of_first_store)
    listing = client.get(reverse("wagtailsnippets_promotions_discount:list"))
    assert listing.status_code == 200
    assert "Spring in store A" in listing.content.decode()
    assert "Winter in store B" not in listing.content.decode()
    assert "WINTER" not in client.get(reverse("wagtailsnippets_promotions_discountcode:list")).content.decode()

    # Nor by typing the other store's URLs
    for view in ("edit", "delete", "copy", "history", "usage"):
        assert client.get(reverse(f"wagtailsnippets_promotions_discount:{view}", args=[theirs.pk])).status_code == 404
        url = reverse(f"wagtailsnippets_promotions_discountcode:{view}", args=[their_code.pk])
        assert client.get(url).status_code == 404
    assert client.post(reverse("wagtailsnippets_promotions_discount:delete", args=[theirs.pk])).status_code == 404
    assert Discount.objects.filter(pk=theirs.pk).exists()
    generate = client.get(reverse("promotions_discount_codes_generate")).content.decode()
    assert "Winter in store B" not in generate
    assert client.get(reverse("promotions_discount_codes_export", args=[theirs.pk])).status_code == 404


def test_a_manager_of_all_stores_sees_both(make_member, orders_in_both_stores):
    user = make_member(MANAGER, "manager-all@example.com")
    StaffProfile.objects.create(user=user, all_stores=True)
    content = client_for(user).get(reverse("orders_order_modeladmin_index")).content.decode()
    for order in orders_in_both_stores:
        assert reverse("orders_order_modeladmin_inspect", args=[order.pk]) in content


# --- Every admin URL of the back office, one by one, for a marketer --------------------------------

# Route prefixes of the screens that hold orders, payments, gift cards, customers and staff.
PRIVATE_ADMIN_ROUTES = (
    "orders/",
    "payments/",
    "promotions/giftcard",
    "users/",
    "groups/",
    "staff-stores/",
    "customers/",
    "staff-invitations/",
)
PRIVATE_ADMIN_NAMES = ("staffprofile", "order", "payment", "giftcard", "wagtailusers")


def admin_routes():
    """(route, name) of every URL pattern mounted under /admin/, regex or path syntax."""
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.name or ""

    return [(route, name) for route, name in walk(get_resolver().url_patterns) if route.startswith("admin/")]


def concrete(route: str, pk: int) -> str:
    """A route with every parameter filled with ``pk``."""
    import re

    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", str(pk), path)
    path = re.sub(r"<(?:\w+:)?\w+>", str(pk), path)
    return "/" + path


def test_a_marketer_is_refused_every_admin_url_of_orders_payments_gift_cards_and_people(
    make_member, store, place_order
):
    order = place_order()
    card = gift_card_issue(store=store, value=Money(Decimal("10.00"), store.currency))
    marketer = make_member(MARKETER)
    customer = order.customer or get_user_model().objects.create_user(email="buyer@example.com", password=PASSWORD)
    order.customer = customer
    order.save(update_fields=["customer"])
    client = client_for(marketer)
    private = [
        (route, name)
        for route, name in admin_routes()
        if route.removeprefix("admin/").lstrip("^").startswith(PRIVATE_ADMIN_ROUTES)
        or any(key in name for key in PRIVATE_ADMIN_NAMES)
    ]
    from commerce.payments.models import PaymentEvent

    event = PaymentEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded", payload={}, order=order)
    profile, _ = StaffProfile.objects.get_or_create(user=marketer)
    pk_for = {
        "promotions/giftcard": card.pk,
        "orders/": order.pk,
        "paymentevent": event.pk,
        "users/": marketer.pk,
        "customers/": customer.pk,
        "groups/": Group.objects.get(name=MARKETER).pk,
        "staff-stores/": profile.pk,
        "staffprofile": profile.pk,
    }

    shown, seen = {}, {}
    for route, _name in private:
        pk = next((v for k, v in pk_for.items() if k in route), 1)
        url = concrete(route, pk)
        status = client.get(url).status_code
        seen[status] = seen.get(status, 0) + 1
        if status not in REFUSED | {404, 405}:
            shown[url] = status

    assert len(private) > 30  # the walk found the screens: lists, inspect, issue, adjust, choosers, users
    assert shown == {}, seen
    assert 404 not in seen, seen  # every URL named a real object


def test_customer_service_for_one_store_sees_only_that_stores_customers(make_member, store, other_store, place_order):
    """Wagtail's own user screens need no store code: the database hides the other store's
    customers from this member of staff (row-level security)."""
    agent = make_member(CUSTOMER_SERVICE, "agent@example.com")
    StaffProfile.objects.create(user=agent, all_stores=False).stores.add(store)
    ours = get_user_model().objects.create_user(email="ours@example.com", password=PASSWORD)
    theirs = get_user_model().objects.create_user(email="theirs@example.com", password=PASSWORD)
    place_order(customer=ours)
    place_order(store=other_store, customer=theirs)
    client = client_for(agent)

    listing = client.get("/admin/users/").content.decode()

    assert "ours@example.com" in listing
    assert "theirs@example.com" not in listing
    assert client.get(reverse("wagtailusers_users:edit", args=[theirs.pk])).status_code == 404
