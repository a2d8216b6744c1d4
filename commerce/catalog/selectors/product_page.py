"""The product page: its variants as the shopper chooses them, images, breadcrumbs, categories and
tags, read with a fixed number of queries (on a saved page and on an unsaved preview). What only a
publish changes (breadcrumbs, gallery, categories, tags) is kept per store generation and read only
when the template asks for it (a warm page renders those parts from its cached fragments, so it does
not read them at all). The purchase panel's variants (prices, options, stock status and the units
left of a low variant) are kept per store generation too: a publish (prices live in the revision),
an unpublish, a move and a change of shown stock status or of a low variant's units left each start
a new one (``low_stock_refresh``), so a warm product page reads no variant or stock row. The exact
units of a well-stocked variant change with every sale without a new generation, so the storefront
neither keeps nor shows them (``available_quantity`` is None there); the API asks for them
(``exact_stock``) and reads afresh."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import caches
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Page

from commerce.core.money import Money
from commerce.core.page_cache import store_generation
from commerce.core.page_routing import KEPT_SECONDS, STORE_CACHE
from commerce.stores.models import Store
from commerce.stores.selectors import store_for_request

from ..availability import with_available_stock
from ..models import Category, ProductImage, ProductPage, ProductVariant


@dataclass(frozen=True)
class Breadcrumb:
    title: str
    url: str


@dataclass(frozen=True)
class VariantChoice:
    """One active variant as the shopper chooses it."""

    id: int
    sku: str
    label: str
    price: Money
    compare_at_price: Money | None
    stock_status: str
    # Units left to sell. With ``exact_stock=False`` (the storefront) only a low or sold-out
    # variant's, which the page shows ("Only 2 left") and every change of which starts a new
    # store generation; None for a well-stocked one ("In stock").
    available_quantity: int | None
    option1: str = ""
    option2: str = ""

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def is_available(self) -> bool:
        return self.stock_status != "sold_out"


@dataclass(frozen=True)
class ProductContent:
    """What the product page shows that only a publish (or a move, or an image edit) changes."""

    breadcrumbs: tuple[Breadcrumb, ...]
    images: tuple[ProductImage, ...]
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    social_image: Image | None


@dataclass(frozen=True)
class ProductDetail:
    """Everything the product page shows, read with a fixed number of queries."""

    page: ProductPage
    url: str
    currency: str
    store_name: str
    variants: tuple[VariantChoice, ...]
    selected: VariantChoice | None
    generation: str  # the store's (``store_generation``): what the page's cached fragments vary on
    load_content: Callable[[], ProductContent] = field(repr=False, compare=False)

    @cached_property
    def content(self) -> ProductContent:
        """Breadcrumbs, gallery, categories, tags and social image, read on first use."""
        return self.load_content()

    @property
    def breadcrumbs(self) -> tuple[Breadcrumb, ...]:
        return self.content.breadcrumbs

    @property
    def images(self) -> tuple[ProductImage, ...]:
        return self.content.images

    @property
    def categories(self) -> tuple[Category, ...]:
        return self.content.categories

    @property
    def tags(self) -> tuple[Tag, ...]:
        return self.content.tags

    @property
    def social_image(self) -> Image | None:
        return self.content.social_image

    @property
    def shop_url(self) -> str:
        """The listing the product lives in (its parent page), for category and tag links."""
        return self.breadcrumbs[-1].url if self.breadcrumbs else "/"

    @property
    def main_image(self) -> ProductImage | None:
        return self.images[0] if self.images else None

    @property
    def share_image(self) -> Image | None:
        """The image for social networks: the chosen social image, else the first gallery image."""
        if self.social_image is not None:
            return self.social_image
        return self.images[0].image if self.images else None

    @property
    def has_variant_choice(self) -> bool:
        return len(self.variants) > 1

    @property
    def cheapest(self) -> VariantChoice | None:
        """The cheapest variant still available ("From" ignores sold-out ones), else the cheapest."""
        candidates = [v for v in self.variants if v.is_available] or self.variants
        return min(candidates, key=lambda v: v.price.amount) if candidates else None

    @property
    def price(self) -> Money | None:
        return self.cheapest.price if self.cheapest else None

    @property
    def compare_at_price(self) -> Money | None:
        return self.cheapest.compare_at_price if self.cheapest else None

    @property
    def has_price_range(self) -> bool:
        return len({v.price.amount for v in self.variants}) > 1

    @property
    def stock_status(self) -> str:
        """'in_stock' when any variant is well stocked, 'low' when only low stock is left, else 'sold_out'."""
        statuses = {v.stock_status for v in self.variants}
        for status in ("in_stock", "low"):
            if status in statuses:
                return status
        return "sold_out"


def product_detail(*, page: ProductPage, request: HttpRequest, exact_stock: bool = False) -> ProductDetail:
    """The product page's data. Works on a saved page and on an unsaved preview (in-memory relations).

    ``exact_stock``: every variant's units left, read afresh (the API); without it, a live page's
    variants are kept per store generation and a well-stocked variant's units are not given."""
    store = store_for_request(request)
    if store is None:
        raise Http404("This site has no store.")
    generation = store_generation(store.site_id)
    if exact_stock or not _keepable(page, request):
        variants = _read_variants(page, currency=store.currency, exact_stock=exact_stock)
    else:
        cache = caches[STORE_CACHE]
        key = f"magpie.product_variants:{store.site_id}:{generation}:{page.pk}"
        variants = cache.get(key)
        if variants is None:
            variants = _read_variants(page, currency=store.currency, exact_stock=False)
            cache.set(key, variants, timeout=KEPT_SECONDS)
    return ProductDetail(
        page=page,
        url=page.get_full_url(request) or request.build_absolute_uri(),
        currency=store.currency,
        store_name=store.name,
        variants=variants,
        selected=_selected_variant(variants, request.GET.get("variant", "")),
        generation=generation,
        load_content=lambda: _product_content(page, store=store, request=request),
    )


