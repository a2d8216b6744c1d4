"""One page of a listing, with a bounded count.

The count stops at the products the last reachable page shows (``MAGPIE_MAX_PAGE_NUMBER`` pages),
so a page costs the same in a store of a thousand products or of a million ("of 24,000+
products"). When the listing summary alone selects the listing's products (``paginate_summary``),
the count and the page's ids are read from the summary's sort indexes (index-only: a deep page's
OFFSET steps over index entries, not over joined page rows), and only the page's products are then
loaded with their card data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import F, QuerySet

from .models import ProductListing, ProductPage
from .selectors import sort_products, with_card_data


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing: the Django paginator page and whether the count stopped at its bound."""

    page_obj: PaginatorPage
    count_is_bounded: bool


def _bounded(rows: QuerySet, *, number: int, per_page: int) -> tuple[int, int, bool]:
    """The bounded count of ``rows``, the page number shown (clamped to the last page) and whether
    the count stopped at its bound."""
    bound = settings.MAGPIE_MAX_PAGE_NUMBER * per_page
    counted = rows.order_by().values("pk")[: bound + 1].count()
    total = min(counted, bound)
    last = max(1, -(-total // per_page))
    return total, min(number, last), counted > bound


def _page(rows: list[ProductPage], *, number: int, per_page: int, total: int, bounded: bool) -> ListingPage:
    paginator = Paginator([], per_page)
    paginator.count = total  # the cached_property, filled from the bounded count
    return ListingPage(page_obj=PaginatorPage(rows, number, paginator), count_is_bounded=bounded)


def paginate(products: QuerySet[ProductPage], *, number: int, per_page: int) -> ListingPage:
    """One page of the sorted ``products`` loaded with card data. The count reads bare rows,
    without the listing's per-product price and stock columns."""
    total, number, bounded = _bounded(products, number=number, per_page=per_page)
    offset = (number - 1) * per_page
    rows = list(with_card_data(products)[offset : offset + per_page]) if total else []
    return _page(rows, number=number, per_page=per_page, total=total, bounded=bounded)


def paginate_summary(
    rows: QuerySet[ProductListing], *, number: int, per_page: int, sort: str, manual_ids: Sequence[int] = ()
) -> ListingPage:
    """One page of the sorted summary ``rows`` (``sort_summary``), its products loaded with card
    data: one query picks the page's ids from the summary, the products' query reads those rows only."""
    total, number, bounded = _bounded(rows, number=number, per_page=per_page)
    offset = (number - 1) * per_page
    if not total:
        return _page([], number=number, per_page=per_page, total=0, bounded=False)
    shown = rows.values("pk")[offset : offset + per_page]
    products = ProductPage.objects.filter(pk__in=shown).annotate(min_price=F("listing__min_price"))
    page_rows = list(with_card_data(sort_products(products, sort=sort, manual_ids=manual_ids)))
    return _page(page_rows, number=number, per_page=per_page, total=total, bounded=bounded)
