"""The order screen's fulfil, ship and return actions. HTTP only: ``fulfilment`` and ``returns`` decide."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from commerce.core.exceptions import CommerceError
from commerce.stores.admin_scope import scope_queryset

from .fulfilment import fulfilment_mark_shipped, order_fulfil
from .fulfilment_forms import FulfilForm, ReceiveForm, RejectForm, ReturnForm, ShipForm
from .models import Fulfilment, Order, ReturnRequest
from .returns import return_approve, return_receive, return_reject, return_request_create
from .roles import FULFIL, MANAGE_RETURNS

ORDER_PAGE = "orders_order_modeladmin_inspect"
ACTION_TEMPLATE = "checkout/admin/order_action.html"


def order_for_staff(request: HttpRequest, order_id: int, permission: str) -> Order:
    """The order, if this member of staff has ``permission`` and the order is in one of their stores
    (else 403 — Wagtail sends the user to the dashboard — or 404)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    order = scope_queryset(Order.objects.select_related("store"), request.user).filter(pk=order_id).first()
    if order is None:
        raise Http404("No such order.")
    return order


def _form_error(form: Form, error: CommerceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _page(request: HttpRequest, order: Order, form: Form, *, title: str, submit: str, status: int) -> HttpResponse:
    context = {"title": title, "order": order, "form": form, "submit": submit}
    return TemplateResponse(request, ACTION_TEMPLATE, context, status=status)


def order_fulfil_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_for_staff(request, order_id, FULFIL)
    form = FulfilForm(request.POST or None, order=order)
    if request.method == "POST":
        if form.is_valid():
            try:
                fulfilment = order_fulfil(
                    order=order,
                    lines=form.fulfil_lines(),
                    location_id=form.cleaned_data["location"].pk,
                    carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"],
                    tracking_url=form.cleaned_data["tracking_url"],
                    ship_now=form.cleaned_data["ship_now"],
                    actor=request.user,
                )
            except CommerceError as error:
                _form_error(form, error)
            else:
                shipped = " and marked shipped" if fulfilment.status == Fulfilment.Status.SHIPPED else ""
                messages.success(request, f"Order {order.number}: fulfilment {fulfilment.label} created{shipped}.")
                return redirect(ORDER_PAGE, order.pk)
        return _page(request, order, form, title=f"Fulfil order {order.number}", submit="Fulfil", status=400)
    return _page(request, order, form, title=f"Fulfil order {order.number}", submit="Fulfil", status=200)


def fulfilment_ship_view(request: HttpRequest, order_id: int, fulfilment_id: int) -> HttpResponse:
    order = order_for_staff(request, order_id, FULFIL)
    fulfilment = Fulfilment.objects.filter(pk=fulfilment_id, order=order).first()
    if fulfilment is None:
        raise Http404("No such fulfilment.")
    form = ShipForm(request.POST or None)
    title = f"Mark fulfilment {fulfilment.label} of order {order.number} shipped"
    if request.method == "POST":
        if form.is_valid():
            try:
                fulfilment_mark_shipped(fulfilment=fulfilment, actor=request.user, **form.cleaned_data)
            except CommerceError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Fulfilment {fulfilment.label} marked shipped; the customer is emailed.")
                return redirect(ORDER_PAGE, order.pk)
        return _page(request, order, form, title=title, submit="Mark shipped", status=400)
    return _page(request, order, form, title=title, submit="Mark shipped", status=200)


def return_create_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_for_staff(request, order_id, MANAGE_RETURNS)
    form = ReturnForm(request.POST or None, order=order)
    title = f"Return from order {order.number}"
    if request.method == "POST":
        if form.is_valid():
            try:
                return_request = return_request_create(
                    order=order,
                    lines=form.return_lines(),
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    by_staff=True,
                )
            except CommerceError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Return {return_request.label} created and approved.")
                return redirect(ORDER_PAGE, order.pk)
        return _page(request, order, form, title=title, submit="Create return", status=400)
    if not form.has_lines:
        messages.error(request, "Nothing shipped on this order is left to return.")
        return redirect(ORDER_PAGE, order.pk)
    return _page(request, order, form, title=title, submit="Create return", status=200)


def _return_for(request: HttpRequest, order_id: int, return_id: int) -> ReturnRequest:
    order = order_for_staff(request, order_id, MANAGE_RETURNS)
    return_request = ReturnRequest.objects.filter(pk=return_id, order=order).select_related("order").first()
    if return_request is None:
        raise Http404("No such return.")
    return return_request


@require_POST
def return_approve_view(request: HttpRequest, order_id: int, return_id: int) -> HttpResponse:
    return_request = _return_for(request, order_id, return_id)
    try:
        return_approve(return_request=return_request, actor=request.user)
    except CommerceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Return {return_request.label} approved; the customer is emailed.")
    return redirect(ORDER_PAGE, order_id)


def return_reject_view(request: HttpRequest, order_id: int, return_id: int) -> HttpResponse:
    return_request = _return_for(request, order_id, return_id)
    form = RejectForm(request.POST or None)
    title = f"Reject return {return_request.label} of order {return_request.order.number}"
    if request.method == "POST":
        if form.is_valid():
            try:
                return_reject(return_request=return_request, reason=form.cleaned_data["reason"], actor=request.user)
            except CommerceError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Return {return_request.label} rejected; the customer is emailed.")
                return redirect(ORDER_PAGE, order_id)
        return _page(request, return_request.order, form, title=title, submit="Reject", status=400)
    return _page(request, return_request.order, form, title=title, submit="Reject", status=200)


def return_receive_view(request: HttpRequest, order_id: int, return_id: int) -> HttpResponse:
    return_request = _return_for(request, order_id, return_id)
    form = ReceiveForm(request.POST or None, return_request=return_request)
    title = f"Receive return {return_request.label} of order {return_request.order.number}"
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    return_receive(return_request=return_request, restock=form.restock(), actor=request.user)
            except CommerceError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Return {return_request.label} received.")
                return redirect(ORDER_PAGE, order_id)
        return _page(request, return_request.order, form, title=title, submit="Goods received", status=400)
    return _page(request, return_request.order, form, title=title, submit="Goods received", status=200)
