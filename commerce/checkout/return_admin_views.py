"""The refund step of a return on the order screen. HTTP only: ``return_actions`` decides."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.admin import messages

from commerce.core.exceptions import CommerceError
from commerce.orders.fulfilment_views import order_for_staff
from commerce.orders.models import ReturnRequest
from commerce.orders.roles import MANAGE_RETURNS

from .order_actions import TO_CARD, TO_GIFT_CARD
from .return_actions import return_refund

ORDER_PAGE = "orders_order_modeladmin_inspect"


class ReturnRefundForm(forms.Form):
    to = forms.ChoiceField(
        label="Refund to", choices=[(TO_CARD, "The card paid with"), (TO_GIFT_CARD, "A gift card (store credit)")]
    )


def return_refund_view(request: HttpRequest, order_id: int, return_id: int) -> HttpResponse:
    order = order_for_staff(request, order_id, MANAGE_RETURNS)
    return_request = ReturnRequest.objects.filter(pk=return_id, order=order).first()
    if return_request is None:
        raise Http404("No such return.")
    form = ReturnRefundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                return_refund(return_request=return_request, to=form.cleaned_data["to"], actor=request.user)
            except CommerceError as error:
                form.add_error("to" if error.field in {"to", "amount", "lines"} else None, error.message)
            else:
                messages.success(request, f"Return {return_request.label} refunded; the customer is emailed.")
                return redirect(ORDER_PAGE, order.pk)
        status = 400
    context = {
        "title": f"Refund return {return_request.label} of order {order.number}",
        "order": order,
        "form": form,
        "confirm": "The returned units' value (what the customer paid for them) is refunded.",
        "submit": "Refund the return",
    }
    return TemplateResponse(request, "checkout/admin/order_action.html", context, status=status)
