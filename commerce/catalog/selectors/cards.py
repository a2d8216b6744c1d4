"""Product cards: what a grid of products shows (price "from", stock badge, first image), read with a
fixed number of queries for any number of products."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from wagtail.images.models import Image

from commerce.core.money import Money

from ..availability import with_available_stock
from ..models import ProductImage, ProductPage, ProductVariant


@dataclass(frozen=True)
class ProductCard:
    """What a product card shows.

    Cards are kept in caches (a listing's page, a home block, search results), so a pickled card
    carries no model instance: ``image`` (the loaded ``Image``, for callers that read it at once,
    such as the API) is dropped, ``image_id`` and ``image_version`` stay, and ``fragment_key`` is
    computed once and travels with it. ``{% product_grid %}`` reads a card's image by its id, and
    only when the card's fragment is not cached (``card_images``).
    """

    page_id: int
    title: str
    url: str
    summary: str
    image_id: int | None
    image_alt: str
    price: Money | None
    compare_at_price: Money | None
    stock_status: str
    has_price_range: bool
    # What the image's renditions depend on: its file and focal point.
    image_version: tuple[Any, ...] = ()
    image: Image | None = field(default=None, compare=False, repr=False)

    @property
    def on_sale(self) -> bool:
        return self.price is not None and self.compare_at_price is not None and self.compare_at_price > self.price

    @cached_property
    def fragment_key(self) -> str:
        """Everything the rendered card depends on, hashed: the card's HTML fragment is cached under it
        (``{% product_grid %}`` in ``catalog_tags``), so a new price, stock status, title, URL or image
        (its file or focal point) makes a new key and no invalidation is needed."""
        shown = (
            self.page_id,
            self.title,
            self.url,
            self.image_alt,
            self.price and (self.price.amount, self.price.currency),
            self.compare_at_price and (self.compare_at_price.amount, self.compare_at_price.currency),
            self.stock_status,
            self.has_price_range,
            (self.image_id, *self.image_version) if self.image_id is not None else None,
        )
        return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["image"] = None  # read again by id where it is shown (``card_images``)
        state["fragment_key"] = self.fragment_key
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "image_id" not in state:  # kept by a release whose cards carried the Image itself
            image = state.get("image")
            state = {
                **state,
                "image_id": image.pk if image is not None else None,
                "image_version": image_version(image) if image is not None else (),
            }
        self.__dict__.update(state)


def image_version(image: Image) -> tuple[Any, ...]:
    """What an image's renditions depend on: its file and its focal point."""
    return (
        image.file_hash,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
    )


# The renditions product_card.html shows. A grid renders only the cards whose fragment is not cached
# yet, and reads these renditions for their images in one query (``card_renditions_prefetch``).
CARD_RENDITIONS = ("fill-400x400", "fill-800x800")


def card_images(image_ids: Iterable[int], *, renditions: Sequence[str] = CARD_RENDITIONS) -> dict[int, Image]:
    """The images of these ids, each with its ``renditions`` where Wagtail's image tags look first
    (``prefetched_renditions``), read in one query of the renditions joined to their images. Only
    an image with none of them yet (new, or never shown) is read with a second query; Wagtail makes
    whatever rendition is missing."""
    wanted = set(image_ids)
    if not wanted:
        return {}
    images: dict[int, Image] = {}
    rows = Image.get_rendition_model().objects.filter(image_id__in=wanted, filter_spec__in=renditions)
    for rendition in rows.select_related("image"):
        image = images.setdefault(rendition.image_id, rendition.image)
        if not hasattr(image, "prefetched_renditions"):
            image.prefetched_renditions = []
        image.prefetched_renditions.append(rendition)
    if unseen := wanted - images.keys():
        for image in Image.objects.filter(pk__in=unseen):
            image.prefetched_renditions = []
            images[image.pk] = image
    return images


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
                image_id=first_image.image_id if first_image else None,
                image_alt=first_image.alt if first_image else "",
                price=Money(cheapest.price, currency) if cheapest else None,
                compare_at_price=(
                    Money(cheapest.compare_at_price, currency)
                    if cheapest and cheapest.compare_at_price is not None
                    else None
                ),
                stock_status=status,
                has_price_range=len({v.price for v in variants}) > 1,
                image_version=image_version(first_image.image) if first_image else (),
                image=first_image.image if first_image else None,
            )
        )
    return cards


def product_cards_for_ids(
    page_ids: Sequence[int], *, currency: str, request: HttpRequest | None = None
) -> list[ProductCard]:
    """Cards for live products, in the order of ``page_ids`` (editor-chosen grids)."""
    by_id = {p.pk: p for p in with_card_data(ProductPage.objects.live().filter(pk__in=list(page_ids)))}
    return product_cards([by_id[pk] for pk in page_ids if pk in by_id], currency=currency, request=request)
