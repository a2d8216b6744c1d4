"""The catalogue listing shared by ProductIndexPage and CollectionPage.

Filters are plain GET parameters validated by ``ListingFilterForm``. A bad value is ignored and
its error is shown above the results; it never becomes a 500. Page numbers are clamped rather
than answered with a 404: a number above ``MAGPIE_MAX_PAGE_NUMBER`` is read as that maximum, and
a page past the end shows the last page, so an old or hand-edited link still lands on products.
The canonical link and the pagination name the page actually shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from wagtail.models import Page, Site

from commerce.core.page_cache import store_generation
from commerce.stores.selectors import store_for_request

from .listing_pages import paginate, paginate_summary
from .models import CollectionPage, ProductIndexPage
from .selectors import (
    DEFAULT_SORT,
    SORT_CHOICES,
    SORT_KEYS,
    ListingScope,
    ProductCard,
    ProductFilters,
    collection_scope,
    filters_q,
    product_cards,
    sort_products,
    sort_summary,
    store_scope,
)
from .selectors.facets import ListingFacets, store_facets, summary_facets

FACETS_SECONDS = 24 * 60 * 60  # a bound on memory; the store's generation retires them sooner
LISTING_SECONDS = 60 * 60  # a bound on memory; the store's generation retires them sooner
PRICE_FIELD = {"required": False, "min_value": 0, "max_digits": 12, "decimal_places": 2}


class ListingFilterForm(forms.Form):
    """The shopper's filters. Category and tag choices are the facets of the listing being filtered."""

    min_price = forms.DecimalField(label="Minimum price", **PRICE_FIELD)
    max_price = forms.DecimalField(label="Maximum price", **PRICE_FIELD)
    in_stock = forms.BooleanField(label="In stock only", required=False)
    on_sale = forms.BooleanField(label="On sale", required=False)
    category = forms.MultipleChoiceField(label="Category", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(label="Page", required=False, min_value=1)

    def __init__(self, data: Any, *, category_choices: list[tuple[str, str]], tag_choices: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["category"].choices = category_choices
        self.fields["tag"].choices = [("", "Any tag"), *tag_choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The maximum price must not be below the minimum price.")
        return cleaned

    def product_filters(self) -> ProductFilters:
        """The valid filters only: a field with an error is left out (call after ``is_valid``)."""
        data = self.cleaned_data
        return ProductFilters(
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            on_sale=bool(data.get("on_sale")),
            category_slugs=tuple(data.get("category") or ()),
            tag_slug=data.get("tag") or "",
        )

    def error_messages(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        ]


@dataclass(frozen=True)
class Option:
    """A choice in the filter sidebar or sort menu."""

    value: str
    label: str
    selected: bool
    count: int | None = None  # products choosing it would show, given the other active filters
    count_label: str = ""  # the count as shown ("100+" above a filtered listing's cap)


@dataclass(frozen=True)
class PageLink:
    """A pagination entry; ``number`` is None for an ellipsis."""

    number: int | None
    url: str
    is_current: bool


def listing_context(request: HttpRequest, *, page: ProductIndexPage | CollectionPage) -> dict[str, Any]:
    """Template context for a listing page: cards, pagination, the filter form, facets and sorting."""
    store = store_for_request(request)
    if store is None:
        raise Http404("This site has no store.")
    if isinstance(page, CollectionPage):
        default_sort = page.default_sort if page.default_sort in SORT_KEYS else DEFAULT_SORT
    else:
        default_sort = DEFAULT_SORT
    scope = LazyScope(request, page=page, store_site_id=store.site_id, store_root=lambda: store.site.root_page)
    choices = listing_facets(scope, request=request, site_id=store.site_id, listing_id=page.pk)
    form = ListingFilterForm(
        request.GET,
        category_choices=[(c.slug, c.name) for c in choices.categories],
        tag_choices=[(t.slug, t.name) for t in choices.tags],
    )
    form.is_valid()
    filters = choices.resolve(form.product_filters())
    sort = form.cleaned_data.get("sort") or default_sort
    requested = min(form.cleaned_data.get("page") or 1, settings.MAGPIE_MAX_PAGE_NUMBER)
    params = filter_params(filters, sort=sort, default_sort=default_sort)
    facets = choices
    if not filters.is_empty:
        facets = choices.with_counts(
            listing_facets(
                scope,
                request=request,
                site_id=store.site_id,
                listing_id=page.pk,
                filters=filters,
                params=tuple(param for param in params if param[0] != "sort"),  # counts ignore the sort
                choices=choices,
            )
        )
    result = listing_result(
        scope,
        request=request,
        site_id=store.site_id,
        listing=ListingQuery(
            listing_id=page.pk, params=(*params, ("sort", sort)), number=requested, per_page=page.products_per_page
        ),
        build=lambda: _read_listing(
            scope, filters=filters, sort=sort, number=requested, page=page, currency=store.currency, request=request
        ),
    )
    paginator = Paginator([], page.products_per_page)
    paginator.count = result.total  # the cached_property, filled from the bounded count
    page_obj = PaginatorPage(result.cards, result.number, paginator)

    previous_number = page_obj.previous_page_number() if page_obj.has_previous() else None
    next_number = page_obj.next_page_number() if page_obj.has_next() else None
    return {
        "cards": result.cards,
        "page_obj": page_obj,
        "paginator": paginator,
        "result_count": result.total,
        "result_count_is_bounded": result.count_is_bounded,
        "filter_form": form,
        "filter_errors": form.error_messages(),
        "filters": filters,
        "has_filters": not filters.is_empty,
        "category_options": [
            Option(c.slug, c.name, c.slug in filters.category_slugs, c.count, facets.label(c.count))
            for c in facets.categories
        ],
        "tag_options": [
            Option(t.slug, t.name, t.slug == filters.tag_slug, t.count, facets.label(t.count)) for t in facets.tags
        ],
        "facets": facets,
        "sort": sort,
        "sort_options": [Option(key, label, key == sort) for key, label in SORT_CHOICES],
        "page_links": page_links(page_obj, path=request.path, params=params),
        "previous_url": page_url(request.path, params, previous_number) if previous_number else "",
        "next_url": page_url(request.path, params, next_number) if next_number else "",
        "clear_filters_url": page_url(request.path, [p for p in params if p[0] == "sort"], 1),
        "canonical_url": page_url(page.get_full_url(request) or "", [], page_obj.number),
    }


class LazyScope:
    """The listing's scope, read only when a cache misses: building it reads the collection's picks
    and rules and Wagtail's view restrictions (``public()``), which a listing served from the
    ``listings`` cache does not need."""

    def __init__(
        self,
        request: HttpRequest,
        *,
        page: ProductIndexPage | CollectionPage,
        store_site_id: int,
        store_root: Callable[[], Page],
    ):
        self._request, self._page, self._site_id, self._store_root = request, page, store_site_id, store_root
        self._scope: ListingScope | None = None

    def get(self) -> ListingScope:
        if self._scope is None:
            root = _site_root(self._request, store_site_id=self._site_id) or self._store_root()
            if isinstance(self._page, CollectionPage):
                self._scope = collection_scope(collection=self._page, root=root)
            else:
                self._scope = store_scope(root=root)
        return self._scope


@dataclass(frozen=True)
class ListingQuery:
    """What a listing page's result depends on besides the store's catalogue: the listing page, the
    shopper's valid filters and sort (normalised as query parameters), the page number asked for
    and the page size."""

    listing_id: int
    params: tuple[tuple[str, str], ...]
    number: int
    per_page: int

    def cache_key(self, *, site_id: int, generation: str) -> str:
        shown = repr((self.params, self.number, self.per_page)).encode()
        digest = hashlib.blake2b(shown, digest_size=16).hexdigest()
        return f"magpie.listing:{site_id}:{generation}:{self.listing_id}:{digest}"


@dataclass(frozen=True)
class ListingResult:
    """One page of a listing as shown: its cards, the page number shown (clamped to the last page),
    the bounded count and whether the count stopped at its bound."""

    cards: list[ProductCard]
    number: int
    total: int
    count_is_bounded: bool


def listing_result(
    scope: LazyScope,
    *,
    request: HttpRequest,
    site_id: int,
    listing: ListingQuery,
    build: Callable[[], ListingResult],
) -> ListingResult:
    """The listing's page of cards, kept in the ``listings`` cache under the store's generation
    (``store_generation``): every change a card or the selection can show — a publish (title, price,
    categories, the collection's rules), an unpublish, a move, a stock status (in stock, low, sold
    out: the in-stock filter and the price sorts follow it) — starts a new generation, so a repeated
    listing reads no product row. Previews (a collection's unsaved rules) are read afresh."""
    if getattr(request, "is_preview", False):
        return build()
    cache = caches["listings"]
    key = listing.cache_key(site_id=site_id, generation=store_generation(site_id))
    result = cache.get(key)
    if result is None:
        result = build()
        cache.set(key, result, timeout=LISTING_SECONDS)
    return result


def _read_listing(
    scope: LazyScope,
    *,
    filters: ProductFilters,
    sort: str,
    number: int,
    page: ProductIndexPage | CollectionPage,
    currency: str,
    request: HttpRequest,
) -> ListingResult:
    listing_scope = scope.get()
    if listing_scope.summary is not None:
        rows = sort_summary(
            listing_scope.summary.filter(filters_q(filters, summary="")), sort=sort, manual_ids=listing_scope.manual_ids
        )
        listing_page = paginate_summary(
            rows, number=number, per_page=page.products_per_page, sort=sort, manual_ids=listing_scope.manual_ids
        )
    else:
        products = sort_products(
            listing_scope.products.filter(filters_q(filters)), sort=sort, manual_ids=listing_scope.manual_ids
        )
        listing_page = paginate(products, number=number, per_page=page.products_per_page)
    page_obj = listing_page.page_obj
    return ListingResult(
        cards=product_cards(page_obj.object_list, currency=currency, request=request),
        number=page_obj.number,
        total=page_obj.paginator.count,
        count_is_bounded=listing_page.count_is_bounded,
    )


def listing_facets(
    scope: LazyScope,
    *,
    request: HttpRequest,
    site_id: int,
    listing_id: int,
    filters: ProductFilters | None = None,
    params: tuple[tuple[str, str], ...] = (),
    choices: ListingFacets | None = None,
) -> ListingFacets:
    """The listing's facets (``selectors.facets``): with no ``filters``, its scope's categories and
    tags with their counts, the in-stock and on-sale counts and the price range — for a whole store
    from the counts the database keeps, whatever its size, otherwise capped (``summary_facets``);
    with ``filters`` (named by ``params``), the counts given them of the scope's ``choices`` (its
    unfiltered facets). Kept in the ``listings`` cache under the store's generation
    (``store_generation``), which changes with every publish, unpublish, move and stock status the
    counts follow; previews are read afresh."""

    def read() -> ListingFacets:
        listing_scope = scope.get()
        unfiltered = filters is None or filters.is_empty
        if unfiltered and listing_scope.store_root_path:
            return store_facets(root_path=listing_scope.store_root_path)
        return summary_facets(
            listing_scope.summary_rows,
            filters=filters or ProductFilters(),
            root_path=listing_scope.root_path,
            choices=None if unfiltered else choices,
        )

    if getattr(request, "is_preview", False):
        return read()
    cache = caches["listings"]
    digest = hashlib.blake2b(repr(params).encode(), digest_size=16).hexdigest()
    key = f"magpie.listing_facets:{site_id}:{store_generation(site_id)}:{listing_id}:{digest}"
    facets = cache.get(key)
    if facets is None:
        facets = read()
        cache.set(key, facets, timeout=FACETS_SECONDS)
    return facets


def _site_root(request: HttpRequest, *, store_site_id: int) -> Page | None:
    """The site root page Wagtail already loaded to route this request, when it is the store's site."""
    site = Site.find_for_request(request)
    return site.root_page if site is not None and site.pk == store_site_id else None


def filter_params(filters: ProductFilters, *, sort: str, default_sort: str) -> list[tuple[str, str]]:
    """The active, valid filters as query parameters (bad input is never echoed back into links)."""
    params: list[tuple[str, str]] = []
    if filters.min_price is not None:
        params.append(("min_price", str(filters.min_price)))
    if filters.max_price is not None:
        params.append(("max_price", str(filters.max_price)))
    if filters.in_stock:
        params.append(("in_stock", "on"))
    if filters.on_sale:
        params.append(("on_sale", "on"))
    params.extend(("category", slug) for slug in filters.category_slugs)
    if filters.tag_slug:
        params.append(("tag", filters.tag_slug))
    if sort != default_sort:
        params.append(("sort", sort))
    return params


def page_url(path: str, params: list[tuple[str, str]], number: int) -> str:
    """``path`` with the filters and the page number (page 1 is left out)."""
    query = urlencode([*params, ("page", str(number))] if number > 1 else params)
    return f"{path}?{query}" if query else path


def page_links(page_obj: PaginatorPage, *, path: str, params: list[tuple[str, str]]) -> list[PageLink]:
    paginator = page_obj.paginator
    return [
        PageLink(number=None, url="", is_current=False)
        if number == paginator.ELLIPSIS
        else PageLink(number=number, url=page_url(path, params, number), is_current=number == page_obj.number)
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    ]
