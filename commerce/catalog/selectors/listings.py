"""Listings: the store's live products, collection scopes (hand-picked and rules), shopper filters,
sorting and the facets (categories, tags) a filter panel lists."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from taggit.models import Tag
from wagtail.models import Page

from ..availability import in_stock_q
from ..models import Category, CollectionPage, ProductPage, ProductTag, ProductVariant

_ProductCategory = ProductPage.categories.through


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
