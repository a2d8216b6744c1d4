"""The product editor's form: SKUs are unique per store, checked before the database says so."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm


class ProductPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        variants = self.formsets.get("variants") if hasattr(self, "formsets") else None
        if variants is None:
            return cleaned_data

        from commerce.stores.selectors import store_for_page

        from .models import ProductVariant

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
            own_ids = [form.instance.pk for form in kept if form.instance.pk]
            taken = (
                ProductVariant.objects.filter(store=store, sku__in=[f.instance.sku for f in kept])
                .exclude(pk__in=own_ids)
                .values_list("sku", flat=True)
            )
            for sku in taken:
                form = seen[sku.lower()]
                form.add_error("sku", f"SKU {sku} is already used by another product in {store.name}.")
        return cleaned_data
