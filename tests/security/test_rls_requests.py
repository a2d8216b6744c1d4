"""The context a request runs under, and that it ends with the request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from commerce.core.rls import current_context, use_context
from tests.security.rls_world import build_world, table_ids

pytestmark = pytest.mark.rls


@pytest.mark.django_db(transaction=True)
def test_a_connection_reused_after_a_customers_request_shows_nothing_to_the_next(client, store, other_store):
    world = build_world(store, other_store)
    order = world.orders["a"]
    url = reverse("orders:detail", kwargs={"number": order.number})
    client.force_login(world.users["a"])

    # Customer A's request commits with A's context on this connection
    assert client.get(url).status_code == 200
    backend = connection.connection.info.backend_pid

    # The same connection, no context: nothing
    with use_context(None):
        assert table_ids("orders_order") == set()
        assert table_ids("accounts_user") == set()
    # An anonymous request on it does not see A's order either
    client.logout()
    response = client.get(url)

    assert response.status_code in (302, 404)
    assert str(order.number) not in response.content.decode()
    assert connection.connection.info.backend_pid == backend


def test_the_request_context_is_gone_when_the_response_is_done(client, store):
    before = current_context()

    client.get("/")

    assert current_context() == before


def test_a_request_runs_as_its_user_with_their_stores(client, store, other_store, django_user_model):
    from commerce.accounts.models import StaffProfile
    from commerce.core.rls.middleware import context_for_user

    clerk = django_user_model.objects.create_user(email="clerk@example.com", password="x-irrelevant-42", is_staff=True)
    StaffProfile.objects.create(user=clerk, all_stores=False).stores.add(other_store)
    owner = django_user_model.objects.create_superuser(email="owner@example.com", password="x-irrelevant-42")
    shopper = django_user_model.objects.create_user(email="shopper@example.com", password="x-irrelevant-42")

    assert context_for_user(clerk).role == "staff"
    assert context_for_user(clerk).store_ids == (other_store.pk,)
    assert context_for_user(owner).store_ids is None  # every store
    assert (context_for_user(shopper).role, context_for_user(shopper).user_id) == ("customer", shopper.pk)


def test_a_visitor_gets_their_new_cart_and_only_it(client, store):
    from commerce.cart.models import Cart
    from tests.factories import ProductPageFactory

    variant = ProductPageFactory(store=store, stock=5).variants.get()
    someone_else = Cart.objects.create(store=store)

    response = client.post(reverse("cart:add"), {"variant_id": variant.pk, "quantity": 1})

    assert response.status_code in (200, 302)
    mine = Cart.objects.exclude(pk=someone_else.pk).get()
    assert mine.lines.get().variant_id == variant.pk
    page = client.get(reverse("cart:detail")).content.decode()
    assert variant.product.title in page


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("products", [1, 24])
def test_a_page_writes_the_context_once_however_many_queries_it_runs(client, store, products, monkeypatch):
    """A GET runs in one transaction: one ``set_config`` round trip per request, not one per query."""
    from django.test.utils import CaptureQueriesContext

    from commerce.core.rls import connection as rls_connection
    from tests.factories import ProductPageFactory

    for _ in range(products):
        ProductPageFactory(store=store)
    written = []
    real_write = rls_connection.write_settings
    monkeypatch.setattr(rls_connection, "write_settings", lambda raw, ctx: (written.append(ctx), real_write(raw, ctx)))

    with use_context(None), CaptureQueriesContext(connection) as queries:  # as a web worker's thread
        assert client.get("/shop/").status_code == 200

    assert len(queries) > 5
    assert [context.role for context in written] == ["anonymous"]
