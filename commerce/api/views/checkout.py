"""Checkout of the session's cart (guest or signed-in customer), step by step, as the HTML pages do it.

Every step goes through the checkout's own forms, selectors and services (``commerce.checkout``):
the same validation, rates, totals, stock holds and order placement as the pages. Paying follows
the pages' Stripe.js flow: ``payment/setup/`` gives a SetupIntent's client secret, Stripe.js
confirms the card with Stripe (card data never reaches Magpie), ``payment/pay/`` places the order and
charges that card, and after 3-D Secure ``payment/confirm/`` settles it."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.cart.session import remember_count, request_cart
from commerce.checkout.forms import AddressForm, ContactForm, ShippingMethodForm
from commerce.checkout.models import Checkout
from commerce.checkout.selectors import (
    CheckoutSummary,
    checkout_blocking_step,
    checkout_line_problems,
    checkout_missing_step,
    checkout_summary,
)
from commerce.checkout.services import (
    checkout_confirm,
    checkout_pay,
    checkout_prepare_payment,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from commerce.checkout.session import (
    StockHoldThrottle,
    existing_checkout,
    placed_order,
    request_checkout,
)
from commerce.core.exceptions import CommerceError, OutOfStock
from commerce.core.money import Money
from commerce.core.throttle import throttle_attempt
from commerce.orders.links import order_guest_path
from commerce.orders.models import Order
from commerce.payments.gateway import get_gateway
from commerce.payments.interface import PaymentError
from commerce.payments.services import PaymentOutcome
from commerce.stores.models import Store

from ..csrf import enforce_session_csrf
from ..errors import ErrorSerializer, error_body
from ..forms import form_cleaned_data
from ..permissions import TokenScopePermission
from ..serializers.checkout import (
    CheckoutSerializer,
    ContactSerializer,
    PaymentOutcomeSerializer,
    PaymentSetupSerializer,
    ShippingAddressSerializer,
    ShippingMethodSerializer,
    ShippingRatesSerializer,
)
from .catalog import request_store

TAGS = ["checkout"]
# The field a client sends to complete each step: what a 400 names when a step is skipped.
STEP_FIELDS = {"contact": "email", "address": "shipping_address", "shipping": "shipping_method"}
DECLINED = OpenApiResponse(ErrorSerializer, description="The card was declined (field payment_method).")
PROVIDER_DOWN = OpenApiResponse(ErrorSerializer, description="The payment provider could not be reached.")


class PaymentProviderUnavailable(APIException):
    status_code = 502
    default_detail = "We could not reach the payment provider. Please try again in a minute."
    default_code = "payment_provider_unavailable"


def _order_data(request: Request, order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "total": Money(order.total, order.currency),
        "url": request.build_absolute_uri(order_guest_path(order)),
    }


def _step(summary: CheckoutSummary) -> str:
    order = summary.checkout.order
    if order is not None and order.is_paid:
        return "complete"
    return checkout_missing_step(summary) or "payment"


def checkout_body(request: Request, summary: CheckoutSummary) -> dict[str, Any]:
    checkout = summary.checkout
    return CheckoutSerializer(
        {
            "step": _step(summary),
            "email": checkout.email,
            "shipping_address": summary.address.as_dict() if summary.address else None,
            "shipping_method": summary.shipping_rate,
            "lines": summary.lines,
            "problems": checkout_line_problems(summary),
            "totals": summary.totals if summary.lines else None,
            "order": _order_data(request, checkout.order) if checkout.order_id else None,
        },
        context={"request": request},
    ).data


def completed_body(request: Request, order: Order) -> dict[str, Any]:
    """A checkout whose cart is gone (paid, so deleted): the order remains."""
    return {
        "step": "complete" if order.is_paid else "payment",
        "email": order.email,
        "shipping_address": order.shipping_address or None,
        "shipping_method": None,
        "lines": [],
        "problems": [],
        "totals": None,
        "order": _order_data(request, order),
    }


class _CheckoutView(APIView):
    # Anyone may check out (a guest too); an API token may not (TokenScopePermission refuses token
    # requests to views without a token_scope, reads of public views aside): tokens are for staff
    # integrations, and a checkout is a shopper's session.
    permission_classes = [TokenScopePermission, AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        enforce_session_csrf(request)

    @staticmethod
    def body(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def checkout(request: Request, store: Store, *, step: str) -> tuple[Checkout, CheckoutSummary]:
        """The session's checkout (started on first use), with every step before ``step`` done."""
        checkout = request_checkout(request, store)
        if checkout is None:
            raise CommerceError("Your cart is empty.", field="cart", code="empty_cart")
        summary = checkout_summary(checkout=checkout, request=request)
        missing = checkout_blocking_step(summary, step)
        if missing is not None:
            raise CommerceError(f"Complete the {missing} step first.", field=STEP_FIELDS[missing], code="step_missing")
        return checkout, summary

    @staticmethod
    def respond(request: Request, checkout: Checkout) -> Response:
        checkout.refresh_from_db()  # the services wrote through their own (locked) copies
        return Response(checkout_body(request, checkout_summary(checkout=checkout, request=request)))


