"""The signed-in customer's address book: list, add, change, delete and choose the default.

Through the account pages' own form (``commerce.accounts.forms.AddressForm``: every country, its
own rules) and services (which lock the customer's address book and keep one default), and under
RLS: another customer's address is not found, whatever its id."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.accounts.forms import AddressForm
from commerce.accounts.models import Address
from commerce.accounts.selectors import address_for_customer, addresses_for
from commerce.accounts.services import address_create, address_delete, address_set_default, address_update
from commerce.core.exceptions import NotFound
from commerce.stores.selectors import store_for_request

from ..csrf import enforce_session_csrf
from ..forms import form_cleaned_data
from ..serializers.account import AddressSerializer, AddressWriteSerializer

TAGS = ["account"]


def _form(request: Request, data: dict[str, Any]) -> AddressForm:
    store = store_for_request(request)
    form = AddressForm(data, shipping_countries=store.shipping_country_codes if store else [])
    form_cleaned_data(form)
    return form


def _body(request: Request, *, partial: bool = False) -> dict[str, Any]:
    serializer = AddressWriteSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _owned(request: Request, pk: int) -> Address:
    record = address_for_customer(user=request.user, address_id=pk)
    if record is None:
        raise NotFound("That address is not in your address book.")
    return record


class _AddressBookView(generics.GenericAPIView):
    serializer_class = AddressSerializer
    pagination_class = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        enforce_session_csrf(request)


class MyAddressesView(_AddressBookView):
    @extend_schema(responses=AddressSerializer(many=True), operation_id="me_addresses_list", tags=TAGS)
    def get(self, request: Request) -> Response:
        """Your address book (the default first, as on the account page)."""
        return Response(self.get_serializer(addresses_for(user=request.user), many=True).data)

    @extend_schema(
        request=AddressWriteSerializer,
        responses={201: AddressSerializer},
        operation_id="me_addresses_create",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Add an address (``is_default`` makes it the default in place of the old one)."""
        form = _form(request, _body(request))
        record = address_create(
            customer=request.user, address=form.address(), is_default=form.cleaned_data["is_default"]
        )
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class MyAddressView(_AddressBookView):
    @extend_schema(operation_id="me_addresses_retrieve", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_owned(request, pk)).data)

    @extend_schema(
        request=AddressWriteSerializer(partial=True),
        responses=AddressSerializer,
        operation_id="me_addresses_update",
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change some fields; the address is then checked whole, as the edit page checks it."""
        changes = _body(request, partial=True)
        record = _owned(request, pk)
        current = {name: getattr(record, name) for name in AddressForm.base_fields}
        form = _form(request, {**current, **changes})
        record = address_update(
            customer=request.user,
            address_id=record.pk,
            address=form.address(),
            is_default=form.cleaned_data["is_default"],
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(responses={204: None}, operation_id="me_addresses_delete", tags=TAGS)
    def delete(self, request: Request, pk: int) -> Response:
        address_delete(customer=request.user, address_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyDefaultAddressView(_AddressBookView):
    @extend_schema(request=None, responses=AddressSerializer, operation_id="me_addresses_set_default", tags=TAGS)
    def post(self, request: Request, pk: int) -> Response:
        """Make this address your default (the old default stops being one)."""
        record = address_set_default(customer=request.user, address_id=pk)
        return Response(self.get_serializer(record).data)
