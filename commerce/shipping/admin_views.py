"""The order screen's label actions: buy (choosing a carrier service), void, packing slip, return
label. HTTP only: ``labels`` and ``return_labels`` decide. Buying labels is part of fulfilling, so
it needs the fulfil permission (Owner, Manager)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.admin import messages

from commerce.core.exceptions import CommerceError
from commerce.orders.models import Fulfilment, Order, ReturnRequest
from commerce.stores.admin_scope import scope_queryset

from .labels import fulfilment_label_rates, shipment_buy_label, shipment_void_label
from .models import Shipment
from .parcels import parcel_for_items, shipping_settings
from .return_labels import shipment_buy_return_label

FULFIL = "orders.add_fulfilment"
ORDER_PAGE = "orders_order_modeladmin_inspect"
ACTION_TEMPLATE = "checkout/admin/order_action.html"


def _order(request: HttpRequest, order_id: int) -> Order:
    if not request.user.has_perm(FULFIL):
        raise PermissionDenied
    order = scope_queryset(Order.objects.select_related("store"), request.user).filter(pk=order_id).first()
    if order is None:
        raise Http404("No such order.")
    return order


def _fulfilment(order: Order, fulfilment_id: int) -> Fulfilment:
    fulfilment = Fulfilment.objects.select_related("location", "order__store").filter(pk=fulfilment_id, order=order)
    if not fulfilment.exists():
        raise Http404("No such fulfilment.")
    return fulfilment.get()


class LabelForm(forms.Form):
    service = forms.ChoiceField(widget=forms.RadioSelect, label="Carrier service")

    def __init__(self, *args, rates, initial_code: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.choices = [
            (
                r.code,
                f"{r.carrier} {r.service} — {r.price}" + (f" ({r.estimated_days} days)" if r.estimated_days else ""),
            )
            for r in rates
        ]
        codes = [r.code for r in rates]
        field.initial = initial_code if initial_code in codes else (codes[0] if codes else None)


def label_buy_view(request: HttpRequest, order_id: int, fulfilment_id: int) -> HttpResponse:
    order = _order(request, order_id)
    fulfilment = _fulfilment(order, fulfilment_id)
    try:
        rates = fulfilment_label_rates(fulfilment=fulfilment)
    except CommerceError as error:
        messages.error(request, error.message)
        return redirect(ORDER_PAGE, order.pk)
    form = LabelForm(request.POST or None, rates=rates, initial_code=order.shipping_method_code)
    title = f"Buy a label for fulfilment {fulfilment.label} of order {order.number}"
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                shipment = shipment_buy_label(
                    fulfilment=fulfilment, service_code=form.cleaned_data["service"], actor=request.user
                )
            except CommerceError as error:
                form.add_error("service" if error.field == "service" else None, error.message)
            else:
                messages.success(request, f"Label bought: {shipment.carrier} {shipment.tracking_number}.")
                return redirect(ORDER_PAGE, order.pk)
    context = {"title": title, "order": order, "form": form, "submit": "Buy label"}
    return TemplateResponse(request, ACTION_TEMPLATE, context, status=status)


def label_void_view(request: HttpRequest, order_id: int, shipment_id: int) -> HttpResponse:
    order = _order(request, order_id)
    shipment = Shipment.objects.filter(pk=shipment_id, order=order).first()
    if shipment is None:
        raise Http404("No such label.")
    if request.method == "POST":
        try:
            shipment_void_label(shipment=shipment, actor=request.user)
        except CommerceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Label {shipment.tracking_number} voided; its cost is refunded by the carrier.")
        return redirect(ORDER_PAGE, order.pk)
    context = {
        "title": f"Void label {shipment.tracking_number}",
        "order": order,
        "confirm": f"Void the {shipment.carrier} {shipment.service} label {shipment.tracking_number}?",
        "submit": "Void label",
    }
    return TemplateResponse(request, ACTION_TEMPLATE, context)


def return_label_view(request: HttpRequest, order_id: int, return_id: int) -> HttpResponse:
    order = _order(request, order_id)
    return_request = ReturnRequest.objects.filter(pk=return_id, order=order).first()
    if return_request is None:
        raise Http404("No such return.")
    if request.method == "POST":
        try:
            shipment = shipment_buy_return_label(return_request=return_request, actor=request.user)
        except CommerceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Return label {shipment.tracking_number} bought and emailed to the customer.")
        return redirect(ORDER_PAGE, order.pk)
    context = {
        "title": f"Return label for return {return_request.label} of order {order.number}",
        "order": order,
        "confirm": "Buy a prepaid return label (the cheapest service) and email it to the customer?",
        "submit": "Buy return label",
    }
    return TemplateResponse(request, ACTION_TEMPLATE, context)


def packing_slip_view(request: HttpRequest, order_id: int, fulfilment_id: int) -> HttpResponse:
    order = _order(request, order_id)
    fulfilment = _fulfilment(order, fulfilment_id)
    lines = list(fulfilment.lines.select_related("order_line__variant"))
    items = [(line.order_line.variant, line.quantity) for line in lines if line.order_line.variant is not None]
    context = {
        "order": order,
        "fulfilment": fulfilment,
        "lines": lines,
        "ship_from": fulfilment.location.ship_from_address,
        "ship_to": order.shipping_postal_address,
        "parcel": parcel_for_items(items=items, store=order.store, settings=shipping_settings(order.store))
        if items
        else None,
        "shipment": fulfilment.shipments.exclude(status__in=["voided", "label_failed"]).first(),
    }
    return TemplateResponse(request, "shipping/admin/packing_slip.html", context)
