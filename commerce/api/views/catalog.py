"""Storefront reads: products, one product, collections and their products, search.

Everything goes through the catalog and search selectors the HTML pages use, on the store the
request's host resolves to (as for the storefront), so the API lists exactly what shoppers see.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from wagtail.models import Page

from commerce.catalog.models import CollectionPage, ProductPage
from commerce.catalog.selectors import (
    DEFAULT_SORT,
    SORT_KEYS,
    ListingScope,
    ProductFilters,
    collection_scope,
    filters_q,
    product_cards,
    product_detail,
    sort_products,
    store_products,
    with_card_data,
)
from commerce.stores.models import Store
from commerce.stores.selectors import store_for_request
from search.selectors import storefront_search

from ..serializers.catalog import (
    RENDITIONS,
    CollectionSerializer,
    ProductCardSerializer,
    ProductDetailSerializer,
    ProductQuerySerializer,
    SearchQuerySerializer,
    SearchResultsSerializer,
)


def request_store(request: Request) -> Store:
    store = store_for_request(request)
    if store is None:
        raise Http404("This site has no store.")
    return store


def query_filters(request: Request, serializer_class: type = ProductQuerySerializer) -> tuple[ProductFilters, dict]:
    query = serializer_class(data=_query_data(request))
    query.is_valid(raise_exception=True)
    data = query.validated_data
    filters = ProductFilters(
        min_price=data.get("min_price"),
        max_price=data.get("max_price"),
        in_stock=data["in_stock"],
        on_sale=data["on_sale"],
        category_slugs=tuple(data["category"]),
        tag_slug=data["tag"],
    )
    return filters, data


def _query_data(request: Request) -> dict[str, Any]:
    params = request.query_params
    data: dict[str, Any] = {key: params.get(key) for key in params if key != "category"}
    if "category" in params:
        data["category"] = params.getlist("category")
    return data


class _CardListView(generics.ListAPIView):
    """A paginated list of product cards (a ListAPIView, so the schema documents the page)."""

    permission_classes = [AllowAny]
    serializer_class = ProductCardSerializer

    def scope(self, root: Page) -> tuple[ListingScope, str]:
        return ListingScope(products=store_products(root=root)), DEFAULT_SORT

    def list_cards(self, request: Request) -> Response:
        store = request_store(request)
        filters, data = query_filters(request)
        scope, default_sort = self.scope(store.site.root_page)
        sort = data.get("sort") or default_sort
        products = sort_products(scope.products.filter(filters_q(filters)), sort=sort, manual_ids=scope.manual_ids)
        page = self.paginate_queryset(with_card_data(products, renditions=tuple(RENDITIONS.values())))
        cards = product_cards(page, currency=store.currency, request=request)
        return self.get_paginated_response(self.get_serializer(cards, many=True).data)


class ProductListView(_CardListView):
    @extend_schema(parameters=[ProductQuerySerializer], operation_id="products_list", tags=["storefront"])
    def get(self, request: Request) -> Response:
        """The store's live products with the storefront's filters and sorts."""
        return self.list_cards(request)


class ProductDetailView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProductDetailSerializer

    @extend_schema(operation_id="products_retrieve", tags=["storefront"])
    def get(self, request: Request, pk: int) -> Response:
        """One product: its variants with prices and stock status, images with rendition URLs."""
        store = request_store(request)
        page = ProductPage.objects.live().public().descendant_of(store.site.root_page).filter(pk=pk).first()
        if page is None:
            raise Http404("No such product.")
        return Response(self.get_serializer(product_detail(page=page, request=request, exact_stock=True)).data)


def store_collections(store: Store):
    return CollectionPage.objects.live().public().descendant_of(store.site.root_page).order_by("path")


class CollectionListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CollectionSerializer

    def get_queryset(self):
        return store_collections(request_store(self.request))

    @extend_schema(operation_id="collections_list", tags=["storefront"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CollectionProductsView(_CardListView):
    collection: CollectionPage

    def scope(self, root: Page) -> tuple[ListingScope, str]:
        sort = self.collection.default_sort if self.collection.default_sort in SORT_KEYS else DEFAULT_SORT
        return collection_scope(collection=self.collection, root=root), sort

    @extend_schema(parameters=[ProductQuerySerializer], operation_id="collections_products", tags=["storefront"])
    def get(self, request: Request, pk: int) -> Response:
        """A collection's products (hand-picked and rule matches), filtered and sorted."""
        collection = store_collections(request_store(request)).filter(pk=pk).first()
        if collection is None:
            raise Http404("No such collection.")
        self.collection = collection
        return self.list_cards(request)


class SearchView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = SearchResultsSerializer

    @extend_schema(parameters=[SearchQuerySerializer], operation_id="search", tags=["storefront"])
    def get(self, request: Request) -> Response:
        """Product search, ranked like the storefront's, with its filters and sorts (24 a page)."""
        request_store(request)
        filters, data = query_filters(request, SearchQuerySerializer)
        results = storefront_search(
            request=request, query=data["q"], filters=filters, sort=data["sort"], page_number=data["page"]
        )
        page = results.products.page
        body = {
            "query": results.query,
            "count": results.products.total,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "results": ProductCardSerializer(results.products.cards, many=True, context={"request": request}).data,
        }
        return Response(body)
