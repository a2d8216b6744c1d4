"""Product cards: what a grid of products shows (price "from", stock badge, first image), read with a
fixed number of queries for any number of products."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from wagtail.images.models import Image

from commerce.core.money import Money

from ..availability import with_available_stock
from ..models import ProductImage, ProductPage, ProductVariant


@dataclass(frozen=True)
class ProductCard:
    """What a product card shows."""

    page_id: int
    title: str
    url: str
    summary: str
    image: Image | None
    image_alt: str
    price: Money | None
    compare_at_price: Money | None
    stock_status: str
    has_price_range: bool

    @property
    def on_sale(self) -> bool:
        return self.price is not None and self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def fragment_key(self) -> str:
        """Everything the rendered card depends on, hashed: the card's HTML fragment is cached under it
        (``{% product_grid %}`` in ``catalog_tags``), so a new price, stock status, title, URL or image
        (its file or focal point) makes a new key and no invalidation is needed."""
        image = self.image
        shown = (
            self.page_id,
            self.title,
            self.url,
            self.image_alt,
            self.price and (self.price.amount, self.price.currency),
            self.compare_at_price and (self.compare_at_price.amount, self.compare_at_price.currency),
            self.stock_status,
            self.has_price_range,
            (
                (image.pk, image.file_hash, image.focal_point_x, image.focal_point_y, image.focal_point_width)
                + (image.focal_point_height,)
                if image
                else None
            ),
        )
        return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


# The renditions product_card.html shows. A grid renders only the cards whose fragment is not cached
# yet, and reads these renditions for their images in one query (``card_renditions_prefetch``).
CARD_RENDITIONS = ("fill-400x400", "fill-800x800")


def card_renditions_prefetch(cards: Iterable[ProductCard], *, renditions: Sequence[str] = CARD_RENDITIONS) -> None:
    """Read the ``renditions`` of these cards' images in one query, where Wagtail's image tags look
    first (what ``Image.objects.prefetch_renditions`` does for a queryset)."""
    images = [
        card.image for card in cards if card.image is not None and not hasattr(card.image, "prefetched_renditions")
    ]
    if images:
        prefetch_related_objects(
            images,
            Prefetch(
                "renditions",
                queryset=Image.get_rendition_model().objects.filter(filter_spec__in=renditions),
                to_attr="prefetched_renditions",
            ),
        )


def with_card_data(queryset: QuerySet[ProductPage], *, renditions: Sequence[str] = ()) -> QuerySet[ProductPage]:
    """Prefetch what ``product_cards`` reads: active variants and gallery images, and the
    ``renditions`` (filter specs) the caller shows when it shows them for every product (the API).
    The storefront's grids read renditions only for cards not cached yet (``card_renditions_prefetch``)."""
    queryset = queryset.prefetch_related(
        Prefetch(
            "variants",
            queryset=with_available_stock(ProductVariant.objects.filter(is_active=True)).order_by(
                "price", "sort_order", "pk"
            ),
            to_attr="active_variants",
        ),
        Prefetch(
            "gallery_images",
            queryset=ProductImage.objects.order_by("sort_order", "pk").select_related("image"),
            to_attr="ordered_images",
        ),
    )
    if not renditions:
        return queryset
    # Where Wagtail's image tags look first (what Image.objects.prefetch_renditions does, reached
    # here through the selected image).
    return queryset.prefetch_related(
        Prefetch(
            "ordered_images__image__renditions",
            queryset=Image.get_rendition_model().objects.filter(filter_spec__in=renditions),
            to_attr="prefetched_renditions",
        )
    )


def product_cards(
    products: Iterable[ProductPage], *, currency: str, request: HttpRequest | None = None
) -> list[ProductCard]:
    """Cards for products loaded through ``with_card_data``."""
    cards = []
    for product in products:
        variants: Sequence[ProductVariant] = getattr(product, "active_variants", None) or []
        images: Sequence[ProductImage] = getattr(product, "ordered_images", None) or []
        in_stock = [v for v in variants if v.available_quantity > 0]
        cheapest = (in_stock or variants)[0] if variants else None  # "From" ignores sold-out variants
        first_image = images[0] if images else None
        if not variants:
            status = "sold_out"
        elif any(v.stock_status == "in_stock" for v in variants):
            status = "in_stock"
        elif any(v.stock_status == "low" for v in variants):
            status = "low"
        else:
            status = "sold_out"
        cards.append(
            ProductCard(
                page_id=product.pk,
                title=product.title,
                url=product.get_url(request) or "",
                summary=product.summary,
                image=first_image.image if first_image else None,
                image_alt=first_image.alt if first_image else "",
                price=Money(cheapest.price, currency) if cheapest else None,
                compare_at_price=(
                    Money(cheapest.compare_at_price, currency)
                    if cheapest and cheapest.compare_at_price is not None
                    else None
                ),
                stock_status=status,
                has_price_range=len({v.price for v in variants}) > 1,
            )
        )
    return cards


def product_cards_for_ids(
    page_ids: Sequence[int], *, currency: str, request: HttpRequest | None = None
) -> list[ProductCard]:
    """Cards for live products, in the order of ``page_ids`` (editor-chosen grids)."""
    by_id = {p.pk: p for p in with_card_data(ProductPage.objects.live().filter(pk__in=list(page_ids)))}
    return product_cards([by_id[pk] for pk in page_ids if pk in by_id], currency=currency, request=request)
