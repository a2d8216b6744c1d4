"""The Products screen's bulk actions: publish, unpublish and delete (Wagtail's own, registered for
``ProductPage`` so "select all" means all of the staff member's products, not every page) and
"Add to a collection" and "Set category" (the services in ``merchandising``).

Every action only touches products of the staff member's stores that they may edit; the others are
listed as "no permission" by Wagtail's confirmation page and left alone.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction

from .merchandising import collection_add_products, products_set_category, same_store
from .models import Category, CollectionPage, ProductPage
from .product_admin import request_stores, store_root_q


class ProductBulkActionMixin:
    """Limits a page bulk action to the staff member's products."""

    models = [ProductPage]

    def get_all_objects_in_listing_query(self, parent_id: Any) -> QuerySet:
        pages = ProductPage.objects.filter(store_root_q(request_stores(self.request)))
        query = self.request.GET.get("q", "")
        if query:
            pages = pages.filter(title__icontains=query)
        return pages.values_list("pk", flat=True)

    def in_staff_stores(self, page: ProductPage) -> bool:
        return any(page.path.startswith(store.site.root_page.path) for store in request_stores(self.request))

    def check_perm(self, page: ProductPage) -> bool:
        return self.in_staff_stores(page) and super().check_perm(page)


class ProductPublishBulkAction(ProductBulkActionMixin, PublishBulkAction):
    pass


class ProductUnpublishBulkAction(ProductBulkActionMixin, UnpublishBulkAction):
    pass


class ProductDeleteBulkAction(ProductBulkActionMixin, DeleteBulkAction):
    pass


class AddToCollectionForm(forms.Form):
    collection = forms.ModelChoiceField(
        queryset=CollectionPage.objects.none(),
        help_text="The products are added to its hand-picked list, after the ones already there.",
    )


class SetCategoryForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.order_by("name"))
    replace = forms.BooleanField(
        label="Replace their other categories", required=False, help_text="Otherwise the category is added."
    )


class MerchandiseBulkAction(ProductBulkActionMixin, PageBulkAction):
    template_name = "catalog/admin/bulk_merchandise.html"
    action_button_text = ""

    def check_perm(self, page: ProductPage) -> bool:
        return self.in_staff_stores(page) and page.permissions_for_user(self.request.user).can_edit()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "action_button_text": self.action_button_text}

    def get_execution_context(self) -> dict[str, Any]:
        return {**super().get_execution_context(), **self.cleaned_form.cleaned_data}

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ValidationError as error:  # the service's own check (another store's collection)
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return self.form_invalid(form)


class AddToCollectionBulkAction(MerchandiseBulkAction):
    display_name = "Add to a collection"
    action_type = "add_to_collection"
    aria_label = "Add the selected products to a collection"
    action_priority = 60
    form_class = AddToCollectionForm
    action_button_text = "Add to the collection"

    def get_form(self, form_class: type | None = None) -> forms.Form:
        form = super().get_form(form_class)
        form.fields["collection"].queryset = CollectionPage.objects.filter(
            store_root_q(request_stores(self.request))
        ).order_by("title")
        return form

    def form_valid(self, form: forms.Form) -> HttpResponse:
        collection = form.cleaned_data["collection"]
        objects, _ = self.get_actionable_objects()
        strangers = [page.title for page in objects if not same_store(page, collection)]
        if strangers:
            form.add_error("collection", f"“{collection.title}” is in another store than {', '.join(strangers)}.")
            return self.form_invalid(form)
        return super().form_valid(form)

    @classmethod
    def execute_action(cls, objects: list, collection: CollectionPage, user: Any = None, **kwargs: Any) -> tuple:
        added = collection_add_products(collection=collection, products=[p.specific for p in objects], actor=user)
        return added, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        title = self.cleaned_form.cleaned_data["collection"].title
        return f"{num_parent_objects} product(s) added to “{title}”."


class SetCategoryBulkAction(MerchandiseBulkAction):
    display_name = "Set category"
    action_type = "set_category"
    aria_label = "Set the category of the selected products"
    action_priority = 70
    form_class = SetCategoryForm
    action_button_text = "Set the category"

    @classmethod
    def execute_action(
        cls, objects: list, category: Category, replace: bool = False, user: Any = None, **kwargs: Any
    ) -> tuple:
        changed = products_set_category(
            products=[p.specific for p in objects], category=category, replace=replace, actor=user
        )
        return changed, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return f"{num_parent_objects} product(s) now in “{self.cleaned_form.cleaned_data['category'].name}”."


PRODUCT_BULK_ACTIONS = (
    ProductPublishBulkAction,
    ProductUnpublishBulkAction,
    ProductDeleteBulkAction,
    AddToCollectionBulkAction,
    SetCategoryBulkAction,
)
