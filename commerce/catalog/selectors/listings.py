"""Listings: the store's live products, collection scopes (hand-picked and rules), shopper filters,
sorting (the facets a filter panel lists are in ``facets``)."""

from __future__ import annotations

import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, reduce
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from taggit.models import Tag
from wagtail.models import Page

from commerce.core.page_routing import restricted_paths

from ..models import Category, CollectionPage, ProductListing, ProductPage

TOP_DEPTH = 2  # a site's home page: the summary's ``root_path`` is a product's ancestor at this depth


def summary_root_path(page: Page) -> str:
    """The ``root_path`` of the summary rows under ``page``: the path of its ancestor at ``TOP_DEPTH``
    (the store's home page). Meaningful for a page at that depth or below."""
    return page.path[: TOP_DEPTH * Page.steplen]


SORT_CHOICES: tuple[tuple[str, str], ...] = tuple(CollectionPage.SORT_CHOICES)
SORT_KEYS = frozenset(key for key, _ in SORT_CHOICES)
DEFAULT_SORT = "featured"


@dataclass(frozen=True)
class ProductFilters:
    """Conditions a product must meet; empty values do not filter. Used for shopper filters and collection rules.

    ``category_ids`` and ``tag_ids`` are ids already resolved (those of ``category_slugs``, of
    ``tag_slug``/``tag_name``, which stay set so that links keep naming them): when given they are the
    condition, as literal arrays, so PostgreSQL plans with the summary's statistics of those very ids
    (a rare tag is read from its GIN index, a common one along the sort's index). Slugs or a name left
    unresolved are looked up inside the query; one naming no category or tag matches nothing."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    on_sale: bool = False
    category_slugs: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    tag_slug: str = ""
    tag_name: str = ""
    tag_ids: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == ProductFilters()


@dataclass(frozen=True)
class ListingScope:
    """The products a listing page shows before the shopper filters them. ``root`` is the store's
    root and ``summary_q`` their condition on its summary rows (None: every product of the store).
    ``summary`` is their listing summary rows when the summary alone can select them (read on first
    use: it checks the store for view restrictions), ``store_root_path`` is set when they are every
    product of a store, whose facet counts the database keeps (``ListingFacetCount``)."""

    products: QuerySet[ProductPage]
    manual_ids: tuple[int, ...] = ()
    root: Page | None = None
    summary_q: Q | None = None

    @cached_property
    def summary(self) -> QuerySet[ProductListing] | None:
        rows = store_summary(root=self.root) if self.root is not None else None
        return rows.filter(self.summary_q) if rows is not None and self.summary_q is not None else rows

    @property
    def store_root_path(self) -> str:
        return self.root.path if self.root is not None and self.summary_q is None and self.summary is not None else ""

    @property
    def root_path(self) -> str:
        """The ``root_path`` of the store's summary rows."""
        return summary_root_path(self.root) if self.root is not None else ""

    @property
    def summary_rows(self) -> QuerySet[ProductListing]:
        if self.summary is not None:
            return self.summary
        return ProductListing.objects.filter(product__in=self.products.order_by().values("pk"))


def store_scope(*, root: Page) -> ListingScope:
    """Every live, public product of the store under ``root``."""
    return ListingScope(products=store_products(root=root), root=root)


def store_summary(*, root: Page) -> QuerySet[ProductListing] | None:
    """The summary rows of ``store_products(root=root)`` read from the summary alone — when ``root``
    is a site's top page (its rows are one ``root_path``) and no page of the store carries a view
    restriction or is an alias (the summary knows neither); otherwise None."""
    if root.depth != TOP_DEPTH or any(path.startswith(root.path) for path in restricted_paths()):
        return None
    return ProductListing.objects.filter(root_path=root.path)


def store_products(*, root: Page, restricted: Collection[str] | None = None) -> QuerySet[ProductPage]:
    """Live, public products under a store's site root, annotated for filtering and sorting from
    their listing summary (``ProductListing``), so filters and sorts read one indexed table.

    ``min_price`` is the cheapest active variant's price among those with stock (among all active
    variants when every one is sold out); ``in_stock`` means an active variant has
    stock left to sell (on hand above what checkouts reserve); ``on_sale`` means an active variant's
    compare-at price is above its price.

    ``restricted``: the paths ``page_routing.restricted_paths`` read, for a caller building several
    querysets from one read; products at or under any of them (a view-restricted section, or an
    alias, whose restrictions are its source's) are left out. Without it, Wagtail's ``public()``
    reads the view restrictions (a query each call).
    """
    products = ProductPage.objects.live()
    if restricted is None:
        products = products.public()
    else:  # only the paths above or inside the store's tree can hide one of its products
        hiding = [path for path in restricted if path.startswith(root.path) or root.path.startswith(path)]
        if hiding:
            products = products.exclude(reduce(operator.or_, (Q(path__startswith=path) for path in hiding)))
    products = products.descendant_of(root)
    if root.depth >= TOP_DEPTH:  # the store's rows are one range of the summary's indexes
        products = products.filter(listing__root_path=summary_root_path(root))
    else:
        products = products.filter(listing__isnull=False)
    return products.annotate(
        min_price=F("listing__min_price"), in_stock=F("listing__in_stock"), on_sale=F("listing__on_sale")
    )