def _keepable(page: ProductPage, request: HttpRequest) -> bool:
    """A live, saved page seen outside a preview: what it shows changes only with its store's generation."""
    return bool(page.pk and page.live and not getattr(request, "is_preview", False))


def _read_variants(page: ProductPage, *, currency: str, exact_stock: bool) -> tuple[VariantChoice, ...]:
    """The page's active variants with their stock, in one query (none for a preview's in-memory ones)."""
    active = page.variants.filter(is_active=True).order_by("sort_order")
    if isinstance(active, QuerySet):  # a saved page; a preview's variants are in memory
        active = with_available_stock(active.only(*_CHOICE_FIELDS))
    return tuple(_variant_choice(variant, page=page, currency=currency, exact_stock=exact_stock) for variant in active)


# What templates/catalog/product_page.html shows: the gallery (main image srcset, full-size links and
# thumbnails) and the share image (og:image, structured data).
GALLERY_RENDITIONS = ("width-600", "width-900", "width-1200", "fill-160x160")
SHARE_RENDITIONS = ("fill-1200x630", "width-1200")


def _product_content(page: ProductPage, *, store: Store, request: HttpRequest) -> ProductContent:
    """Breadcrumbs, gallery (with renditions), categories, tags and social image: kept in the store
    cache under the store's generation for a live page, read afresh for a preview or a draft."""

    def read() -> ProductContent:
        # to_attr lists (where Wagtail's image tags look first) survive the cache's pickling
        images = page.gallery_images.select_related("image").prefetch_related(
            Prefetch("image__renditions", to_attr="prefetched_renditions")
        )
        return ProductContent(
            breadcrumbs=_breadcrumbs(page, root_id=store.site.root_page_id, request=request),
            images=tuple(images.order_by("sort_order")),
            categories=tuple(page.categories.all()),
            tags=tuple(page.tags.order_by("name")),
            social_image=(
                Image.objects.prefetch_related(Prefetch("renditions", to_attr="prefetched_renditions"))
                .filter(pk=page.social_image_id)
                .first()
                if page.social_image_id
                else None
            ),
        )

    if not _keepable(page, request):
        return read()

    def read_with_renditions() -> ProductContent:
        """The content with every rendition product_page.html shows, made now if missing, so the
        kept copy carries them all and a warm page reads no rendition."""
        content = read()
        for item in content.images:
            item.image.get_renditions(*GALLERY_RENDITIONS)
        share = content.social_image or (content.images[0].image if content.images else None)
        if share is not None:
            share.get_renditions(*SHARE_RENDITIONS)
        return content

    cache = caches[STORE_CACHE]
    key = f"magpie.product_content:{store.site_id}:{store_generation(store.site_id)}:{page.pk}"
    content = cache.get(key)
    if content is None:
        content = read_with_renditions()
        cache.set(key, content, timeout=KEPT_SECONDS)
    return content


# What ``_variant_choice`` reads of a variant (fewer columns to select and group by).
_CHOICE_FIELDS = (
    "product",
    "sort_order",
    "sku",
    "option1_value",
    "option2_value",
    "price",
    "compare_at_price",
    "is_active",
    "low_stock_threshold",
)


def _variant_choice(variant: ProductVariant, *, page: ProductPage, currency: str, exact_stock: bool) -> VariantChoice:
    options = [
        f"{name}: {value}" if name else value
        for name, value in ((page.option1_name, variant.option1_value), (page.option2_name, variant.option2_value))
        if value
    ]
    status = variant.stock_status
    return VariantChoice(
        id=variant.pk,
        sku=variant.sku,
        label=", ".join(options) or variant.sku,
        price=Money(variant.price, currency),
        compare_at_price=Money(variant.compare_at_price, currency) if variant.compare_at_price is not None else None,
        stock_status=status,
        available_quantity=variant.available_quantity if exact_stock or status != "in_stock" else None,
        option1=variant.option1_value,
        option2=variant.option2_value,
    )


def _selected_variant(variants: Sequence[VariantChoice], requested: str) -> VariantChoice | None:
    """The variant named in ``?variant=`` if it is one of these, else the first available, else the first."""
    by_id = {str(v.id): v for v in variants}
    if requested in by_id:
        return by_id[requested]
    return next((v for v in variants if v.is_available), variants[0] if variants else None)


def _breadcrumbs(page: ProductPage, *, root_id: int, request: HttpRequest) -> tuple[Breadcrumb, ...]:
    """Live ancestors from the site root down to (not including) the page, in one query."""
    if not page.path:
        return ()
    crumbs: list[Breadcrumb] = []
    for ancestor in Page.objects.ancestor_of(page).live().order_by("depth").only("id", "title", "path", "url_path"):
        if ancestor.pk == root_id or crumbs:
            crumbs.append(Breadcrumb(title=ancestor.title, url=ancestor.get_url(request) or ""))
    return tuple(crumbs)
