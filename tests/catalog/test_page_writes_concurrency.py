"""Two POSTs creating (or saving) the same page at once, as Wagtail 8's editor sends them when its autosave of a
new page and the marketer's Publish overlap (seen in the marketer's browser journey): real parallel
requests on PostgreSQL, each validating before either has saved. One page is created; the other
request gets the editor's validation error, never a 500 nor a second page with the same slug."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from commerce.catalog.forms import ProductPageForm
from commerce.catalog.models import ProductPage
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import ProductPageFactory
from tests.threads import run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency, pytest.mark.catalogue]


def new_product_data(*, publish: bool) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Storm hat",
        "slug": "storm-hat",
        "summary": "",
        "gallery_images": inline_formset([]),
        "description": streamfield([]),
        "option1_name": "",
        "option2_name": "",
        "variants": inline_formset([variant_data(sku="STORM-HAT", price="30.00")], min=1),
        "tags": "",
        "seo_title": "",
        "search_description": "",
        "social_image": "",
        "go_live_at": "",
        "expire_at": "",
    }
    if publish:
        values["action-publish"] = "action-publish"
    return nested_form_data(values)


@pytest.fixture
def both_validate_before_either_saves(monkeypatch):
    """Each request's form waits (up to 3 s) for the other's at ``clean``: without a lock both pass
    the "slug is free" check; with one, the first waits alone and the second finds the barrier broken."""
    barrier = threading.Barrier(2, timeout=3)
    original = ProductPageForm.clean

    def clean(self):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return original(self)

    monkeypatch.setattr(ProductPageForm, "clean", clean)


def test_an_autosave_and_a_publish_racing_to_create_one_page_make_one_page_and_no_500(
    marketer, shop_index, both_validate_before_either_saves
):
    url = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", shop_index.pk])

    def post(*, publish: bool, as_json: bool):
        client = Client()
        client.force_login(marketer)
        headers = {"Accept": "application/json"} if as_json else {}
        return client.post(url, new_product_data(publish=publish), headers=headers)

    autosave, publish = run_together(
        [lambda: post(publish=False, as_json=True), lambda: post(publish=True, as_json=False)]
    )

    for response in (autosave, publish):
        assert not isinstance(response, Exception), repr(response)
        assert response.status_code < 500
    assert ProductPage.objects.filter(slug="storm-hat").count() == 1
    if publish.status_code == 302:  # the Publish saved first: the autosave is told the slug is taken
        assert autosave.status_code == 400 and autosave.json()["error_code"] == "validation_error"
        assert ProductPage.objects.get(slug="storm-hat").live
    else:  # the autosave's draft came first: the editor shows Publish the slug is taken
        assert autosave.status_code == 200 and autosave.json()["success"]
        assert publish.status_code == 200
        assert "storm-hat" in str(publish.context["form"].errors["slug"])


def test_an_autosave_queued_behind_the_publish_of_a_draft_does_not_unpublish_it(marketer, store, monkeypatch):
    """Wagtail's edit view saves a never-published page's whole row on autosave; one that loaded the
    draft before the Publish committed wrote ``live = False`` back (the storefront then said 404)."""
    draft = ProductPageFactory(store=store, title="Storm hat", price="30.00", live=False)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    variants = [variant_data(v) for v in draft.variants.all()]
    autosave_validating, publish_done = threading.Event(), threading.Event()
    original = ProductPageForm.clean

    def clean(self):
        if self.data.get("action-publish"):
            autosave_validating.wait(timeout=3)  # without a lock the autosave has loaded the draft by now
        else:
            autosave_validating.set()
            publish_done.wait(timeout=10)  # and saves after the Publish
        return original(self)

    monkeypatch.setattr(ProductPageForm, "clean", clean)

    def post(*, publish: bool):
        client = Client()
        client.force_login(marketer)
        data = product_edit_data(draft, variants=variants)
        if not publish:
            data.pop("action-publish")
        try:
            return client.post(url, data, headers={} if publish else {"Accept": "application/json"})
        finally:
            if publish:
                publish_done.set()

    published, autosaved = run_together([lambda: post(publish=True), lambda: post(publish=False)])

    assert not isinstance(published, Exception) and published.status_code == 302, published
    assert not isinstance(autosaved, Exception) and autosaved.status_code < 500, autosaved
    assert ProductPage.objects.get(pk=draft.pk).live
