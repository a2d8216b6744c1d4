"""The product editor's form: SKUs are unique per store, checked before the database says so."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminPageForm


def store_collections(page) -> QuerySet:
    """The collections of the store ``page`` (or the parent it is created under) belongs to."""
    from commerce.stores.selectors import store_for_page

    from .models import CollectionPage

    store = store_for_page(page) if page is not None else None
    root_path = store.site.root_page.path if store is not None else "!"
    return CollectionPage.objects.filter(path__startswith=root_path).order_by("title")


class ProductCollectionsForm(forms.Form):
    """The product's hand-picked collections. Part of the product editor (as ``ProductPageForm``'s
    field) and read again from the same POST once the page is saved, by the ``after_create_page`` /
    ``after_edit_page`` hook (Wagtail reloads the page after publishing, so nothing else survives)."""

    collections = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The product is added to these collections' hand-picked lists (and taken off the others') "
        "when you save; each collection's own editor shows the same list.",
    )

    def __init__(self, *args, store_page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collections"].queryset = store_collections(store_page)


class ProductPageForm(WagtailAdminPageForm):
    collections = ProductCollectionsForm.base_fields["collections"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._label_option_values()
        if "collections" in self.fields:
            self._offer_the_stores_collections()

    def _offer_the_stores_collections(self) -> None:
        from .merchandising import product_collections

        parent = getattr(self, "parent_page", None) or (self.instance.get_parent() if self.instance.pk else None)
        self.fields["collections"].queryset = store_collections(parent)
        if self.instance.pk and not self.is_bound:
            self.initial["collections"] = [c.pk for c in product_collections(self.instance)]

    def _label_option_values(self) -> None:
        """Each variant's option value fields are labelled with their option's name ("Size")."""
        variants = self.formsets.get("variants") if hasattr(self, "formsets") else None
        if variants is None:
            return
        source = self.data if self.is_bound else {}
        names = (
            source.get("option1_name", self.instance.option1_name),
            source.get("option2_name", self.instance.option2_name),
        )
        for form in variants.forms:  # rows added in the browser are labelled by variant_builder.js
            for number, name in enumerate(names, start=1):
                field = form.fields.get(f"option{number}_value")
                if field is not None and name and name.strip():
                    field.label = name.strip()

    def clean(self):
        cleaned_data = super().clean()
        self._name_the_slug_holder(getattr(self, "parent_page", None) or self.instance.get_parent())
        variants = self.formsets.get("variants") if hasattr(self, "formsets") else None
        if variants is None:
            return cleaned_data

        from commerce.stores.selectors import store_for_page

        from .conflicts import sku_conflict_message, sku_holders

        parent = getattr(self, "parent_page", None) or self.instance.get_parent()
        store = store_for_page(parent) if parent is not None else None
        kept = [
            form
            for form in variants.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            self.add_error(None, "A product needs at least one variant.")
            return cleaned_data

        seen: dict[str, object] = {}
        for form in kept:
            sku = (form.cleaned_data.get("sku") or "").strip()
            form.cleaned_data["sku"] = sku
            form.instance.sku = sku
            form.instance.store = store
            if sku.lower() in seen:
                form.add_error("sku", f"SKU {sku} is used by another variant of this product.")
            seen[sku.lower()] = form

        if store is not None and seen:
            holders = sku_holders(store=store, skus=[f.instance.sku for f in kept], exclude_page_id=self.instance.pk)
            for sku, page in holders.items():
                seen[sku.lower()].add_error("sku", sku_conflict_message(sku=sku, page=page, store=store))
        return cleaned_data

    def _name_the_slug_holder(self, parent) -> None:
        """Wagtail says a slug is in use; say by which page, with a link to it."""
        from .conflicts import slug_conflict_message

        slug = self.data.get("slug") if "slug" in self.errors else None
        message = slug and parent and slug_conflict_message(slug=slug, parent=parent, exclude_page_id=self.instance.pk)
        if message:
            self.errors["slug"] = self.error_class([message])
