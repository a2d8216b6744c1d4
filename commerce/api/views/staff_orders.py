"""Staff orders: the admin's order list (its filters and search), the order screen, and its fulfil,
ship, refund and note actions — through the same lookups, services and permission checks as the
screens (``orders.fulfilment_views.order_for_staff``, ``orders.fulfilment.order_fulfil`` and
``fulfilment_mark_shipped``, ``checkout.order_actions.order_staff_refund``,
``orders.audit.order_add_staff_note``).

Refunds are idempotent: each carries a key (the ``Idempotency-Key`` header or ``client_key``) that
becomes the admin form's one-time token, so a retried, doubled or simultaneous request refunds once.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.checkout.order_actions import TO_CARD, order_staff_refund, refund_request_seen
from commerce.core.exceptions import CommerceError
from commerce.orders.admin_views import ORDER_INSPECT_PREFETCH
from commerce.orders.audit import order_add_staff_note
from commerce.orders.fulfilment import FulfilLine, fulfilment_mark_shipped, order_fulfil
from commerce.orders.fulfilment_views import order_for_staff
from commerce.orders.list_filters import (
    orders_by_discount,
    orders_by_fulfilment,
    orders_search,
    orders_with_returns_waiting,
)
from commerce.orders.models import Fulfilment, Order
from commerce.orders.roles import FULFIL
from commerce.payments.models import Refund
from commerce.payments.refunds import REFUND_UP_TO_LIMIT, RefundLineRequest, refund_idempotency_key
from commerce.stores.admin_scope import scope_queryset

from ..model_permissions import StaffPermissionsMixin
from ..serializers.staff_orders import (
    FulfilRequestSerializer,
    NoteRequestSerializer,
    RefundRequestSerializer,
    ShipRequestSerializer,
    StaffOrderDetailSerializer,
    StaffOrderQuerySerializer,
    StaffOrderSummarySerializer,
)
from ..staff_access import staff_store

SCOPE = "orders"  # API tokens need orders:read for GET, orders:write otherwise
TAGS = ["staff orders"]
VIEW_ORDERS = "orders.view_order"  # the order list and screen (modeladmin's view permission)
ACT_ON_ORDERS = "orders.change_order"  # notes, like the order screen's note form
IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=KEY_PATTERN.pattern,
    description="Identifies the refund request (8–64 of A-Z a-z 0-9 . _ : -); or send client_key in the body. "
    "One of the two is required.",
)


def staff_orders(request: Request) -> QuerySet[Order]:
    """The admin order list's queryset: the caller's stores' orders, newest first."""
    orders = Order.objects.select_related("store").order_by("-created_at", "-pk")
    return scope_queryset(orders, request.user)


def filter_orders(orders: QuerySet[Order], query: dict[str, Any], user: Any) -> QuerySet[Order]:
    for name in ("status", "payment_status"):
        if query.get(name):
            orders = orders.filter(**{name: query[name]})
    store = staff_store(user, query.get("store"))
    if store is not None:
        orders = orders.filter(store=store)
    if query.get("created_since"):
        orders = orders.filter(created_at__date__gte=query["created_since"])
    if query.get("created_until"):
        orders = orders.filter(created_at__date__lte=query["created_until"])
    if query.get("flagged") is not None:
        orders = orders.filter(flagged_for_review=query["flagged"])
    orders = orders_by_fulfilment(orders, query.get("fulfilment"))
    orders = orders_with_returns_waiting(orders, query.get("returns"))
    orders = orders_by_discount(orders, query.get("discounted"))
    return orders_search(orders, query["q"]) if query.get("q") else orders


def order_detail_body(order: Order, *, reload: bool = True) -> dict[str, Any]:
    """The order screen's contents with its prefetch (a fixed number of queries, whatever the
    number of lines, refunds, fulfilments or events); reloaded first after an action changed it."""
    if reload:
        order = Order.objects.select_related("store").get(pk=order.pk)
    prefetch_related_objects([order], *ORDER_INSPECT_PREFETCH)
    return StaffOrderDetailSerializer(order).data


