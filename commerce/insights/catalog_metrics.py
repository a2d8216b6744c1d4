"""Sales by category and by collection: the period's paid order lines grouped by what their product
belongs to, per currency.

A product in two categories counts fully in each (a category's figure is "sales of products in it",
so the rows do not add up to the store's total, and the report says so). Collection membership is
the collection's membership today, as the storefront lists it (hand-picked products plus those its
rules match: categories, tag, price, on sale, in stock; a collection with neither lists the whole
store). Lines whose variant has been deleted belong to no product and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum

from commerce.catalog.models import CollectionPage, ProductPage, ProductTag
from commerce.catalog.selectors import collection_rules, store_products
from commerce.stores.models import Store

from .metrics import paid_lines_in
from .metrics_scope import Period, metric_query, stores_in_scope
from .models import DailyProductSales
from .summary_reads import add_up, split_period

ProductCategory = ProductPage.categories.through


@dataclass(frozen=True)
class GroupSales:
    """One category's or collection's sales in one currency."""

    currency: str
    group_id: int
    name: str
    products: int
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class _ProductSale:
    store_id: int
    currency: str
    product_id: int
    units: int
    revenue: Decimal


def _product_sales(stores, period: Period) -> list[_ProductSale]:
    """Units and revenue per store, currency and product: past days from the daily product
    summary, today from the order lines (at most two queries)."""
    split = split_period(stores, period)
    rows: list[dict] = []
    if split.has_past:
        rows += (
            DailyProductSales.objects.filter(split.past, product_id__isnull=False)
            .values("store_id", "currency", "product_id")
            .annotate(units=Sum("units"), revenue=Sum("revenue"))
            .order_by()
        )
    if split.live:
        rows += (
            paid_lines_in(split.live)
            .filter(variant__isnull=False)
            .annotate(store_id=F("order__store_id"), currency=F("order__currency"), product_id=F("variant__product_id"))
            .values("store_id", "currency", "product_id")
            .annotate(units=Sum("quantity"), revenue=Sum("line_total"))
            .order_by()
        )
    totals = add_up({}, rows, key=["store_id", "currency", "product_id"], sums=["units", "revenue"])
    return [_ProductSale(**row) for row in totals.values()]


def _ranked(totals: dict[tuple[str, int], list], names: dict[int, str], *, by: str, limit: int) -> list[GroupSales]:
    if by not in ("revenue", "units"):
        raise ValueError("by must be 'revenue' or 'units'")
    rows = [
        GroupSales(
            currency=currency,
            group_id=group_id,
            name=names[group_id],
            products=len(products),
            units=units,
            revenue=revenue,
        )
        for (currency, group_id), (units, revenue, products) in totals.items()
    ]
    rows.sort(key=lambda r: (r.currency, -(r.revenue if by == "revenue" else r.units), r.name, r.group_id))
    result: list[GroupSales] = []
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if counts[row.currency] < limit:
            counts[row.currency] += 1
            result.append(row)
    return result


def _add(totals: dict[tuple[str, int], list], key: tuple[str, int], sale: _ProductSale) -> None:
    entry = totals.setdefault(key, [0, Decimal("0.00"), set()])
    entry[0] += sale.units
    entry[1] += sale.revenue
    entry[2].add(sale.product_id)


def top_categories(
    *, user: Any, period: Period, store_ids: Sequence[int] | None = None, by: str = "revenue", limit: int = 10
) -> list[GroupSales]:
    """Categories by ``revenue`` (line totals after discounts) or ``units`` of their products sold in
    the period, at most ``limit`` per currency. Two queries whatever the data."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        sales = _product_sales(stores, period)
        links = list(
            ProductCategory.objects.filter(productpage_id__in={s.product_id for s in sales}).values_list(
                "productpage_id", "category_id", "category__name"
            )
        )
    categories: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for product_id, category_id, name in links:
        categories[product_id].append(category_id)
        names[category_id] = name
    totals: dict[tuple[str, int], list] = {}
    for sale in sales:
        for category_id in categories[sale.product_id]:
            _add(totals, (sale.currency, category_id), sale)
    return _ranked(totals, names, by=by, limit=limit)


def top_collections(
    *, user: Any, period: Period, store_ids: Sequence[int] | None = None, by: str = "revenue", limit: int = 10
) -> list[GroupSales]:
    """Collections by ``revenue`` or ``units`` of the products they list today sold in the period,
    at most ``limit`` per currency. Six queries plus one per store in scope, whatever the orders."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        sales = _product_sales(stores, period)
        sold = {s.product_id for s in sales}
        collections = list(
            CollectionPage.objects.live().prefetch_related("manual_products", "rule_categories").order_by("path")
        )
        categories = _pairs(ProductCategory.objects.filter(productpage_id__in=sold), "productpage_id", "category_id")
        tags = _pairs(ProductTag.objects.filter(content_object_id__in=sold), "content_object_id", "tag__name")
        roots = {store.pk: store.site.root_page for store in _with_roots(stores)}
        state = {
            product.pk: product
            for root in roots.values()
            for product in store_products(root=root).filter(pk__in=sold).only("pk")
        }
    totals: dict[tuple[str, int], list] = {}
    for collection in collections:
        store_id = next((pk for pk, root in roots.items() if collection.path.startswith(root.path)), None)
        if store_id is None:
            continue
        for sale in sales:
            if sale.store_id == store_id and _lists(collection, state.get(sale.product_id), categories, tags):
                _add(totals, (sale.currency, collection.pk), sale)
    names = {collection.pk: collection.title for collection in collections}
    return _ranked(totals, names, by=by, limit=limit)


def _pairs(queryset, key: str, value: str) -> dict[int, set]:
    pairs: dict[int, set] = defaultdict(set)
    for left, right in queryset.values_list(key, value):
        pairs[left].add(right.lower() if isinstance(right, str) else right)
    return pairs


def _with_roots(stores: Iterable[Store]) -> list[Store]:
    return list(Store.objects.filter(pk__in=[store.pk for store in stores]).select_related("site__root_page"))


def _lists(collection: CollectionPage, product: Any, categories: dict, tags: dict) -> bool:
    """Whether the collection lists ``product`` (a ``store_products`` row; None: not live any more)."""
    if product is None:
        return False
    manual = {item.product_id for item in collection.manual_products.all()}
    if product.pk in manual:
        return True
    rules = collection_rules(collection)
    if rules.is_empty:
        return not manual
    return (
        (rules.min_price is None or (product.min_price is not None and product.min_price >= rules.min_price))
        and (rules.max_price is None or (product.min_price is not None and product.min_price <= rules.max_price))
        and (not rules.in_stock or product.in_stock)
        and (not rules.on_sale or product.on_sale)
        and (not rules.category_ids or bool(categories[product.pk] & set(rules.category_ids)))
        and (not rules.tag_name or rules.tag_name.lower() in tags[product.pk])
    )
