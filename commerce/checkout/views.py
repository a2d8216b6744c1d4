"""Checkout steps: contact, address, shipping, review, payment, thank you.

Each step redirects back to the first one that is not done yet, so a shopper can never skip
ahead with missing data. The payment step speaks JSON to the page's Stripe.js script."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from commerce.cart.session import remember_count
from commerce.core.exceptions import CommerceError
from commerce.core.throttle import throttled, throttled_response
from commerce.orders.links import order_from_guest_token, order_guest_token, order_page_path
from commerce.payments.gateway import get_gateway
from commerce.payments.interface import PaymentError
from commerce.payments.services import IN_FLIGHT, PaymentOutcome, payment_sync
from commerce.stores.selectors import store_for_request

from .forms import AddressForm, ContactForm, ShippingMethodForm
from .models import Checkout
from .selectors import (
    CHECKOUT_STEPS,
    CheckoutSummary,
    checkout_blocking_detail,
    checkout_blocking_step,
    checkout_line_problems,
    checkout_summary,
)
from .services import (
    checkout_confirm,
    checkout_pay,
    checkout_prepare_payment,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from .session import StockHoldThrottle, request_checkout

STEPS = list(zip(CHECKOUT_STEPS, ("Contact", "Address", "Shipping", "Review", "Payment"), strict=True))


def _checkout(request: HttpRequest) -> Checkout | None:
    store = store_for_request(request)
    if store is None:
        raise Http404("No store answers at this address.")
    return request_checkout(request, store)


def _one_transaction() -> contextlib.AbstractContextManager:
    """A GET already runs in one transaction (the RLS middleware's); elsewhere the reads and the
    write of a step share one, so the RLS context is written once rather than around each query."""
    return contextlib.nullcontext() if transaction.get_connection().in_atomic_block else transaction.atomic()


def _in_one_transaction(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the form steps, which call no payment provider: the step saves all or nothing."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with _one_transaction():
            return view(request, *args, **kwargs)

    return wrapped


def _detail_step(request: HttpRequest, name: str) -> Checkout | HttpResponse:
    """The checkout for a step up to the shipping choice, or where to go instead. Reads no summary:
    a POST that succeeds redirects without needing one."""
    checkout = _checkout(request)
    if checkout is None:
        messages.info(request, "Your cart is empty.")
        return redirect("cart:detail")
    missing = checkout_blocking_detail(checkout, name)
    if missing is not None:
        return redirect(f"checkout:{missing}")
    return checkout


def _summary(request: HttpRequest, checkout: Checkout) -> CheckoutSummary:
    return checkout_summary(checkout=checkout, request=request, images=False)  # the steps show no images


def _step(request: HttpRequest, name: str) -> tuple[Checkout, CheckoutSummary] | HttpResponse:
    checkout = _checkout(request)
    if checkout is None:
        messages.info(request, "Your cart is empty.")
        return redirect("cart:detail")
    summary = _summary(request, checkout)
    missing = checkout_blocking_step(summary, name)
    if missing is not None:
        return redirect(f"checkout:{missing}")
    return checkout, summary


def _render(request: HttpRequest, template: str, step: str, summary: CheckoutSummary, **context) -> HttpResponse:
    return render(
        request,
        template,
        {"steps": STEPS, "current_step": step, "summary": summary, "totals": summary.totals, **context},
    )


@require_http_methods(["GET", "POST"])
@_in_one_transaction
def contact(request: HttpRequest) -> HttpResponse:
    checkout = _detail_step(request, "contact")
    if isinstance(checkout, HttpResponse):
        return checkout
    form = ContactForm(request.POST or None, initial={"email": checkout.email})
    if request.method == "POST" and form.is_valid():
        try:
            checkout_set_email(checkout=checkout, email=form.cleaned_data["email"])
            return redirect("checkout:address")
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return _render(request, "checkout/contact.html", "contact", _summary(request, checkout), form=form)


@require_http_methods(["GET", "POST"])
@_in_one_transaction
def address(request: HttpRequest) -> HttpResponse:
    checkout = _detail_step(request, "address")
    if isinstance(checkout, HttpResponse):
        return checkout
    initial = checkout.shipping_address or {"country": checkout.store.default_country}
    saved = []
    if request.user.is_authenticated:
        from commerce.accounts.selectors import addresses_for

        saved = addresses_for(user=request.user)
        if not checkout.shipping_address and saved:
            default = saved[0]
            initial = {field: getattr(default, field) for field in AddressForm.base_fields}
    form = AddressForm(request.POST or None, initial=initial, countries=checkout.store.shipping_country_codes)
    if request.method == "POST" and form.is_valid():
        try:
            checkout_set_shipping_address(checkout=checkout, address=form.address())
            return redirect("checkout:shipping")
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    summary = _summary(request, checkout)
    return _render(request, "checkout/address.html", "address", summary, form=form, saved_addresses=saved)


@require_http_methods(["GET", "POST"])
@_in_one_transaction
def shipping(request: HttpRequest) -> HttpResponse:
    checkout = _detail_step(request, "shipping")
    if isinstance(checkout, HttpResponse):
        return checkout
    summary = _summary(request, checkout)  # its rates are the form's choices
    form = ShippingMethodForm(
        request.POST or None, initial={"shipping_method": checkout.shipping_method_code}, rates=summary.rates
    )
    if request.method == "POST" and form.is_valid():
        try:
            checkout_set_shipping_method(checkout=checkout, code=form.cleaned_data["shipping_method"], summary=summary)
            return redirect("checkout:review")
        except CommerceError as error:
            form.add_error("shipping_method", error.message)
    return _render(request, "checkout/shipping.html", "shipping", summary, form=form)


def review(request: HttpRequest) -> HttpResponse:
    state = _step(request, "review")
    if isinstance(state, HttpResponse):
        return state
    _checkout_obj, summary = state
    return _render(request, "checkout/review.html", "review", summary)


@require_http_methods(["GET", "POST"])
@throttled("checkout_payment")
def payment(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _pay(request)
    with _one_transaction():
        state = _step(request, "payment")
    if isinstance(state, HttpResponse):
        return state
    checkout, summary = state
    problems = checkout_line_problems(summary)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("cart:detail")
    if not summary.totals.amount_due:
        return _render(request, "checkout/payment.html", "payment", summary, no_card_needed=True)
    try:
        setup = checkout_prepare_payment(checkout=checkout)
    except PaymentError:
        messages.error(request, "Card payments are unavailable right now. Please try again in a minute.")
        return redirect("checkout:review")
    gateway = get_gateway()
    return _render(
        request,
        "checkout/payment.html",
        "payment",
        summary,
        stripe_js_url=gateway.js_url,
        stripe_config={
            "publishableKey": gateway.publishable_key,
            "clientSecret": setup.client_secret,
            "payUrl": reverse("checkout:payment"),
            "confirmUrl": reverse("checkout:confirm"),
        },
    )


def _outcome_response(request: HttpRequest, outcome: PaymentOutcome) -> JsonResponse:
    if outcome.status == "paid":
        store = store_for_request(request)
        remember_count(request, store, None)
        url = reverse("checkout:thank_you", kwargs={"token": order_guest_token(outcome.order)})
        return JsonResponse({"status": "paid", "redirect": url})
    if outcome.status == "requires_action":
        return JsonResponse({"status": "requires_action", "client_secret": outcome.client_secret})
    if outcome.status == "pending":
        url = reverse("checkout:thank_you", kwargs={"token": order_guest_token(outcome.order)})
        return JsonResponse({"status": "pending", "redirect": url, "message": outcome.message})
    return JsonResponse(
        {"status": "failed", "field": "payment_method", "message": outcome.message or "Your card was declined."},
        status=402,
    )


def _pay(request: HttpRequest) -> HttpResponse:
    """The payment POST: ``checkout_pay`` reads the summary once, under the checkout's row lock, and
    refuses what is not ready; here only what the checkout row alone tells (no cart, no contact or
    address yet). Paying commits its Payment row before calling the provider, so no transaction here."""
    with _one_transaction():
        checkout = _checkout(request)
        incomplete = checkout is None or checkout_blocking_detail(checkout, "shipping") is not None
    if incomplete:
        return JsonResponse(
            {"status": "failed", "field": "cart", "message": "Your checkout is incomplete."}, status=400
        )
    wants_json = "application/json" in request.headers.get("Accept", "")
    hold_throttle = StockHoldThrottle(request)
    try:
        outcome = checkout_pay(checkout=checkout, before_hold=hold_throttle)
    except CommerceError as error:
        if hold_throttle.refused is not None:
            return throttled_response(request, hold_throttle.refused)
        if not wants_json:  # the plain form of an order paid entirely by gift cards
            messages.error(request, error.message)
            return redirect("checkout:payment")
        return JsonResponse({"status": "failed", **error.as_dict()}, status=400)
    response = _outcome_response(request, outcome)
    if not wants_json and outcome.status in {"paid", "pending"}:
        return redirect(reverse("checkout:thank_you", kwargs={"token": order_guest_token(outcome.order)}))
    return response


@require_POST
def confirm(request: HttpRequest) -> JsonResponse:
    """Called by the page after Stripe.js finished 3-D Secure."""
    checkout = _checkout(request)
    if checkout is None:
        return JsonResponse(
            {"status": "failed", "field": "cart", "message": "Your checkout is complete or empty."}, status=400
        )
    try:
        outcome = checkout_confirm(checkout=checkout)
    except PaymentError:
        return JsonResponse({"status": "failed", "message": "We could not reach the payment provider."}, status=502)
    if outcome is None:
        return JsonResponse(
            {"status": "failed", "field": "payment_method", "message": "No payment to confirm."}, status=400
        )
    return _outcome_response(request, outcome)


@never_cache  # private, no-store: it links to this shopper's order page, so no shared cache may keep it
def thank_you(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation page; its signed link is also the guest's way back to the order."""
    order = order_from_guest_token(token, store=store_for_request(request))
    if order is None:
        raise Http404("No such order.")
    if not order.is_paid:
        payment = order.payments.filter(status__in=IN_FLIGHT).first()
        if payment is not None:
            with contextlib.suppress(PaymentError):  # the webhook settles it if the provider is away
                payment_sync(payment=payment)
                order.refresh_from_db()
    context = {"order": order, "lines": order.lines.all(), "order_url": order_page_path(order, user=request.user)}
    return render(request, "checkout/thank_you.html", context)


def start(request: HttpRequest) -> HttpResponseRedirect:
    return redirect("checkout:contact")
