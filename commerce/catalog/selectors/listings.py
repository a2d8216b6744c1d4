"""Listings: the store's live products, collection scopes (hand-picked and rules), shopper filters,
sorting and the facets (categories, tags) a filter panel lists."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from taggit.models import Tag
from wagtail.models import Page

from ..models import Category, CollectionPage, ProductPage

TOP_DEPTH = 2  # a site's home page: the summary's ``root_path`` is a product's ancestor at this depth


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
    """Live, public products under a store's site root, annotated for filtering and sorting from
    their listing summary (``ProductListing``), so filters and sorts read one indexed table.

    ``min_price`` is the cheapest active variant's price among those with stock (among all active
    variants when every one is sold out); ``in_stock`` means an active variant has
    stock left to sell (on hand above what checkouts reserve); ``on_sale`` means an active variant's
    compare-at price is above its price.
    """
    products = ProductPage.objects.live().public().descendant_of(root)
    if root.depth >= TOP_DEPTH:  # the store's rows are one range of the summary's indexes
        products = products.filter(listing__root_path=root.path[: TOP_DEPTH * Page.steplen])
    else:
        products = products.filter(listing__isnull=False)
    return products.annotate(
        min_price=F("listing__min_price"), in_stock=F("listing__in_stock"), on_sale=F("listing__on_sale")
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
        chosen = Category.objects.filter(Q(slug__in=filters.category_slugs) | Q(pk__in=filters.category_ids))
        q &= Q(listing__category_ids__overlap=ArraySubquery(chosen.values("pk")))
    if filters.tag_slug or filters.tag_name:
        chosen_tags = Tag.objects.filter(
            Q(slug=filters.tag_slug) if filters.tag_slug else Q(name__iexact=filters.tag_name)
        )
        q &= Q(listing__tag_ids__overlap=ArraySubquery(chosen_tags.values("pk")))
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
    newest = (F("listing__first_published_at").desc(nulls_last=True), F("listing__pk").desc())
    if sort == "newest":
        return products.order_by(*newest)
    if sort == "price_asc":
        return products.order_by(F("min_price").asc(nulls_last=True), *newest)
    if sort == "price_desc":
        return products.order_by(F("min_price").desc(nulls_last=True), *newest)
    ordering: list[Any] = [F("listing__featured").desc()]
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
    used = products.order_by().annotate(category_id=_unnest("listing__category_ids")).values("category_id")
    return list(Category.objects.filter(pk__in=used).order_by("name"))


def listing_tags(products: QuerySet[ProductPage]) -> list[Tag]:
    """Tags on at least one of ``products``, for the filter list (one query)."""
    used = products.order_by().annotate(tag_id=_unnest("listing__tag_ids")).values("tag_id")
    return list(Tag.objects.filter(pk__in=used).order_by("name"))


def _unnest(array_field: str) -> Func:
    """One row per element of an array column (a set-returning function in the select list)."""
    return Func(F(array_field), function="unnest", output_field=BigIntegerField())
