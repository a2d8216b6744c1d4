"""Reads for the storefront. Each returns what its template needs, already prefetched, so a
page's query count does not grow with the number of products, variants or images."""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Page

from commerce.core.money import Money
from commerce.stores.selectors import store_for_request

from .availability import in_stock_q, with_available_stock
from .models import Category, CollectionPage, ProductImage, ProductPage, ProductTag, ProductVariant

_ProductCategory = ProductPage.categories.through


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
        (``{% wagtailcache %}`` in product_card.html), so a new price, stock status, title, URL or image
        (its file or focal point) makes a new key and no invalidation is needed."""
        image = self.image
        shown = (
            self.page_id,
            self.title,
            self.url,
            self.image_alt,
            str(self.price),
            str(self.compare_at_price),
            self.stock_status,
            self.has_price_range,
            (image.pk, image.file_hash, image.get_focal_point() and str(image.get_focal_point())) if image else None,
        )
        return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


# The renditions product_card.html shows: prefetched with the images, so a listing reads them in one
# query (a spec missing here would make the tag look its rendition up, or generate it, per card).
CARD_RENDITIONS = ("fill-400x400", "fill-800x800")


def with_card_data(queryset: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
    """Prefetch what ``product_cards`` reads: active variants, gallery images and their renditions."""
    return queryset.prefetch_related(
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
        # Only the card's renditions, where Wagtail's image tags look first (what
        # Image.objects.prefetch_renditions does, reached here through the selected image).
        Prefetch(
            "ordered_images__image__renditions",
            queryset=Image.get_rendition_model().objects.filter(filter_spec__in=CARD_RENDITIONS),
            to_attr="prefetched_renditions",
        ),
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


# --- Listings: the store's products, collection scopes, filters, sorting, facets ---------------

SORT_CHOICES: tuple[tuple[str, str], ...] = tuple(CollectionPage.SORT_CHOICES)
SORT_KEYS = frozenset(key for key, _ in SORT_CHOICES)
DEFAULT_SORT = "featured"


@dataclass(frozen=True)
class ProductFilters:
    """Conditions a product must meet; empty values do not filter. Used for shopper filters and collection rules."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    on_sale: bool = False
    category_slugs: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    tag_slug: str = ""
    tag_name: str = ""

    @property
    def is_empty(self) -> bool:
        return self == ProductFilters()


@dataclass(frozen=True)
class ListingScope:
    """The products a listing page shows before the shopper filters them."""

    products: QuerySet[ProductPage]
    manual_ids: tuple[int, ...] = ()


def store_products(*, root: Page) -> QuerySet[ProductPage]:
    """Live, public products under a store's site root, annotated for filtering and sorting.

    ``min_price`` is the cheapest active variant's price among those with stock (among all active
    variants when every one is sold out); ``in_stock`` means an active variant has
    stock left to sell (on hand above what checkouts reserve); ``on_sale`` means an active variant's
    compare-at price is above its price.
    """
    active = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    return (
        ProductPage.objects.live()
        .public()
        .descendant_of(root)
        .annotate(
            min_price=Coalesce(
                Subquery(active.filter(in_stock_q()).order_by("price").values("price")[:1]),
                Subquery(active.order_by("price").values("price")[:1]),
            ),
            in_stock=Exists(active.filter(in_stock_q())),
            on_sale=Exists(active.filter(compare_at_price__gt=F("price"))),
        )
    )


def filters_q(filters: ProductFilters) -> Q:
    """A condition on ``store_products`` rows matching every non-empty filter."""
    q = Q()
    if filters.min_price is not None:
        q &= Q(min_price__gte=filters.min_price)
    if filters.max_price is not None:
        q &= Q(min_price__lte=filters.max_price)
    if filters.in_stock:
        q &= Q(in_stock=True)
    if filters.on_sale:
        q &= Q(on_sale=True)
    if filters.category_slugs or filters.category_ids:
        in_categories = _ProductCategory.objects.filter(
            Q(category__slug__in=filters.category_slugs) | Q(category_id__in=filters.category_ids)
        )
        q &= Q(pk__in=in_categories.values("productpage_id"))
    if filters.tag_slug or filters.tag_name:
        tagged = ProductTag.objects.filter(
            Q(tag__slug=filters.tag_slug) if filters.tag_slug else Q(tag__name__iexact=filters.tag_name)
        )
        q &= Q(pk__in=tagged.values("content_object_id"))
    return q


def collection_rules(collection: CollectionPage) -> ProductFilters:
    """The collection's rules as filters (one query for its categories; none in a preview)."""
    return ProductFilters(
        min_price=collection.rule_min_price,
        max_price=collection.rule_max_price,
        in_stock=collection.rule_in_stock,
        on_sale=collection.rule_on_sale,
        category_ids=tuple(category.pk for category in collection.rule_categories.all()),
        tag_name=collection.rule_tag.strip(),
    )


