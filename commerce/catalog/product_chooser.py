"""The product chooser used by collections' hand-picked lists: the staff member's products with a
thumbnail, the store, the price range and the available stock, searchable by title or SKU and
filtered to one store.

It starts in the right store: the store of the page being edited (read from the editor's URL, the
modal's Referer), unless ``?store=`` names another of the staff member's stores (``all``: every
one). Figures come from the Products screen's annotations (``with_listing_figures``): a page of
results costs the same queries whatever its size.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.images import get_image_model
from wagtail.models import Page

from commerce.stores.models import Store

from .models import ProductImage, ProductPage, ProductVariant
from .product_admin import (
    THUMBNAIL_SPEC,
    PriceRangeColumn,
    ThumbnailColumn,
    request_stores,
    store_root_q,
    with_listing_figures,
)

EDITOR_URL = re.compile(r"/admin/pages/(?:(\d+)/edit|add/\w+/\w+/(\d+))/")


def editing_store(request: Any, stores: list[Store]) -> Store | None:
    """The store of the page whose editor opened the chooser (from the Referer), if it is one of ``stores``."""
    match = EDITOR_URL.search(urlsplit(request.headers.get("Referer", "")).path)
    page_id = next((group for group in match.groups() if group), None) if match else None
    page = Page.objects.filter(pk=page_id).only("path").first() if page_id else None
    if page is None:
        return None
    return next((store for store in stores if page.path.startswith(store.site.root_page.path)), None)


class ProductFilterForm(BaseFilterForm):
    q = forms.CharField(label="Search", required=False, widget=forms.TextInput(attrs={"placeholder": "Title or SKU"}))
    store = forms.ChoiceField(label="Store", required=False)

    def __init__(self, *args: Any, stores: list[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stores = stores
        self.fields["store"].choices = [("all", "All my stores")] + [(str(s.pk), s.name) for s in stores]

    def filter(self, objects: QuerySet) -> QuerySet:
        chosen = self.cleaned_data.get("store")
        if chosen and chosen != "all":
            objects = objects.filter(store_root_q([s for s in self.stores if str(s.pk) == chosen]))
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            sku = ProductVariant.objects.filter(product_id=OuterRef("pk"), sku__icontains=query)
            objects = objects.filter(Q(title__icontains=query) | Exists(sku))
        return objects


class ProductChooseMixin:
    ordering = ["title", "pk"]
    per_page = 20

    def get_object_list(self) -> QuerySet[ProductPage]:
        images = ProductImage.objects.order_by("sort_order").prefetch_related(
            Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC))
        )
        products = ProductPage.objects.filter(store_root_q(request_stores(self.request)))
        return with_listing_figures(products).prefetch_related(Prefetch("gallery_images", queryset=images))

    def get_filter_form(self) -> ProductFilterForm:
        stores = request_stores(self.request)
        data = self.request.GET.copy()
        if "store" not in data:
            start = editing_store(self.request, stores) or (stores[0] if len(stores) == 1 else None)
            data["store"] = str(start.pk) if start else "all"
        return ProductFilterForm(data, stores=stores)

    @property
    def columns(self) -> list[Column]:
        stores = request_stores(self.request)
        columns = [
            ThumbnailColumn("thumbnail", label="", width="60px"),
            self.title_column,
            PriceRangeColumn("price", label="Price", width="18%"),
            Column("stock_total", label="Available", width="10%"),
        ]
        if len(stores) > 1:
            names = {s.site.root_page.path: s.name for s in stores}
            columns.insert(
                2,
                Column(
                    "store",
                    label="Store",
                    accessor=lambda p: next((n for path, n in names.items() if p.path.startswith(path)), ""),
                ),
            )
        return columns


class ProductChooseView(ProductChooseMixin, ChooseView):
    pass


class ProductChooseResultsView(ProductChooseMixin, ChooseResultsView):
    pass


class ProductChosenView(ChosenView):
    def get_object(self, pk: Any) -> ProductPage:
        """Only the staff member's products can be chosen, whatever id is sent."""
        return ProductPage.objects.filter(store_root_q(request_stores(self.request))).get(pk=pk)


class ProductChooserViewSet(ChooserViewSet):
    model = ProductPage
    icon = "tag"
    choose_one_text = "Choose a product"
    choose_another_text = "Choose another product"
    edit_item_text = "Edit product"
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    chosen_view_class = ProductChosenView
    preserve_url_parameters = ["multiple", "store"]


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="product-chooser")
ProductChooserWidget = product_chooser_viewset.widget_class
