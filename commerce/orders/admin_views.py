"""The back office's building blocks: read-only modeladmin screens, the Sales menu, the order page.

Orders are written by checkout and by the services that act on them, never by an admin form: the
screens here list and inspect. Apps above orders (payments, shipping) add their own screens to
the Sales menu through ``SALES_MENU_HOOK``; orders cannot import them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib.admin import FieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_last_value_from_parameters
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.admin.utils import unquote as admin_unquote
from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern
from django.utils.dateparse import parse_date
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.helpers import ModelAdminURLFinder, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView, InspectView

from .fulfilment import FULFILLABLE
from .models import Fulfilment, OrderEvent, ReturnRequest
from .roles import FULFIL, MANAGE_RETURNS

SALES_MENU_HOOK = "register_sales_menu_item"


class ViewOnlyPermissionHelper(PermissionHelper):
    """Listing and inspecting need the model's ``view`` permission; nobody creates, edits or deletes."""

    def user_can_list(self, user: Any) -> bool:
        return self.user_has_specific_permission(user, self.get_perm_codename("view"))

    def user_can_inspect_obj(self, user: Any, obj: Model) -> bool:
        return self.inspect_view_enabled and self.user_can_list(user)

    def user_can_create(self, user: Any) -> bool:
        return False

    def user_can_edit_obj(self, user: Any, obj: Model) -> bool:
        return False

    def user_can_delete_obj(self, user: Any, obj: Model) -> bool:
        return False


class InspectURLFinder(ModelAdminURLFinder):
    """Wagtail's "edit this object" links (choosers, usage listings) lead to the inspect page."""

    def get_edit_url(self, instance: Model) -> str | None:
        if self.user is None or self.permission_helper.user_can_inspect_obj(self.user, instance):
            return self.url_helper.get_action_url("inspect", admin_quote(instance.pk))
        return None


class LenientIndexView(IndexView):
    """A hand-edited or stale filter in the query string shows the whole list, not a server error."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, "Those filters could not be applied; showing everything instead.")
            return redirect(self.url_helper.index_url)


class ViewOnlyModelAdmin(ModelAdmin):
    """A list and an inspect page, and no URL that could write."""

    permission_helper_class = ViewOnlyPermissionHelper
    index_view_class = LenientIndexView
    inspect_view_enabled = True
    history_view_enabled = False
    read_only_actions = ("index", "inspect")

    def check_object_in_scope(self, request: HttpRequest, instance_pk: str) -> None:
        """404 unless this screen's ``get_queryset`` (e.g. the staff member's stores) includes the object.

        An unfiltered queryset is every row, which the view's own lookup checks: no query here then.
        """
        queryset = self.get_queryset(request)
        if not queryset.query.has_filters():
            return
        try:
            in_scope = queryset.filter(pk=admin_unquote(instance_pk)).exists()
        except (ValueError, TypeError, ValidationError) as error:
            raise Http404 from error
        if not in_scope:
            raise Http404

    def inspect_view(self, request: HttpRequest, instance_pk: str) -> HttpResponse:
        # The inspect page shows only what the list would: modeladmin loads the object from the
        # default manager, so check it against this screen's queryset first.
        self.check_object_in_scope(request, instance_pk)
        return super().inspect_view(request, instance_pk)

    def get_admin_urls_for_registration(self) -> tuple[URLPattern, ...]:
        names = {self.url_helper.get_action_url_name(action) for action in self.read_only_actions}
        return tuple(url for url in super().get_admin_urls_for_registration() if url.name in names)

    def register_admin_url_finders(self) -> None:
        attrs = {"permission_helper": self.permission_helper, "url_helper": self.url_helper}
        register_admin_url_finder(self.model, type("_InspectURLFinder", (InspectURLFinder,), attrs))

    def register_indexing(self) -> None:
        # Wagtail's reference index is for content (pages, images, snippets). Registering orders
        # and payment events would enqueue an index job on every save in checkout and webhooks.
        return None


def register_in_sales_menu(model_admin_class: type[ModelAdmin]) -> ModelAdmin:
    """``modeladmin_register`` for a screen that belongs in the Sales menu rather than the main one."""
    model_admin = model_admin_class()
    model_admin.add_to_admin_menu = False
    model_admin.register_with_wagtail()

    def menu_item() -> MenuItem:
        return model_admin.get_menu_item()

    hooks.register(SALES_MENU_HOOK, menu_item)
    return model_admin


class DateRangeFilter(FieldListFilter):
    """From and to dates, both inclusive, in the site's time zone. A malformed date is ignored."""

    template = "orders/admin/date_range_filter.html"

    def __init__(
        self,
        field: Field,
        request: HttpRequest,
        params: dict[str, list[str]],
        model: type[Model],
        model_admin: ModelAdmin,
        field_path: str,
    ) -> None:
        self.parameter_since = f"{field_path}__date__gte"
        self.parameter_until = f"{field_path}__date__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.since = self._date(self.parameter_since)
        self.until = self._date(self.parameter_until)

    def _date(self, parameter: str) -> date | None:
        value = get_last_value_from_parameters(self.used_parameters, parameter)
        try:
            return parse_date(value) if value else None
        except ValueError:
            return None

    def expected_parameters(self) -> list[str]:
        return [self.parameter_since, self.parameter_until]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.since is not None:
            queryset = queryset.filter(**{self.parameter_since: self.since})
        if self.until is not None:
            queryset = queryset.filter(**{self.parameter_until: self.until})
        return queryset

    def choices(self, changelist: IndexView) -> Iterator[dict[str, Any]]:
        own = {self.parameter_since, self.parameter_until}
        yield {
            "parameter_since": self.parameter_since,
            "parameter_until": self.parameter_until,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "selected": self.since is not None or self.until is not None,
            "other_parameters": [
                (name, value) for name, values in changelist.params.lists() if name not in own for value in values
            ],
            "clear_query_string": changelist.get_query_string(remove=list(own)),
        }


