"""Staff customers: the Customers screen's list and customer page, through ``people.selectors``
(the viewer's stores only: other stores' customers are not listed and are a 404) and the same
permission (``accounts.view_user``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.accounts.models import User
from commerce.people.customer_admin import VIEW_CUSTOMERS
from commerce.people.selectors import (
    customer_for,
    customer_page,
    customers_for,
    customers_ordered_from,
    customers_search,
)

from ..model_permissions import StaffPermissionsMixin
from ..serializers.staff_customers import (
    StaffCustomerDetailSerializer,
    StaffCustomerQuerySerializer,
    StaffCustomerSummarySerializer,
)
from ..staff_access import staff_store

SCOPE = "customers"  # API tokens need customers:read for GET, customers:write otherwise
TAGS = ["staff customers"]


class StaffCustomerListView(StaffPermissionsMixin, generics.ListAPIView):
    token_scope = SCOPE
    required_permissions = {"GET": (VIEW_CUSTOMERS,)}
    serializer_class = StaffCustomerSummarySerializer

    def get_queryset(self) -> QuerySet[User]:
        query = StaffCustomerQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        customers = customers_for(self.request.user)
        if data["q"]:
            customers = customers_search(customers, data["q"])
        if data["has_orders"] is not None:
            customers = customers.filter(order_count__gt=0) if data["has_orders"] else customers.filter(order_count=0)
        store = staff_store(self.request.user, data.get("store"))
        if store is not None:
            customers = customers_ordered_from(customers, store)
        return customers.order_by("email", "pk")

    @extend_schema(parameters=[StaffCustomerQuerySerializer], operation_id="staff_customers_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Customers (accounts that are not staff) who ordered from your stores, by email, with their
        number of orders and last order there."""
        return super().get(request, *args, **kwargs)


class StaffCustomerDetailView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = SCOPE
    required_permissions = {"GET": (VIEW_CUSTOMERS,)}
    serializer_class = StaffCustomerDetailSerializer

    @extend_schema(operation_id="staff_customers_retrieve", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        """One customer as the customer page shows them: addresses, orders in your stores, lifetime
        value per currency, gift cards (masked) and your stores' notes."""
        customer = customer_for(request.user, pk)
        if customer is None:
            raise Http404("No such customer.")
        page = customer_page(request.user, customer)
        body = {name: getattr(customer, name) for name in StaffCustomerSummarySerializer.Meta.fields}
        body.update(
            addresses=page.addresses,
            orders=page.orders,
            lifetime_value=page.lifetime_value,
            gift_cards=page.gift_cards,
            notes=page.notes,
        )
        return Response(self.get_serializer(body).data)
