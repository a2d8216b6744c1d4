"""The order page's action screens: the payment review buttons, refund, cancel and internal notes.
HTTP only: ``payment_review``, ``order_actions`` and ``orders.audit`` decide and write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from commerce.core.exceptions import CommerceError
from commerce.orders.audit import order_add_staff_note
from commerce.orders.models import Order
from commerce.payments.refunds import REFUND_UP_TO_LIMIT
from commerce.stores.admin_scope import scope_queryset

from .admin_forms import NoteForm, RefundForm
from .order_actions import order_cancel, order_staff_refund
from .payment_review import REVIEW_ACTIONS

ORDER_PAGE = "orders_order_modeladmin_inspect"


def _order_for(request: HttpRequest, order_id: int, permission: str = "orders.change_order") -> Order:
    """The order, if this member of staff may act on orders and it is in one of their stores."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    order = scope_queryset(Order.objects.select_related("store"), request.user).filter(pk=order_id).first()
    if order is None:
        raise Http404("No such order.")
    return order


@require_POST
def order_review(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    action = REVIEW_ACTIONS.get(request.POST.get("action", ""))
    try:
        if action is None:
            raise CommerceError("Choose accept, refund or cancel.", field="action")
        order = action(order=order, actor=request.user)
    except CommerceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Order {order.number}: review closed.")
    return redirect(ORDER_PAGE, order.pk)


def order_refund_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id, REFUND_UP_TO_LIMIT)
    form = RefundForm(request.POST or None, order=order)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = order_staff_refund(
                    order=order,
                    to=form.cleaned_data["to"],
                    amount=form.refund_amount(),
                    lines=form.refund_lines(),
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    request_key=form.cleaned_data["request_key"],
                )
            except CommerceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Order {order.number}: refunded.")
                return redirect(ORDER_PAGE, order.pk)
        status = 400
    return TemplateResponse(
        request,
        "checkout/admin/order_action.html",
        {"title": f"Refund order {order.number}", "order": order, "form": form, "submit": "Refund"},
        status=status,
    )


def order_cancel_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    if request.method == "POST":
        try:
            order = order_cancel(order=order, actor=request.user)
        except CommerceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Order {order.number}: cancelled.")
        return redirect(ORDER_PAGE, order.pk)
    return TemplateResponse(
        request,
        "checkout/admin/order_action.html",
        {
            "title": f"Cancel order {order.number}",
            "order": order,
            "confirm": "Cancelling gives the reserved or sold stock back, refunds everything paid "
            "(card money to the card, gift card money to the card it came from) and releases "
            "discount uses. It cannot be undone.",
            "submit": "Yes, cancel the order",
        },
    )


@require_POST
def order_note_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            order_add_staff_note(order=order, text=form.cleaned_data["note"], actor=request.user)
        messages.success(request, "Note added.")
    else:
        messages.error(request, "Write the note first (at most 500 characters).")
    return redirect(ORDER_PAGE, order.pk)
