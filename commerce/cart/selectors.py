"""Reads for the cart page and the checkout: lines with what the template needs, priced by the
pipeline in ``pricing.py``. A constant number of queries, whatever the number of lines."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Sum
from django.http import HttpRequest
from wagtail.images.models import Image

from commerce.catalog.availability import available_sum
from commerce.catalog.models import ProductImage, ProductVariant
from commerce.core.money import Money

from .models import Cart, CartLine


@dataclass(frozen=True)
class CartLineView:
    line_id: int
    variant: ProductVariant
    title: str
    label: str
    url: str
    image: Image | None
    image_alt: str
    quantity: int
    unit_price: Money
    available: int
    problem: str
    category_ids: frozenset[int] = frozenset()

    @property
    def key(self) -> int:
        return self.variant.pk


def cart_lines(*, cart: Cart | None, request: HttpRequest | None = None, images: bool = True) -> list[CartLineView]:
    """The cart's lines, priced and checked against stock. ``images=False`` (the checkout's summary,
    which shows none) skips reading the products' images and renditions: two queries fewer."""
    if cart is None or cart.pk is None:
        return []
    prefetches: list[str | Prefetch] = ["variant__product__categories"]
    if images:
        prefetches += [
            Prefetch(
                "variant__product__gallery_images",
                queryset=ProductImage.objects.order_by("sort_order", "pk").select_related("image"),
                to_attr="ordered_images",
            ),
            "variant__product__ordered_images__image__renditions",
        ]
    lines = (
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product")
        .prefetch_related(*prefetches)
        .annotate(variant_stock_available=available_sum("variant__"))
        .order_by("created_at", "pk")
    )
    currency = cart.store.currency
    views = []
    for line in lines:
        variant = line.variant
        variant.stock_available = line.variant_stock_available
        product = variant.product
        images = getattr(product, "ordered_images", [])
        available = variant.available_quantity if variant.is_active and product.live else 0
        if available <= 0:
            problem = f"{product.title} is no longer available."
        elif line.quantity > available:
            problem = f"Only {available} of {product.title} left; lower the quantity."
        else:
            problem = ""
        views.append(
            CartLineView(
                line_id=line.pk,
                variant=variant,
                title=product.title,
                label=variant.label if product.has_options else "",
                url=product.get_url(request) or "",
                image=images[0].image if images else None,
                image_alt=images[0].alt if images else "",
                quantity=line.quantity,
                unit_price=Money(variant.price, currency),
                available=available,
                problem=problem,
                category_ids=frozenset(category.pk for category in product.categories.all()),
            )
        )
    return views


def cart_item_count(*, cart: Cart | None) -> int:
    if cart is None or cart.pk is None:
        return 0
    return CartLine.objects.filter(cart=cart).aggregate(n=Sum("quantity"))["n"] or 0
