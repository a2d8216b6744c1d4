"""A scheduled change does not lock the live product (issue 17); cancelling the schedule clears it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from commerce.catalog.models import ProductPage, ProductVariant
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import ProductPageFactory, stock_of

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


@pytest.fixture
def scheduled(store):
    """A live jumper whose price drops from 60 to 45 tomorrow (an approved, scheduled revision)."""
    jumper = ProductPageFactory(store=store, title="Jumper", price="60.00", stock=7)
    jumper.save_revision().publish()  # live from a revision, as the editor leaves it
    page = ProductPage.objects.get(pk=jumper.pk)
    page.go_live_at = timezone.now() + timedelta(days=1)
    revision = page.save_revision()
    content = revision.content
    content["variants"] = [{**content["variants"][0], "price": "45.00"}]
    revision.content = content
    revision.save(update_fields=["content"])
    revision.publish()  # with go_live_at in the future this schedules it
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    return ProductPage.objects.get(pk=jumper.pk), revision


def test_the_live_product_stays_editable_and_a_saved_draft_keeps_the_schedule(marketer_client, scheduled):
    jumper, revision = scheduled
    assert jumper.get_lock() is None
    edit_url = reverse("wagtailadmin_pages:edit", args=[jumper.pk])
    assert "scheduled for publishing" not in marketer_client.get(edit_url).content.decode().lower().replace("\n", "")

    data = product_edit_data(jumper, variants=[variant_data(jumper.variants.get())], summary="Warmer than ever.")
    del data["action-publish"]
    response = marketer_client.post(edit_url, data)

    assert response.status_code == 302
    assert ProductPage.objects.get(pk=jumper.pk).get_latest_revision_as_object().summary == "Warmer than ever."
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    variant = ProductVariant.objects.get(product=jumper)
    assert variant.price == Decimal("60.00")  # the live price until the schedule runs
    assert stock_of(variant) == (7, 0)  # stock is never part of a page's revision


def test_cancelling_the_schedule_clears_it(marketer_client, scheduled):
    jumper, revision = scheduled
    url = reverse("wagtailadmin_pages:revisions_unschedule", args=[jumper.pk, revision.pk])

    response = marketer_client.post(url)

    assert response.status_code == 302
    assert not Revision.objects.filter(pk=revision.pk, approved_go_live_at__isnull=False).exists()
    assert ProductPage.objects.get(pk=jumper.pk).get_lock() is None
    assert ProductVariant.objects.get(product=jumper).price == Decimal("60.00")
