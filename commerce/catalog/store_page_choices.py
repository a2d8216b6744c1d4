"""Choosing products and collections for something that belongs to one store (a discount): a
searchable list of the staff member's stores' pages, each labelled with its store when another
store has a page of the same title, narrowed in the browser to the store chosen in the same form
(``static/catalog/store_page_picker.js``). The form's own ``clean`` still refuses another store's
page: the browser only helps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.models import Page

from commerce.stores.models import Store


class SearchableStoreCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with a search box; each option carries its store (``data-store``), and the list
    follows the store chosen in the field named by ``store_field`` (e.g. ``id_store``)."""

    class Media:
        js = ["catalog/store_page_picker.js"]
        css = {"all": ["catalog/admin.css"]}

    def __init__(self, *args: Any, store_field: str = "id_store", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store_field = store_field
        self.store_of: dict[int, int] = {}

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        """The checkboxes in a scrolling box under a search field (Django's own markup inside)."""
        return format_html(
            '<div class="store-page-picker" data-store-page-picker data-store-field="{}">'
            '<input type="search" class="store-page-picker__search" placeholder="Search" aria-label="Search"'
            " data-picker-search>"
            '<p class="help" data-picker-empty hidden>Nothing in this store matches.</p>'
            '<div class="store-page-picker__options">{}</div></div>',
            self.store_field,
            super().render(name, value, attrs, renderer),
        )

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        pk = getattr(value, "value", value)
        store = self.store_of.get(int(pk)) if str(pk).isdigit() else None
        if store is not None:
            option["attrs"]["data-store"] = str(store)
        return option


class StorePageMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Pages of ``stores`` ("Winter sale (Outfitters)" when two stores have a "Winter sale")."""

    widget = SearchableStoreCheckboxes

    def limit_to_stores(self, stores: list[Store]) -> None:
        roots = {store.site.root_page.path: store for store in stores}
        pages: QuerySet[Page] = self.queryset.model.objects.none()
        for path in roots:
            pages |= self.queryset.model.objects.filter(path__startswith=path)
        self.queryset = pages.order_by("title", "pk")
        self.store_by_page: dict[int, Store] = {}
        titles: dict[str, set[int]] = {}
        for page in self.queryset.only("pk", "title", "path"):
            store = next(s for path, s in roots.items() if page.path.startswith(path))
            self.store_by_page[page.pk] = store
            titles.setdefault(page.title.casefold(), set()).add(store.pk)
        self.shared_titles = {title for title, store_ids in titles.items() if len(store_ids) > 1}
        self.widget.store_of = {pk: store.pk for pk, store in self.store_by_page.items()}

    def label_from_instance(self, obj: Page) -> str:
        store = getattr(self, "store_by_page", {}).get(obj.pk)
        if store is not None and obj.title.casefold() in getattr(self, "shared_titles", set()):
            return f"{obj.title} ({store.name})"
        return obj.title
