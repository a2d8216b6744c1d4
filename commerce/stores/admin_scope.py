"""Store scope in the back office, in one place: a member of staff limited to some stores
(``StaffProfile``) lists, opens, chooses and writes only those stores' objects.

- ``scope_queryset`` narrows any queryset of ``Store`` or of a store-owned model (one with a
  ``store`` foreign key) to the user's stores; every other queryset passes unchanged.
- ``scope_form`` runs every choice field of a form through it, so a form cannot offer, nor
  accept a posted id of, another store or another store's object.
- ``StoreScopedSnippetViewSet`` applies both to a snippet's index, add/edit/delete/copy/history/
  usage/inspect views (another store's object: 404) and to its chooser.
- ``StoreScopedFormMixin`` does the same for a hand-written ``FormView``.
- ``ScopedFiltersMixin`` does it for an index's filters (the snippet viewset's ``list_filter``
  or ``filterset_class``); ``StoreFilter`` is the same for a modeladmin ``list_filter``: a
  filter offers neither another store's name nor another store's object (a discount).
- ``ScopedLogEntriesView`` leaves other stores' objects out of the site history report.

Row-level security underneath refuses other stores' orders, customers and gift cards whatever
the screen; this module is the application's own check (and covers discounts, codes, shipping
rates and stores, which are not customer data). See ``tests/security/test_admin_store_scope.py``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.admin import RelatedFieldListFilter
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.utils.functional import cached_property
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.snippets.views.snippets import SnippetViewSet

from commerce.core.admin_choosers import PermissionCheckedChooserMixin, chooser_viewset_with

from .models import Store
from .staff_scope import staff_store_ids

OBJECT_VIEWS = (
    "edit_view_class",
    "delete_view_class",
    "copy_view_class",
    "usage_view_class",
    "history_view_class",
    "inspect_view_class",
)
FORM_VIEWS = ("add_view_class", "edit_view_class", "copy_view_class")
INDEX_VIEWS = ("index_view_class",)


def store_field(model: type[Model]) -> str | None:
    """``"pk"`` for Store, ``"store"`` for a model with a ``store`` foreign key, else None."""
    if issubclass(model, Store):
        return "pk"
    try:
        field = model._meta.get_field("store")
    except FieldDoesNotExist:
        return None
    return "store" if field.is_relation and field.related_model is Store else None


@cache
def store_owned_models() -> tuple[type[Model], ...]:
    return tuple(model for model in apps.get_models() if store_field(model) is not None)


def scope_queryset(queryset: QuerySet, user: Any) -> QuerySet:
    """``queryset`` limited to the user's stores when its model is Store or store-owned."""
    field = store_field(queryset.model)
    store_ids = staff_store_ids(user) if field else None
    if store_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": store_ids})


def in_scope(user: Any, instance: Model) -> bool:
    field = store_field(type(instance))
    store_ids = staff_store_ids(user) if field else None
    return store_ids is None or getattr(instance, "pk" if field == "pk" else "store_id") in store_ids


def scope_form(form: BaseForm, user: Any) -> BaseForm:
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, QuerySet):
            field.queryset = scope_queryset(queryset, user)
    return form


class ScopedObjectMixin:
    """Another store's object is a 404, whatever URL is typed."""

    def get_object(self, *args: Any, **kwargs: Any) -> Any:
        instance = super().get_object(*args, **kwargs)
        if not in_scope(self.request.user, instance):
            raise Http404
        return instance


class StoreScopedFormMixin:
    """For add/edit views and ``FormView``s: the form's choices are the user's stores' only."""

    def get_form(self, *args: Any, **kwargs: Any) -> BaseForm:
        return scope_form(super().get_form(*args, **kwargs), self.request.user)


class ScopedFiltersMixin:
    """For index views: the filters' choices are the user's stores and their objects only. The
    form is scoped before it validates, so another store's id in the query string filters nothing."""

    @cached_property
    def filters(self) -> Any:
        filterset = super().filters
        if filterset is not None:
            scope_form(filterset.form, self.request.user)
        return filterset


class StoreFilter(RelatedFieldListFilter):
    """A modeladmin ``list_filter`` by store offering only the stores this member of staff works
    in (``("store", StoreFilter)``): the list itself is scoped, and another store's name is not
    theirs to see."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        stores = scope_queryset(Store.objects.order_by("name"), request.user)
        return [(store.pk, str(store)) for store in stores]


class ScopedChooserMixin(PermissionCheckedChooserMixin):
    def get_object_list(self) -> QuerySet:
        return scope_queryset(super().get_object_list(), self.request.user)

    def get_object(self, pk: Any) -> Any:
        instance = super().get_object(pk)
        if not in_scope(self.request.user, instance):
            raise type(instance).DoesNotExist
        return instance


StoreScopedChooserViewSet = chooser_viewset_with(ScopedChooserMixin)
# Store itself: every member of staff may pick among their own stores (a discount's store, say).
StoreChooserViewSet = chooser_viewset_with(ScopedChooserMixin, check_permission=False)


class StoreScopedSnippetViewSet(SnippetViewSet):
    """A snippet viewset for Store or a store-owned model, scoped in every view (the index's
    filters included) and its chooser."""

    chooser_viewset_class = StoreScopedChooserViewSet

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attribute in {*OBJECT_VIEWS, *FORM_VIEWS, *INDEX_VIEWS}:
            base = getattr(cls, attribute, None)
            if base is None or getattr(base, "_store_scoped", False):
                continue
            mixins = tuple(
                mixin
                for mixin, names in (
                    (ScopedObjectMixin, OBJECT_VIEWS),
                    (StoreScopedFormMixin, FORM_VIEWS),
                    (ScopedFiltersMixin, INDEX_VIEWS),
                )
                if attribute in names
            )
            setattr(cls, attribute, type(f"StoreScoped{base.__name__}", (*mixins, base), {"_store_scoped": True}))

    def get_queryset(self, request: Any) -> QuerySet:
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return scope_queryset(queryset, request.user)


class ScopedLogEntriesView(LogEntriesView):
    """Wagtail's site history without the entries of other stores' objects."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        store_ids = staff_store_ids(self.request.user)
        if store_ids is None or "object_id" not in {f.name for f in queryset.model._meta.get_fields()}:
            return queryset
        hidden = Q()
        for model in store_owned_models():
            others = model._default_manager.exclude(**{f"{store_field(model)}__in": store_ids})
            ids = others.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
            hidden |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
        return queryset.exclude(hidden)
