"""Template tags for the catalogue: product grids (cards cached by what they show), structured data
and absolute image URLs for sharing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.images.models import Image

from commerce.catalog.selectors import ProductCard, ProductDetail, VariantChoice
from commerce.catalog.selectors.cards import card_images
from commerce.stores.selectors import site_absolute_url

register = template.Library()

STRUCTURED_DATA_IMAGE = "width-1200"
SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "low": "https://schema.org/LimitedAvailability",
    "sold_out": "https://schema.org/OutOfStock",
}
CARD_TEMPLATE = "catalog/includes/product_card.html"
CARD_SECONDS = 24 * 60 * 60  # a bound on memory: a card that changes gets a new key anyway
FRAGMENTS_CACHE = "fragments"
# The characters that could end a <script> element or open an HTML comment, as json_script escapes them.
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_image_url(image: Image, spec: str, request: HttpRequest | None) -> str:
    return site_absolute_url(image.get_rendition(spec).url, request)


def product_structured_data(product: ProductDetail, *, request: HttpRequest | None) -> dict[str, Any]:
    """A schema.org ``Product`` with one ``Offer`` per active variant."""
    page = product.page
    first = product.selected or (product.variants[0] if product.variants else None)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": page.title,
        "description": page.search_description or page.summary,
        "url": product.url,
        "brand": {"@type": "Brand", "name": product.store_name},
        "image": [absolute_image_url(item.image, STRUCTURED_DATA_IMAGE, request) for item in product.images],
    }
    if first is not None:
        data["sku"] = first.sku
    if product.categories:
        data["category"] = product.categories[0].name
    data["offers"] = [_offer(variant, product=product) for variant in product.variants]
    return data


def _offer(variant: VariantChoice, *, product: ProductDetail) -> dict[str, Any]:
    separator = "&" if "?" in product.url else "?"
    return {
        "@type": "Offer",
        "sku": variant.sku,
        "name": variant.label,
        "price": str(variant.price.amount),
        "priceCurrency": variant.price.currency,
        "availability": SCHEMA_AVAILABILITY[variant.stock_status],
        "url": f"{product.url}{separator}variant={variant.id}",
    }


@register.simple_tag(takes_context=True)
def product_json_ld(context: template.Context, product: ProductDetail) -> SafeString:
    """``<script type="application/ld+json">`` for the product, escaped like ``json_script``."""
    data = product_structured_data(product, request=context.get("request"))
    payload = json.dumps(data, ensure_ascii=True).translate(_SCRIPT_SAFE)
    # Safe: json.dumps output with <, > and & escaped cannot close the script element.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@dataclass(frozen=True)
class AbsoluteRendition:
    url: str
    width: int
    height: int


@register.simple_tag(takes_context=True)
def absolute_rendition(context: template.Context, image: Image | None, spec: str) -> AbsoluteRendition | None:
    """A rendition with its full URL, for og:image and other off-site consumers."""
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    url = site_absolute_url(rendition.url, context.get("request"))
    return AbsoluteRendition(url=url, width=rendition.width, height=rendition.height)


@register.simple_tag(takes_context=True)
def product_grid(context: template.Context, cards: Iterable[ProductCard]) -> SafeString:
    """Each card as an ``<li>`` of a product grid. A card's HTML is cached under its ``fragment_key``
    (a hash of everything it shows, so a change makes a new key and nothing is invalidated): the grid
    reads every card with one cache call, and renders only the cards not cached yet, reading their
    images with their renditions by id in one query (``card_images``): a grid whose cards are all
    cached loads no image. Previews are always rendered afresh."""
    cards = list(cards)
    if not cards:
        return mark_safe("")
    request = context.get("request")
    cache = None if getattr(request, "is_preview", False) else caches[FRAGMENTS_CACHE]
    keys = [f"magpie.card:{card.fragment_key}" for card in cards]
    found = cache.get_many(keys) if cache is not None else {}
    missing = [(key, card) for key, card in zip(keys, cards, strict=True) if key not in found]
    if missing:
        images = card_images(card.image_id for _key, card in missing if card.image_id is not None)
        card_template = get_template(CARD_TEMPLATE)
        rendered = {
            key: card_template.render({"card": card, "image": images.get(card.image_id)}) for key, card in missing
        }
        if cache is not None:
            cache.set_many(rendered, timeout=CARD_SECONDS)
        found = {**found, **rendered}
    # Safe: each fragment is the output of the autoescaping card template.
    return mark_safe("".join(f"<li>{found[key]}</li>" for key in keys))  # noqa: S308
