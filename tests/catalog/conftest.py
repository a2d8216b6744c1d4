from decimal import Decimal

import pytest
from wagtail.test.utils import WagtailTestUtils

from commerce.catalog.models import ProductPage
from tests.catalog.helpers import add_variant, categorise, published_days_ago, set_variants, tag
from tests.factories import CategoryFactory, ProductPageFactory


@pytest.fixture
def admin_client(client, db):
    """A client logged in as a superuser (Wagtail's helper copes with a custom user model)."""
    client.force_login(WagtailTestUtils.create_superuser("editor", "editor@example.com", "pw"))
    return client


@pytest.fixture
def categories(db):
    return {slug: CategoryFactory(name=slug.title(), slug=slug) for slug in ("accessories", "knitwear", "outerwear")}


@pytest.fixture
def catalogue(store, other_store, categories) -> dict[str, ProductPage]:
    """Five live products in the store, plus a draft and another store's product that never show.

    | product    | price (active)  | stock      | category    | tags        | other                         |
    | Anorak     | 80              | 10         | outerwear   | waterproof  | published 5 days ago          |
    | Beanie     | 15              | 0          | accessories | wool        | 4 days ago, sold out          |
    | Cardigan   | 45 (was 60)     | 3          | knitwear    | wool        | 3 days ago, featured, on sale |
    | Duffel     | 120 (+5 off)    | 10         | accessories |             | 2 days ago, cheap variant inactive |
    | Espadrille | 30 (0 left), 35 | 0 / 10     |             | summer      | 1 day ago                     |
    """
    anorak = ProductPageFactory(store=store, title="Anorak", price="80.00")
    beanie = ProductPageFactory(store=store, title="Beanie", price="15.00", stock=0)
    cardigan = ProductPageFactory(store=store, title="Cardigan", price="45.00", stock=3, featured=True)
    set_variants(cardigan, compare_at_price=Decimal("60.00"))
    duffel = ProductPageFactory(store=store, title="Duffel", price="120.00")
    add_variant(duffel, sku="DUFFEL-OLD", price="5.00", is_active=False)
    espadrille = ProductPageFactory(store=store, title="Espadrille", price="30.00", stock=0)
    add_variant(espadrille, sku="ESP-42", price="35.00", stock=10)

    categorise(anorak, categories["outerwear"])
    categorise(beanie, categories["accessories"])
    categorise(cardigan, categories["knitwear"])
    categorise(duffel, categories["accessories"])
    tag(anorak, "Waterproof")
    tag(beanie, "Wool")
    tag(cardigan, "Wool")
    tag(espadrille, "Summer")
    for days, product in enumerate([espadrille, duffel, cardigan, beanie, anorak], start=1):
        published_days_ago(product, days)

    draft = ProductPageFactory(store=store, title="Draft", price="50.00", live=False)
    elsewhere = ProductPageFactory(store=other_store, title="Elsewhere", price="50.00")
    categorise(elsewhere, categories["accessories"])
    tag(elsewhere, "Wool")
    return {p.title: p for p in (anorak, beanie, cardigan, duffel, espadrille, draft, elsewhere)}


@pytest.fixture
def marketer(db, store, django_user_model):
    """A Marketer limited to the test store (a StaffProfile without all_stores)."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from commerce.accounts.models import StaffProfile
    from commerce.accounts.roles import MARKETER, role_groups_sync
    from tests.conftest import ensure_wagtail_roots

    ensure_wagtail_roots()
    role_groups_sync(apps)
    user = django_user_model.objects.create_user(email="marketer@example.com", password="x" * 12, is_staff=True)
    user.groups.add(Group.objects.get(name=MARKETER))
    StaffProfile.objects.create(user=user, all_stores=False).stores.add(store)
    return user


@pytest.fixture
def marketer_client(client, marketer):
    client.force_login(marketer)
    return client


@pytest.fixture
def listings_cache(settings):
    """The ``listings`` cache as production has it (tests turn it off: see config/settings/test.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "listings": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-facets"},
    }
    from django.core.cache import caches

    caches["listings"].clear()
    yield
    caches["listings"].clear()
