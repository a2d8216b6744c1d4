"""The order page's review buttons (accept, refund, cancel a payment that did not match the total).
HTTP only: ``payment_review`` decides and writes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from commerce.core.exceptions import CommerceError
from commerce.orders.models import Order
from commerce.stores.admin_scope import scope_queryset

from .payment_review import REVIEW_ACTIONS


@require_POST
def order_review(request: HttpRequest, order_id: int) -> HttpResponse:
    if not request.user.has_perm("orders.change_order"):
        raise PermissionDenied
    order = scope_queryset(Order.objects.all(), request.user).filter(pk=order_id).first()
    if order is None:
        raise Http404("No such order.")
    action = REVIEW_ACTIONS.get(request.POST.get("action", ""))
    try:
        if action is None:
            raise CommerceError("Choose accept, refund or cancel.", field="action")
        order = action(order=order, actor=request.user)
    except CommerceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Order {order.number}: review closed.")
    return redirect("orders_order_modeladmin_inspect", order.pk)
