"""Roles as DESIGN says: Marketers draft discounts (a manager publishes them) and never touch
codes; a Marketer limited to a store edits only that store's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.accounts.roles import MANAGER, MARKETER
from commerce.promotions.models import Discount
from tests.factories import ContentPageFactory, ProductPageFactory
from tests.people.conftest import client_for
from tests.promotions.conftest import make_discount

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]

ADD = reverse("wagtailsnippets_promotions_discount:add")


def edit_url(discount: Discount) -> str:
    return reverse("wagtailsnippets_promotions_discount:edit", args=[discount.pk])


def form_data(store, **overrides) -> dict:
    data = {
        "store": store.pk, "name": "Spring sale", "kind": "automatic", "value_type": "percentage", "value": "10",
        "target": "order", "priority": "100", "is_active": "on",
    }  # fmt: skip
    return {**data, **overrides}


def test_a_marketer_drafts_a_discount_but_cannot_make_it_live(member, store):
    client = client_for(member(MARKETER))
    assert 'name="is_active"' not in client.get(ADD).content.decode()

    response = client.post(ADD, form_data(store))  # a forged "published" box

    assert response.status_code == 302
    discount = Discount.objects.get()
    assert not discount.is_active
    client.post(edit_url(discount), form_data(store, value="12"))
    discount.refresh_from_db()
    assert (discount.is_active, str(discount.value)) == (False, "12.00")


def test_a_manager_publishes_the_marketers_draft(member, store):
    client_for(member(MARKETER)).post(ADD, form_data(store))
    discount = Discount.objects.get()
    manager = client_for(member(MANAGER))
    assert 'name="is_active"' in manager.get(edit_url(discount)).content.decode()

    response = manager.post(edit_url(discount), form_data(store))

    assert response.status_code == 302
    discount.refresh_from_db()
    assert discount.is_active


def test_a_marketer_cannot_change_a_live_discount_nor_copy_it(member, store):
    live = make_discount(store, name="Live sale")
    Discount.objects.filter(pk=live.pk).update(is_active=True)
    client = client_for(member(MARKETER))

    response = client.post(edit_url(live), form_data(store, name="Live sale", value="90"))

    assert response.status_code == 200  # the form again, with the error
    assert "only a manager can change it" in response.content.decode()
    live.refresh_from_db()
    assert live.value != 90 and live.is_active

    copy = reverse("wagtailsnippets_promotions_discount:copy", args=[live.pk])
    copied = client.post(copy, form_data(store, name="Copied sale"))
    assert copied.status_code == 200 and "only a manager can change it" in copied.content.decode()
    assert list(Discount.objects.values_list("name", "is_active")) == [("Live sale", True)]


def test_a_marketer_cannot_generate_list_or_export_codes(member, store):
    discount = make_discount(store, codes=("SECRET",))
    client = client_for(member(MARKETER))

    for url in (
        reverse("promotions_discount_codes_generate") + f"?discount={discount.pk}",
        reverse("promotions_discount_codes_export", args=[discount.pk]),
        reverse("wagtailsnippets_promotions_discountcode:list"),
    ):
        assert client.get(url).status_code in (302, 403), url
    response = client.post(
        reverse("promotions_discount_codes_generate"),
        {"discount": discount.pk, "count": "5", "prefix": "", "length": "8", "usage_limit": "1"},
    )
    assert response.status_code in (302, 403)
    assert discount.codes.count() == 1


# --- Pages of one store ---------------------------------------------------------------------------


def test_a_marketer_limited_to_a_store_edits_only_that_stores_pages(member, store, other_store):
    ours = ProductPageFactory(store=store, title="Our anorak")
    theirs = ProductPageFactory(store=other_store, title="Their anorak")
    client = client_for(member(MARKETER, stores=[store]))

    assert client.get(reverse("wagtailadmin_pages:edit", args=[ours.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[theirs.pk])).status_code in (302, 403)
    title_before = theirs.title
    client.post(reverse("wagtailadmin_pages:edit", args=[theirs.pk]), {"title": "Defaced", "slug": theirs.slug})
    theirs.refresh_from_db()
    assert theirs.title == title_before

    their_home = other_store.site.root_page
    assert client.get(reverse("wagtailadmin_pages:add_subpage", args=[their_home.pk])).status_code in (302, 403)
    assert client.get(reverse("wagtailadmin_pages:add_subpage", args=[store.site.root_page.pk])).status_code == 200
    explorer = client.get(reverse("wagtailadmin_explore", args=[their_home.pk]))
    assert explorer.status_code in (302, 403, 404)


def test_a_marketer_of_every_store_edits_every_stores_pages(member, store, other_store):
    page = ContentPageFactory(parent=other_store.site.root_page, title="About us")
    client = client_for(member(MARKETER))

    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