class StaffOrderListView(StaffPermissionsMixin, generics.ListAPIView):
    token_scope = SCOPE
    required_permissions = {"GET": (VIEW_ORDERS,)}
    serializer_class = StaffOrderSummarySerializer

    def get_queryset(self) -> QuerySet[Order]:
        query = StaffOrderQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return filter_orders(staff_orders(self.request), query.validated_data, self.request.user)

    @extend_schema(parameters=[StaffOrderQuerySerializer], operation_id="staff_orders_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Orders of your stores, newest first, with the admin order list's filters and search."""
        return super().get(request, *args, **kwargs)


class StaffOrderDetailView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = SCOPE
    required_permissions = {"GET": (VIEW_ORDERS,)}
    serializer_class = StaffOrderDetailSerializer

    @extend_schema(operation_id="staff_orders_retrieve", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        """One order as the order screen shows it: lines, payments, refunds, fulfilments, returns,
        internal notes and the timeline."""
        return Response(order_detail_body(order_for_staff(request, pk, VIEW_ORDERS), reload=False))


def _body(serializer_class: type, request: Request, **context: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class StaffOrderFulfilView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = SCOPE
    required_permissions = {"POST": (FULFIL,)}
    serializer_class = FulfilRequestSerializer

    @extend_schema(
        request=FulfilRequestSerializer,
        responses={201: StaffOrderDetailSerializer},
        operation_id="staff_orders_fulfil",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Fulfil lines (omitted: everything left to ship) from a location, with tracking; answers
        the order. At most the units left per line; nothing changes on a refusal."""
        order = order_for_staff(request, pk, FULFIL)
        data = _body(FulfilRequestSerializer, request, order=order)
        lines = data.get("lines")
        order_fulfil(
            order=order,
            lines=None if lines is None else [FulfilLine(item["line_id"], item["quantity"]) for item in lines],
            location_id=data.get("location"),
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            tracking_url=data["tracking_url"],
            ship_now=data["ship_now"],
            actor=request.user,
        )
        return Response(order_detail_body(order), status=status.HTTP_201_CREATED)


class StaffFulfilmentShipView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = SCOPE
    required_permissions = {"POST": (FULFIL,)}
    serializer_class = ShipRequestSerializer

    @extend_schema(
        request=ShipRequestSerializer,
        responses={200: StaffOrderDetailSerializer},
        operation_id="staff_orders_fulfilment_ship",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int, fulfilment_id: int) -> Response:
        """Mark a pending fulfilment shipped with its carrier and tracking; the customer is emailed
        once. Already shipped: a 400 on ``tracking_number``."""
        order = order_for_staff(request, pk, FULFIL)
        fulfilment = Fulfilment.objects.filter(pk=fulfilment_id, order=order).first()
        if fulfilment is None:
            raise Http404("No such fulfilment.")
        data = _body(ShipRequestSerializer, request)
        fulfilment_mark_shipped(fulfilment=fulfilment, actor=request.user, **data)
        return Response(order_detail_body(order))


def refund_request_key(request: Request) -> tuple[str, str]:
    """The request's key and where it came from: the ``Idempotency-Key`` header or ``client_key``
    (the same if both)."""
    header = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    body = request.data.get("client_key") if isinstance(request.data, dict) else None
    if header and not KEY_PATTERN.fullmatch(header):
        raise ValidationError({IDEMPOTENCY_HEADER: ["Use 8 to 64 of A-Z a-z 0-9 . _ : -"]})
    if header and isinstance(body, str) and body and body != header:
        raise ValidationError({"client_key": [f"Differs from the {IDEMPOTENCY_HEADER} header."]})
    if header:
        return header, IDEMPOTENCY_HEADER
    if isinstance(body, str) and body:
        return body, "client_key"
    raise ValidationError(
        {"client_key": [f"Send an {IDEMPOTENCY_HEADER} header or a client_key, so a retry refunds once."]}
    )


def refund_replay_check(*, order: Order, request_key: str, done: str, data: dict[str, Any], field: str) -> None:
    """A key already used on this order must come back with the same request (as Stripe answers a
    reused key with other parameters): the same destination, and for a card refund the same amount
    and lines where the repeat names them. Otherwise 400 ``idempotency_conflict``, nothing changes."""
    same = done == data["to"]
    if same and done == TO_CARD:
        refund = Refund.objects.prefetch_related("lines").get(
            idempotency_key=refund_idempotency_key(order=order, request_key=request_key)
        )
        asked = {(item["line_id"], item["quantity"], item["restock"]) for item in data["lines"]}
        made = {(line.order_line_id, line.quantity, line.restock) for line in refund.lines.all()}
        same = (data["amount"] is None or data["amount"] == refund.amount) and (not asked or asked == made)
    if not same:
        raise CommerceError(
            "This key was already used for a different refund of this order; use a new key.",
            field=field,
            code="idempotency_conflict",
        )


class StaffOrderRefundView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = SCOPE
    required_permissions = {"POST": (REFUND_UP_TO_LIMIT,)}
    serializer_class = RefundRequestSerializer

    @extend_schema(
        request=RefundRequestSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: StaffOrderDetailSerializer},
        operation_id="staff_orders_refund",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Refund to the card (an amount, or lines with optional restock, or everything left on the
        card) or as store credit onto a gift card. Never more than is refundable; Customer service
        up to the store's limit (code ``refund_limit``). The same key refunds once: a repeat answers
        the order as it is, with the first refund in it."""
        order = order_for_staff(request, pk, REFUND_UP_TO_LIMIT)
        key, field = refund_request_key(request)
        request_key = f"api-{key}"  # never the same as an admin form's token
        done = refund_request_seen(order=order, request_key=request_key)
        data = _body(RefundRequestSerializer, request, order=order, check_lines=done is None)
        if done is not None:
            refund_replay_check(order=order, request_key=request_key, done=done, data=data, field=field)
        amount = data["amount"]
        order_staff_refund(
            order=order,
            to=data["to"],
            amount=None if amount is None else order.money(amount),
            lines=[
                RefundLineRequest(item["line_id"], item["quantity"], restock=item["restock"]) for item in data["lines"]
            ],
            reason=data["reason"],
            actor=request.user,
            request_key=request_key,
        )
        return Response(order_detail_body(order), status=status.HTTP_201_CREATED)


class StaffOrderNotesView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = SCOPE
    required_permissions = {"POST": (ACT_ON_ORDERS,)}
    serializer_class = NoteRequestSerializer

    @extend_schema(
        request=NoteRequestSerializer,
        responses={201: StaffOrderDetailSerializer},
        operation_id="staff_orders_add_note",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add an internal note to the order's timeline (staff only; audited)."""
        order = order_for_staff(request, pk, ACT_ON_ORDERS)
        data = _body(NoteRequestSerializer, request)
        with transaction.atomic():
            order_add_staff_note(order=order, text=data["note"], actor=request.user)
        return Response(order_detail_body(order), status=status.HTTP_201_CREATED)
