"""The signed-in customer's own orders, through the same selectors as the account pages (and,
under them, RLS: a customer's context sees only their own rows). The address book: addresses.py."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.orders.selectors import order_for_customer, orders_for_customer

from ..serializers.account import OrderDetailSerializer, OrderSummarySerializer
from .catalog import request_store

TAGS = ["account"]


class MyOrdersView(generics.ListAPIView):
    serializer_class = OrderSummarySerializer

    def get_queryset(self):
        return orders_for_customer(user=self.request.user, store=request_store(self.request))

    @extend_schema(operation_id="me_orders_list", tags=TAGS)
    def get(self, request: Request, *args, **kwargs) -> Response:
        """Your orders in this store, newest first."""
        return super().get(request, *args, **kwargs)


class MyOrderView(generics.GenericAPIView):
    serializer_class = OrderDetailSerializer

    @extend_schema(operation_id="me_orders_retrieve", tags=TAGS)
    def get(self, request: Request, number: str) -> Response:
        order = order_for_customer(user=request.user, number=number, store=request_store(request))
        if order is None:
            raise Http404("No such order.")
        return Response(self.get_serializer(order).data)
