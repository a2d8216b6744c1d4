"""Categories are managed as snippets in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.catalog.models import Category
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_listing_shows_name_and_slug(admin_client):
    CategoryFactory(name="Knitwear", slug="knitwear")

    response = admin_client.get(reverse("wagtailsnippets_catalog_category:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Knitwear" in html and "knitwear" in html


def test_search_by_name_or_slug(admin_client):
    CategoryFactory(name="Knitwear", slug="knitwear")
    CategoryFactory(name="Outerwear", slug="coats-and-jackets")
    url = reverse("wagtailsnippets_catalog_category:list")

    by_name = admin_client.get(url, {"q": "knit"})
    by_slug = admin_client.get(url, {"q": "jackets"})

    assert [c.name for c in by_name.context["object_list"]] == ["Knitwear"]
    assert [c.name for c in by_slug.context["object_list"]] == ["Outerwear"]


def test_create_a_category(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_catalog_category:add"),
        {"name": "Footwear", "slug": "footwear", "description": "Shoes and boots."},
    )

    assert response.status_code == 302
    assert Category.objects.get(slug="footwear").name == "Footwear"


def test_a_duplicate_slug_is_refused(admin_client):
    CategoryFactory(name="Footwear", slug="footwear")

    response = admin_client.post(
        reverse("wagtailsnippets_catalog_category:add"), {"name": "Shoes", "slug": "footwear", "description": ""}
    )

    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert Category.objects.count() == 1
