"""The admin's Products screen: every product of the staff member's stores in one table.

Built on Wagtail's ``PageListingViewSet`` (filters, sorting, bulk actions, CSV/XLSX export come
from Wagtail). What this module adds: the store scope, the commerce columns (price range, total
available stock, variants, collections, thumbnail) as annotations and one prefetch each, so the
screen's query count does not grow with its rows, and filters a merchant asks for.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.images import get_image_model
from wagtail.models import Revision

from commerce.core.money import Money
from commerce.core.money_format import format_money
from commerce.stores.models import Store
from commerce.stores.staff_scope import staff_store_ids

from .availability import available_sum, in_stock_q
from .models import (
    Category,
    CollectionPage,
    CollectionProduct,
    ProductImage,
    ProductIndexPage,
    ProductPage,
    ProductVariant,
)

THUMBNAIL_SPEC = "fill-80x80"


def store_root_q(stores: QuerySet[Store] | list[Store]) -> Q:
    """Pages under any of ``stores``' root pages (nothing when there are none)."""
    q = Q(pk__in=[])
    for store in stores:
        q |= Q(path__startswith=store.site.root_page.path)
    return q


def stores_for_staff(user: Any) -> QuerySet[Store]:
    store_ids = staff_store_ids(user)
    stores = Store.objects.select_related("site__root_page").order_by("name")
    return stores if store_ids is None else stores.filter(pk__in=store_ids)


def request_stores(request: Any) -> list[Store]:
    """The staff member's stores, read once per request (the scope, the store and collection filters)."""
    if not hasattr(request, "_products_screen_stores"):
        request._products_screen_stores = list(stores_for_staff(request.user))
    return request._products_screen_stores


def _variants_of_row() -> QuerySet[ProductVariant]:
    return ProductVariant.objects.filter(product_id=OuterRef("pk")).order_by().values("product_id")