# Everything the order page shows, loaded in a fixed number of queries whatever the number of
# lines, payments, refunds or events. Payments and refunds are reached through their reverse
# relations: orders sits below payments and does not import it.
ORDER_INSPECT_PREFETCH = (
    "store",
    "customer",
    "lines",
    "payments",
    "refunds",
    "refunds__created_by",
    "refunds__lines__order_line",
    "discount_redemptions__code",  # promotions' reverse relation, read by name (no import upwards)
    Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
    Prefetch("fulfilments", queryset=Fulfilment.objects.select_related("location", "created_by")),
    "fulfilments__lines__order_line",
    "returns__lines__order_line",
)


# Statuses an order cannot be cancelled from (``checkout.order_actions`` decides; this only hides the button).
CLOSED_STATUSES = {"cancelled", "refunded", "fulfilled", "partially_fulfilled"}


class OrderInspectView(InspectView):
    """The order page: header, customer, address, lines and totals, payments, refunds, timeline."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        order = self.instance
        prefetch_related_objects([order], *ORDER_INSPECT_PREFETCH)
        user = self.request.user
        lines = order.lines.all()
        returns = order.returns.all()
        shipped_units = sum(line.quantity_fulfilled for line in lines)
        returned_or_claimed = sum(
            return_line.quantity
            for return_request in returns
            if return_request.status != ReturnRequest.Status.REJECTED
            for return_line in return_request.lines.all()
        )
        return super().get_context_data(
            order=order,
            address=order.shipping_postal_address,
            lines=lines,
            payments=order.payments.all(),
            refunds=order.refunds.all(),
            fulfilments=order.fulfilments.all(),
            returns=returns,
            events=order.events.all(),
            notes=[event for event in order.events.all() if event.type == OrderEvent.Type.STAFF_NOTE],
            can_act=user.has_perm("orders.change_order"),
            can_cancel=order.status not in CLOSED_STATUSES,
            can_fulfil=user.has_perm(FULFIL)
            and order.is_paid
            and order.status in FULFILLABLE
            and any(line.quantity_to_fulfil for line in lines),
            can_ship=user.has_perm(FULFIL),
            can_return=user.has_perm(MANAGE_RETURNS),
            can_create_return=user.has_perm(MANAGE_RETURNS) and shipped_units > returned_or_claimed,
            **kwargs,
        )
