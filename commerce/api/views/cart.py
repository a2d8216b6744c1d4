"""The visitor's or customer's cart for the store serving the request (the session's, as on the
storefront): the cart's services do the work, the discount-code and gift-card attempts share the
storefront's throttles."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.cart.offers import cart_pricing
from commerce.cart.selectors import cart_lines
from commerce.cart.services import (
    cart_add_available,
    cart_apply_discount_code,
    cart_apply_gift_card,
    cart_remove_discount_code,
    cart_remove_gift_card,
    cart_remove_line,
    cart_set_quantity,
)
from commerce.cart.session import remember_count, request_cart
from commerce.core.exceptions import CommerceError, NotFound
from commerce.core.throttle import throttle_attempt

from ..csrf import enforce_session_csrf
from ..serializers.cart import AddLineSerializer, CartSerializer, CodeSerializer, SetQuantitySerializer
from .catalog import request_store

TAGS = ["cart"]


def cart_body(request: Request, cart: Any) -> dict[str, Any]:
    lines = cart_lines(cart=cart, request=request)
    pricing = cart_pricing(cart=cart, lines=lines, customer=request.user) if cart is not None else None
    totals = pricing.totals if pricing else None
    data = {
        "lines": lines,
        "discount_codes": list(cart.discount_codes) if cart is not None else [],
        "code_problems": list(pricing.problems) if pricing else [],
        "gift_cards": [
            {"id": card.pk, "masked_code": card.masked_code, "amount": pricing.gift_card_amount(card)}
            for card in (pricing.gift_cards if pricing else ())
        ],
        "totals": None
        if totals is None
        else {**{name: getattr(totals, name) for name in _TOTALS}, "discounts": totals.discounts},
    }
    return CartSerializer(data, context={"request": request}).data


_TOTALS = (
    "currency",
    "item_count",
    "subtotal",
    "discount_total",
    "shipping",
    "tax_total",
    "total",
    "gift_card_total",
    "amount_due",
    "prices_include_tax",
)


class _CartView(APIView):
    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        enforce_session_csrf(request)

    def respond(self, request: Request, cart: Any, *, status_code: int = 200) -> Response:
        cart.refresh_from_db()  # the services wrote through their own (locked) copy
        remember_count(request, request_store(request), cart)
        return Response(cart_body(request, cart), status=status_code)

    def cart(self, request: Request, *, create: bool = False) -> Any:
        cart = request_cart(request, request_store(request), create=create)
        if cart is None and not create:
            raise NotFound("Your cart is empty.")
        return cart

    @staticmethod
    def body(request: Request, serializer_class: type) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def throttle(request: Request, scope: str) -> None:
        attempt = throttle_attempt(request, scope=scope, ensure_session=True)
        if not attempt.allowed:
            raise Throttled(wait=attempt.retry_after)


class CartView(_CartView):
    @extend_schema(responses=CartSerializer, operation_id="cart_retrieve", tags=TAGS)
    def get(self, request: Request) -> Response:
        """The session's cart (empty if none yet); also sets the ``csrftoken`` cookie for writes."""
        get_token(request._request)
        return Response(cart_body(request, request_cart(request, request_store(request))))


class CartLinesView(_CartView):
    @extend_schema(request=AddLineSerializer, responses={201: CartSerializer}, operation_id="cart_lines_add", tags=TAGS)
    def post(self, request: Request) -> Response:
        """Add a variant (as many as are left, if fewer than asked); creates the cart if needed."""
        data = self.body(request, AddLineSerializer)
        cart = self.cart(request, create=True)
        try:
            cart_add_available(cart=cart, variant_id=data["variant_id"], quantity=data["quantity"])
        except NotFound as error:  # a variant the store does not sell: the body is wrong, not the URL
            raise CommerceError(error.message, field="variant_id", code="unknown") from None
        return self.respond(request, cart, status_code=status.HTTP_201_CREATED)


class CartLineView(_CartView):
    @extend_schema(request=SetQuantitySerializer, responses=CartSerializer, operation_id="cart_lines_update", tags=TAGS)
    def patch(self, request: Request, pk: int) -> Response:
        """Set a line's quantity (0 removes it)."""
        data = self.body(request, SetQuantitySerializer)
        cart = self.cart(request)
        cart_set_quantity(cart=cart, line_id=pk, quantity=data["quantity"])
        return self.respond(request, cart)

    @extend_schema(responses={200: CartSerializer}, operation_id="cart_lines_remove", tags=TAGS)
    def delete(self, request: Request, pk: int) -> Response:
        cart = self.cart(request)
        cart_remove_line(cart=cart, line_id=pk)
        return self.respond(request, cart)


class DiscountCodesView(_CartView):
    @extend_schema(
        request=CodeSerializer, responses=CartSerializer, operation_id="cart_discount_codes_apply", tags=TAGS
    )
    def post(self, request: Request) -> Response:
        """Apply a discount code (rate-limited like the storefront's)."""
        data = self.body(request, CodeSerializer)
        self.throttle(request, "discount_code")
        cart = self.cart(request, create=True)
        cart_apply_discount_code(cart=cart, code=data["code"])
        return self.respond(request, cart)


class DiscountCodeView(_CartView):
    @extend_schema(responses={200: CartSerializer}, operation_id="cart_discount_codes_remove", tags=TAGS)
    def delete(self, request: Request, code: str) -> Response:
        cart = self.cart(request)
        cart_remove_discount_code(cart=cart, code=code)
        return self.respond(request, cart)


class GiftCardsView(_CartView):
    @extend_schema(request=CodeSerializer, responses=CartSerializer, operation_id="cart_gift_cards_apply", tags=TAGS)
    def post(self, request: Request) -> Response:
        """Pay part of the cart with a gift card (rate-limited; one answer for unknown or empty cards)."""
        data = self.body(request, CodeSerializer)
        self.throttle(request, "gift_card")
        cart = self.cart(request, create=True)
        try:
            cart_apply_gift_card(cart=cart, code=data["code"])
        except CommerceError as error:  # "not found" here is bad input, not a missing URL
            raise CommerceError(error.message, field="code", code=error.code) from None
        return self.respond(request, cart)


class GiftCardView(_CartView):
    @extend_schema(responses={200: CartSerializer}, operation_id="cart_gift_cards_remove", tags=TAGS)
    def delete(self, request: Request, pk: int) -> Response:
        cart = self.cart(request)
        cart_remove_gift_card(cart=cart, gift_card_id=pk)
        return self.respond(request, cart)
