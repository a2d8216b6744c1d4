"""Small builders and readers shared by the catalogue tests."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from commerce.catalog.models import Category, ProductPage, ProductTag, ProductVariant
from tests.factories import set_stock

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def categorise(product: ProductPage, *categories: Category) -> ProductPage:
    ProductPage.categories.through.objects.bulk_create(
        ProductPage.categories.through(productpage=product, category=category) for category in categories
    )
    return product


def tag(product: ProductPage, *names: str) -> ProductPage:
    for name in names:
        tag_obj, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        ProductTag.objects.create(content_object=product, tag=tag_obj)
    return product


def set_variants(product: ProductPage, **fields) -> ProductPage:
    ProductVariant.objects.filter(product=product).update(**fields)
    return product


def add_variant(product: ProductPage, *, sku: str, price: str, stock: int = 10, **fields) -> ProductVariant:
    """Another variant, in the same store as the product's first one, listed after the others."""
    existing = ProductVariant.objects.filter(product=product).order_by("sort_order")
    variant = ProductVariant.objects.create(
        product=product,
        store=existing.first().store,
        sku=sku,
        price=Decimal(price),
        sort_order=existing.count(),
        **fields,
    )
    set_stock(variant, stock)
    return variant


def published_days_ago(product: ProductPage, days: int) -> ProductPage:
    ProductPage.objects.filter(pk=product.pk).update(first_published_at=timezone.now() - timedelta(days=days))
    return product


def titles(response) -> list[str]:
    return [card.title for card in response.context["cards"]]


def json_ld(response) -> dict:
    match = JSON_LD.search(response.content.decode())
    assert match, "no JSON-LD script in the page"
    return json.loads(match.group(1))