def collection_scope(*, collection: CollectionPage, root: Page) -> ListingScope:
    """Hand-picked products plus rule matches; the whole store when the collection has neither."""
    products = store_products(root=root)
    manual_ids = tuple(
        dict.fromkeys(item.product_id for item in collection.manual_products.all().order_by("sort_order"))
    )
    rules = collection_rules(collection)
    if rules.is_empty and not manual_ids:
        return ListingScope(products=products)
    conditions = [Q(pk__in=manual_ids)] if manual_ids else []
    if not rules.is_empty:
        conditions.append(filters_q(rules))
    return ListingScope(products=products.filter(reduce(operator.or_, conditions)), manual_ids=manual_ids)


def sort_products(
    products: QuerySet[ProductPage], *, sort: str, manual_ids: Sequence[int] = ()
) -> QuerySet[ProductPage]:
    """Order a listing. Featured: featured flag, then hand-picked order, then newest."""
    newest = (F("first_published_at").desc(nulls_last=True), "-pk")
    if sort == "newest":
        return products.order_by(*newest)
    if sort == "price_asc":
        return products.order_by(F("min_price").asc(nulls_last=True), *newest)
    if sort == "price_desc":
        return products.order_by(F("min_price").desc(nulls_last=True), *newest)
    ordering: list[Any] = ["-featured"]
    if manual_ids:
        position = Case(
            *(When(pk=pk, then=Value(index)) for index, pk in enumerate(manual_ids)),
            default=None,
            output_field=IntegerField(),
        )
        ordering.append(position.asc(nulls_last=True))
    return products.order_by(*ordering, *newest)


def listing_categories(products: QuerySet[ProductPage]) -> list[Category]:
    """Categories that at least one of ``products`` belongs to, for the filter list (one query)."""
    used = _ProductCategory.objects.filter(productpage_id__in=products.values("pk")).values("category_id")
    return list(Category.objects.filter(pk__in=used).order_by("name"))


def listing_tags(products: QuerySet[ProductPage]) -> list[Tag]:
    """Tags on at least one of ``products``, for the filter list (one query)."""
    used = ProductTag.objects.filter(content_object_id__in=products.values("pk")).values("tag_id")
    return list(Tag.objects.filter(pk__in=used).order_by("name"))


# --- The product page ---------------------------------------------------------------------------


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
    available_quantity: int
    option1: str = ""
    option2: str = ""

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def is_available(self) -> bool:
        return self.stock_status != "sold_out"


@dataclass(frozen=True)
class ProductDetail:
    """Everything the product page shows, read with a fixed number of queries."""

    page: ProductPage
    url: str
    currency: str
    store_name: str
    breadcrumbs: tuple[Breadcrumb, ...]
    images: tuple[ProductImage, ...]
    variants: tuple[VariantChoice, ...]
    selected: VariantChoice | None
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    social_image: Image | None

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

    @property
    def available_quantity(self) -> int:
        return sum(v.available_quantity for v in self.variants if v.is_available)

    @property
    def max_quantity(self) -> int:
        return max((v.available_quantity for v in self.variants if v.is_available), default=0)


def product_detail(*, page: ProductPage, request: HttpRequest) -> ProductDetail:
    """The product page's data. Works on a saved page and on an unsaved preview (in-memory relations)."""
    store = store_for_request(request)
    if store is None:
        raise Http404("This site has no store.")
    active = page.variants.filter(is_active=True).order_by("sort_order")
    if isinstance(active, QuerySet):  # a saved page; a preview's variants are in memory
        active = with_available_stock(active)
    variants = [_variant_choice(variant, page=page, currency=store.currency) for variant in active]
    images = page.gallery_images.select_related("image").prefetch_related("image__renditions").order_by("sort_order")
    return ProductDetail(
        page=page,
        url=page.get_full_url(request) or request.build_absolute_uri(),
        currency=store.currency,
        store_name=store.name,
        breadcrumbs=_breadcrumbs(page, root_id=store.site.root_page_id, request=request),
        images=tuple(images),
        variants=tuple(variants),
        selected=_selected_variant(variants, request.GET.get("variant", "")),
        categories=tuple(page.categories.all()),
        tags=tuple(page.tags.order_by("name")),
        social_image=(
            Image.objects.prefetch_related("renditions").filter(pk=page.social_image_id).first()
            if page.social_image_id
            else None
        ),
    )


def _variant_choice(variant: ProductVariant, *, page: ProductPage, currency: str) -> VariantChoice:
    options = [
        f"{name}: {value}" if name else value
        for name, value in ((page.option1_name, variant.option1_value), (page.option2_name, variant.option2_value))
        if value
    ]
    return VariantChoice(
        id=variant.pk,
        sku=variant.sku,
        label=", ".join(options) or variant.sku,
        price=Money(variant.price, currency),
        compare_at_price=Money(variant.compare_at_price, currency) if variant.compare_at_price is not None else None,
        stock_status=variant.stock_status,
        available_quantity=variant.available_quantity,
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