def filters_q(filters: ProductFilters, *, summary: str = "listing__") -> Q:
    """A condition on ``store_products`` rows matching every non-empty filter (on ``ProductListing``
    rows with ``summary=""``)."""
    q = Q()
    if filters.min_price is not None:
        q &= Q(min_price__gte=filters.min_price)
    if filters.max_price is not None:
        q &= Q(min_price__lte=filters.max_price)
    if filters.in_stock:
        q &= Q(in_stock=True)
    if filters.on_sale:
        q &= Q(on_sale=True)
    if filters.category_ids:
        q &= Q(**{f"{summary}category_ids__overlap": list(filters.category_ids)})
    elif filters.category_slugs:
        chosen = Category.objects.filter(slug__in=filters.category_slugs)
        q &= Q(**{f"{summary}category_ids__overlap": ArraySubquery(chosen.values("pk"))})
    if filters.tag_ids:
        q &= Q(**{f"{summary}tag_ids__overlap": list(filters.tag_ids)})
    elif filters.tag_slug or filters.tag_name:
        chosen_tags = Tag.objects.filter(
            Q(slug=filters.tag_slug) if filters.tag_slug else Q(name__iexact=filters.tag_name)
        )
        q &= Q(**{f"{summary}tag_ids__overlap": ArraySubquery(chosen_tags.values("pk"))})
    return q


def collection_rules(collection: CollectionPage) -> ProductFilters:
    """The collection's rules as filters, with their categories' and tag's ids (a query for its
    categories, none in a preview; one for its tag's ids when it has a tag rule)."""
    tag_name = collection.rule_tag.strip()
    return ProductFilters(
        min_price=collection.rule_min_price,
        max_price=collection.rule_max_price,
        in_stock=collection.rule_in_stock,
        on_sale=collection.rule_on_sale,
        category_ids=tuple(category.pk for category in collection.rule_categories.all()),
        tag_name=tag_name,
        tag_ids=tuple(Tag.objects.filter(name__iexact=tag_name).values_list("pk", flat=True)) if tag_name else (),
    )


def collection_scope(*, collection: CollectionPage, root: Page) -> ListingScope:
    """Hand-picked products plus rule matches; the whole store when the collection has neither."""
    manual_ids = tuple(
        dict.fromkeys(item.product_id for item in collection.manual_products.all().order_by("sort_order"))
    )
    rules = collection_rules(collection)
    if rules.is_empty and not manual_ids:
        return store_scope(root=root)
    conditions = [Q(pk__in=manual_ids)] if manual_ids else []
    summary_conditions = [Q(product_id__in=manual_ids)] if manual_ids else []
    if not rules.is_empty:
        conditions.append(filters_q(rules))
        summary_conditions.append(filters_q(rules, summary=""))
    return ListingScope(
        products=store_products(root=root).filter(reduce(operator.or_, conditions)),
        manual_ids=manual_ids,
        root=root,
        summary_q=reduce(operator.or_, summary_conditions),
    )


def sort_products(
    products: QuerySet[ProductPage], *, sort: str, manual_ids: Sequence[int] = ()
) -> QuerySet[ProductPage]:
    """Order a listing. Featured: featured flag, then hand-picked order, then newest."""
    return products.order_by(*_ordering(sort, manual_ids=manual_ids, summary="listing__", pk="pk"))


def sort_summary(
    rows: QuerySet[ProductListing], *, sort: str, manual_ids: Sequence[int] = ()
) -> QuerySet[ProductListing]:
    """Order summary rows as ``sort_products`` orders their products (an index serves each sort)."""
    return rows.order_by(*_ordering(sort, manual_ids=manual_ids, summary="", pk="product_id"))


def _ordering(sort: str, *, manual_ids: Sequence[int], summary: str, pk: str) -> list[Any]:
    """The order of a sort; ``summary`` prefixes the summary's fields, ``pk`` names the product id."""
    newest = [F(f"{summary}first_published_at").desc(nulls_last=True), F(f"{summary}pk").desc()]
    if sort == "newest":
        return newest
    if sort == "price_asc":
        return [F("min_price").asc(nulls_last=True), *newest]
    if sort == "price_desc":
        return [F("min_price").desc(nulls_last=True), *newest]
    ordering: list[Any] = [F(f"{summary}featured").desc()]
    if manual_ids:
        position = Case(
            *(When(**{pk: product_id}, then=Value(index)) for index, product_id in enumerate(manual_ids)),
            default=None,
            output_field=IntegerField(),
        )
        ordering.append(position.asc(nulls_last=True))
    return [*ordering, *newest]