def with_listing_figures(pages: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
    """Annotate price range, currency, total available stock and variant count (subqueries: no join
    multiplies another)."""
    active = _variants_of_row().filter(is_active=True)
    return pages.annotate(
        price_min=Subquery(active.annotate(v=Min("price")).values("v")),
        price_max=Subquery(active.annotate(v=Max("price")).values("v")),
        currency=Subquery(_variants_of_row().values("store__currency")[:1]),
        stock_total=Coalesce(Subquery(active.annotate(v=available_sum()).values("v"), output_field=IntegerField()), 0),
        variant_count=Coalesce(Subquery(_variants_of_row().annotate(v=Count("pk")).values("v")), 0),
    )


class StatusFilter(django_filters.ChoiceFilter):
    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value == "live":
            return qs.filter(live=True)
        if value == "draft":
            return qs.filter(live=False)
        if value == "scheduled":
            scheduled = Revision.page_revisions.filter(
                approved_go_live_at__isnull=False, object_id=Cast(OuterRef("pk"), output_field=CharField())
            )
            return qs.filter(Exists(scheduled))
        return qs


class StoreFilter(django_filters.ModelMultipleChoiceFilter):
    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs.filter(store_root_q(value)) if value else qs


class ProductFilterSet(WagtailFilterSet):
    """Wagtail's page filters list every site, owner and editor; these list only the staff member's own."""

    store = StoreFilter(
        label="Store",
        queryset=lambda request: Store.objects.filter(pk__in=[s.pk for s in request_stores(request)]),
        widget=forms.CheckboxSelectMultiple,
    )
    status = StatusFilter(
        label="Status",
        empty_label="Any",
        choices=[("live", "Live"), ("draft", "Draft"), ("scheduled", "Scheduled")],
        widget=forms.RadioSelect,
    )
    collection = django_filters.ModelMultipleChoiceFilter(
        label="Collection",
        queryset=lambda request: CollectionPage.objects.filter(store_root_q(request_stores(request))),
        method="filter_collection",
        widget=forms.CheckboxSelectMultiple,
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label="Category",
        field_name="categories",
        queryset=Category.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    in_stock = django_filters.BooleanFilter(label="In stock", method="filter_in_stock")
    on_sale = django_filters.BooleanFilter(label="On sale", method="filter_on_sale")
    latest_revision_created_at = django_filters.DateFromToRangeFilter(label="Last edit", widget=DateRangePickerWidget)

    class Meta:
        model = ProductPage
        fields: list[str] = []

    def filter_collection(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return qs
        picked = CollectionProduct.objects.filter(collection__in=value, product_id=OuterRef("pk"))
        return qs.filter(Exists(picked))

    def filter_in_stock(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        stocked = ProductVariant.objects.filter(in_stock_q(), product_id=OuterRef("pk"), is_active=True)
        return qs.filter(Exists(stocked)) if value else qs.exclude(Exists(stocked))

    def filter_on_sale(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        sale = ProductVariant.objects.filter(product_id=OuterRef("pk"), is_active=True, compare_at_price__gt=F("price"))
        return qs.filter(Exists(sale)) if value else qs.exclude(Exists(sale))


class ThumbnailColumn(Column):
    cell_template_name = "catalog/admin/product_thumbnail_cell.html"

    def get_value(self, instance: ProductPage) -> Any:
        images = list(instance.gallery_images.all())
        return images[0].image if images else None


class PriceRangeColumn(Column):
    def get_value(self, instance: ProductPage) -> str:
        low, high, currency = instance.price_min, instance.price_max, instance.currency
        if low is None or not currency:
            return "—"
        text = format_money(Money(Decimal(low), currency))
        return text if low == high else f"{text} – {format_money(Money(Decimal(high), currency))}"


class CollectionsColumn(Column):
    def get_value(self, instance: ProductPage) -> str:
        return ", ".join(getattr(instance, "collection_titles", []))


class ProductIndexView(IndexView):
    page_title = "Products"
    is_searchable = True

    def get_add_url(self) -> str | None:
        """Straight to the new product's form when the staff member has one shop to add it to
        (Wagtail asks for the parent page first otherwise)."""
        url = super().get_add_url()
        roots = store_root_q(request_stores(self.request))
        shops = list(ProductIndexPage.objects.filter(roots).only("pk", "path", "depth")[:2])
        if url and len(shops) == 1 and shops[0].permissions_for_user(self.request.user).can_add_subpage():
            return reverse("wagtailadmin_pages:add", args=["catalog", "productpage", shops[0].pk])
        return url

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        return [*super().header_buttons, HeaderButton("Import CSV", url=reverse("products:import"), icon_name="upload")]

    def get_base_queryset(self) -> QuerySet[ProductPage]:
        pages = super().get_base_queryset().filter(store_root_q(request_stores(self.request)))
        images = ProductImage.objects.order_by("sort_order").prefetch_related(
            Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC))
        )
        return with_listing_figures(pages).prefetch_related(Prefetch("gallery_images", queryset=images))

    def search_queryset(self, queryset: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
        """Title or SKU, straight from the database: a SKU like "MO-010-M" defeats the full-text index."""
        if not self.is_searching:
            return queryset
        sku = ProductVariant.objects.filter(product_id=OuterRef("pk"), sku__icontains=self.search_query)
        return queryset.filter(Q(title__icontains=self.search_query) | Exists(sku))

    def get_ordering(self) -> str:
        ordering = self.request.GET.get("ordering", self.default_ordering)
        return ordering if ordering in self.get_valid_orderings() else self.default_ordering

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pages = list(context["object_list"])
        titles: dict[int, list[str]] = {}
        for row in CollectionProduct.objects.filter(product_id__in=[p.pk for p in pages]).values_list(
            "product_id", "collection__title"
        ):
            titles.setdefault(row[0], []).append(row[1])
        for page in pages:
            page.collection_titles = sorted(titles.get(page.pk, []))
        context["model_opts"] = ProductPage._meta  # the bulk actions registered for products (bulk_actions.py)
        return context


class ProductListingViewSet(PageListingViewSet):
    model = ProductPage
    icon = "tag"
    menu_label = "Products"
    menu_order = 150
    add_to_admin_menu = True
    name = "products"
    index_view_class = ProductIndexView
    filterset_class = ProductFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        ThumbnailColumn("thumbnail", label="", width="60px"),
        PageTitleColumn("title", label="Title", sort_key="title", classname="title"),
        PageStatusColumn("status", label="Status", sort_key="live", width="10%"),
        PriceRangeColumn("price", label="Price", sort_key="price_min", width="14%"),
        Column("stock_total", label="Available", sort_key="stock_total", width="8%"),
        Column("variant_count", label="Variants", sort_key="variant_count", width="8%"),
        CollectionsColumn("collections", label="Collections", width="14%"),
        DateColumn("latest_revision_created_at", label="Last edit", sort_key="latest_revision_created_at"),
    ]
    list_export = ["id", "title", "slug", "live", "price_min", "price_max", "currency", "stock_total", "variant_count"]
    export_headings = {
        "id": "ID",
        "price_min": "Lowest price",
        "price_max": "Highest price",
        "stock_total": "Available stock",
        "variant_count": "Variants",
    }
    export_filename = "products"

    def get_urlpatterns(self) -> list[Any]:
        from .builder_views import VariantBuilderView
        from .import_views import ProductImportView

        return [
            *super().get_urlpatterns(),
            path("import/", ProductImportView.as_view(), name="import"),
            path("variant-builder/", VariantBuilderView.as_view(), name="variant_builder"),
        ]


product_listing_viewset = ProductListingViewSet()