class CheckoutView(_CheckoutView):
    @extend_schema(responses=CheckoutSerializer, operation_id="checkout_retrieve", tags=TAGS)
    def get(self, request: Request) -> Response:
        """Where the session's checkout stands: the next step, lines, totals and, once placed, the
        order (after payment too, when the cart is gone). Also sets the ``csrftoken`` cookie."""
        get_token(request._request)
        store = request_store(request)
        checkout = existing_checkout(request, store)
        if checkout is None:
            cart = request_cart(request, store)
            if cart is None or not cart.lines.exists():
                order = placed_order(request, store)
                if order is None:
                    raise CommerceError("Your cart is empty.", field="cart", code="empty_cart")
                return Response(CheckoutSerializer(completed_body(request, order)).data)
            # Not started yet: shown as it would start, without writing (a GET never writes).
            user = request.user if request.user.is_authenticated else None
            checkout = Checkout(store=store, cart=cart, customer=user, email=user.email if user else "")
        return Response(checkout_body(request, checkout_summary(checkout=checkout, request=request)))


class ContactView(_CheckoutView):
    @extend_schema(
        request=ContactSerializer, responses=CheckoutSerializer, operation_id="checkout_contact_set", tags=TAGS
    )
    def put(self, request: Request) -> Response:
        """The email the order confirmation goes to (the contact step's form)."""
        data = self.body(request, ContactSerializer)
        checkout, _ = self.checkout(request, request_store(request), step="contact")
        cleaned = form_cleaned_data(ContactForm(data))
        checkout_set_email(checkout=checkout, email=cleaned["email"])
        return self.respond(request, checkout)


class ShippingAddressView(_CheckoutView):
    @extend_schema(
        request=ShippingAddressSerializer,
        responses=CheckoutSerializer,
        operation_id="checkout_shipping_address_set",
        tags=TAGS,
    )
    def put(self, request: Request) -> Response:
        """Where the order goes: checked by the address step's form (the store's shipping countries,
        each country's rules) and, with live rates, by the carrier. Clears a chosen shipping option."""
        data = self.body(request, ShippingAddressSerializer)
        store = request_store(request)
        checkout, _ = self.checkout(request, store, step="address")
        form = AddressForm(data, countries=store.shipping_country_codes)
        form_cleaned_data(form)
        checkout_set_shipping_address(checkout=checkout, address=form.address())
        return self.respond(request, checkout)


class ShippingRatesView(_CheckoutView):
    @extend_schema(responses=ShippingRatesSerializer, operation_id="checkout_shipping_rates_list", tags=TAGS)
    def get(self, request: Request) -> Response:
        """The shipping options for the cart and address: live carrier rates when the store uses them
        (the store's rate table when the carrier is unavailable, with a note), else the rate table."""
        store = request_store(request)
        checkout = existing_checkout(request, store)
        if checkout is None or not checkout.cart.lines.exists():
            raise CommerceError("Your cart is empty.", field="cart", code="empty_cart")
        summary = checkout_summary(checkout=checkout, request=request)
        if summary.address is None:
            raise CommerceError("Enter a shipping address first.", field="shipping_address", code="step_missing")
        return Response(ShippingRatesSerializer({"rates": summary.rates, "note": summary.shipping_note}).data)


class ShippingMethodView(_CheckoutView):
    @extend_schema(
        request=ShippingMethodSerializer,
        responses=CheckoutSerializer,
        operation_id="checkout_shipping_method_set",
        tags=TAGS,
    )
    def put(self, request: Request) -> Response:
        """Choose one of the rates offered (its ``code``)."""
        data = self.body(request, ShippingMethodSerializer)
        checkout, summary = self.checkout(request, request_store(request), step="shipping")
        cleaned = form_cleaned_data(ShippingMethodForm(data, rates=summary.rates))
        checkout_set_shipping_method(checkout=checkout, code=cleaned["shipping_method"])
        return self.respond(request, checkout)


