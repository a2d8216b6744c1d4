"""Reads for the storefront, one module per use: ``cards`` (product grids), ``listings`` (a store's
products, collection scopes, filters, sorting, facets) and ``product_page`` (the product page).
Each returns what its template needs, already prefetched, so a page's query count does not grow
with the number of products, variants or images. The names are re-exported here, so
``from commerce.catalog.selectors import ...`` keeps working."""

from .cards import ProductCard, product_cards, product_cards_for_ids, with_card_data
from .listings import (
    DEFAULT_SORT,
    SORT_CHOICES,
    SORT_KEYS,
    ListingScope,
    ProductFilters,
    collection_rules,
    collection_scope,
    filters_q,
    sort_products,
    sort_summary,
    store_products,
    store_scope,
)
from .product_page import Breadcrumb, ProductDetail, VariantChoice, product_detail

__all__ = [
    "DEFAULT_SORT",
    "SORT_CHOICES",
    "SORT_KEYS",
    "Breadcrumb",
    "ListingScope",
    "ProductCard",
    "ProductDetail",
    "ProductFilters",
    "VariantChoice",
    "collection_rules",
    "collection_scope",
    "filters_q",
    "product_cards",
    "product_cards_for_ids",
    "product_detail",
    "sort_products",
    "sort_summary",
    "store_products",
    "store_scope",
    "with_card_data",
]