class PaymentSetupView(_CheckoutView):
    @extend_schema(
        request=None,
        responses={200: PaymentSetupSerializer, 502: PROVIDER_DOWN},
        operation_id="checkout_payment_setup",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Start paying: the SetupIntent's client secret for Stripe.js ``confirmCardSetup`` (one per
        checkout until a card is used and fails). Nothing is held or charged yet."""
        checkout, summary = self.checkout(request, request_store(request), step="payment")
        problems = checkout_line_problems(summary)
        if problems:
            raise CommerceError(problems[0], field="cart", code="cart_problem")
        gateway = get_gateway()
        body = {
            "card_needed": bool(summary.totals.amount_due),
            "client_secret": None,
            "publishable_key": gateway.publishable_key,
            "stripe_js_url": gateway.js_url,
            "amount_due": summary.totals.amount_due,
        }
        if body["card_needed"]:
            try:
                body["client_secret"] = checkout_prepare_payment(checkout=checkout).client_secret
            except PaymentError as exc:
                raise PaymentProviderUnavailable() from exc
        return Response(PaymentSetupSerializer(body).data)


class _PaymentResultView(_CheckoutView):
    def outcome(self, request: Request, store: Store, outcome: PaymentOutcome) -> Response:
        if outcome.status == "failed":
            message = outcome.message or "Your card was declined."
            body = error_body(
                code="card_declined", message=message, fields=[{"field": "payment_method", "reason": message}]
            )
            return Response(body, status=402)
        if outcome.status == "paid":
            remember_count(request, store, None)
        data = {
            "status": outcome.status,
            "client_secret": outcome.client_secret,
            "message": outcome.message,
            "order": _order_data(request, outcome.order),
        }
        return Response(PaymentOutcomeSerializer(data).data)

    def already_paid(self, request: Request, store: Store) -> Response | None:
        """Paying (or confirming) a checkout whose order is paid answers with that order again."""
        order = placed_order(request, store)
        if order is None or not order.is_paid:
            return None
        return self.outcome(request, store, PaymentOutcome(None, order, "paid"))


class PaymentPayView(_PaymentResultView):
    @extend_schema(
        request=None,
        responses={200: PaymentOutcomeSerializer, 402: DECLINED},
        operation_id="checkout_payment_pay",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Place the order (stock is held from here) and charge the card confirmed on the SetupIntent;
        with gift cards covering everything, no card. A repeat (a double click, a retry) never makes a
        second order or a second charge: it answers with the same order."""
        attempt = throttle_attempt(request, scope="checkout_payment", ensure_session=True)
        if not attempt.allowed:
            raise Throttled(wait=attempt.retry_after)
        store = request_store(request)
        checkout = request_checkout(request, store)
        if checkout is None:
            answer = self.already_paid(request, store)
            if answer is not None:
                return answer
            raise CommerceError("Your cart is empty.", field="cart", code="empty_cart")
        hold_throttle = StockHoldThrottle(request)
        try:
            outcome = checkout_pay(checkout=checkout, before_hold=hold_throttle)
        except OutOfStock as error:  # sold meanwhile: the cart is what the shopper must change
            raise CommerceError(error.message, field="cart", code=error.code) from None
        except CommerceError:
            if hold_throttle.refused is not None:
                raise Throttled(wait=hold_throttle.refused.retry_after) from None
            raise
        return self.outcome(request, store, outcome)


class PaymentConfirmView(_PaymentResultView):
    @extend_schema(
        request=None,
        responses={200: PaymentOutcomeSerializer, 402: DECLINED, 502: PROVIDER_DOWN},
        operation_id="checkout_payment_confirm",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """After Stripe.js finished 3-D Secure (``confirmCardPayment``): settle the payment from the
        provider's answer."""
        store = request_store(request)
        checkout = request_checkout(request, store)
        if checkout is None:
            answer = self.already_paid(request, store)
            if answer is not None:
                return answer
            raise CommerceError("Your cart is empty.", field="cart", code="empty_cart")
        try:
            outcome = checkout_confirm(checkout=checkout)
        except PaymentError as exc:
            raise PaymentProviderUnavailable() from exc
        if outcome is None:
            raise CommerceError("No payment to confirm.", field="payment_method", code="no_payment")
        return self.outcome(request, store, outcome)
