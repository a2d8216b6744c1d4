"""Cart pages and actions. HTML forms post here and are redirected back; a request that asks
for JSON gets a JSON body (4xx naming the field on bad input)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from commerce.core.exceptions import CommerceError
from commerce.core.links import safe_next_url
from commerce.core.throttle import throttle_attempt, throttled_response
from commerce.stores.selectors import store_for_request

from .offers import cart_pricing
from .selectors import cart_lines
from .services import (
    cart_add_available,
    cart_apply_discount_code,
    cart_apply_gift_card,
    cart_remove_discount_code,
    cart_remove_gift_card,
    cart_remove_line,
    cart_set_quantity,
)
from .session import remember_count, request_cart, session_count


def _store(request: HttpRequest):
    store = store_for_request(request)
    if store is None:
        raise Http404("No store answers at this address.")
    return store


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest) -> str:
    return safe_next_url(request) or reverse("cart:detail")


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    store = _store(request)
    cart = request_cart(request, store)
    lines = cart_lines(cart=cart, request=request)
    pricing = cart_pricing(cart=cart, lines=lines, customer=request.user) if cart is not None else None
    return render(
        request,
        "cart/cart.html",
        {
            "cart": cart,
            "lines": lines,
            "pricing": pricing,
            "totals": pricing.totals if pricing else None,
            "has_problems": any(line.problem for line in lines) or bool(pricing and pricing.problems),
        },
    )


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    store = _store(request)
    cart = request_cart(request, store, create=True)
    try:
        result = cart_add_available(
            cart=cart, variant_id=request.POST.get("variant_id"), quantity=request.POST.get("quantity", "1")
        )
    except CommerceError as error:
        return _json_or_redirect(request, store, cart, error=error)
    title = result.line.variant.product.title
    if result.capped:
        message = f"Only {result.added} more of {title} could be added: that is all we have. It is in your cart."
    else:
        message = f"Added {title} to your cart."
    return _json_or_redirect(request, store, cart, success=message)


@require_POST
def cart_update(request: HttpRequest, line_id: int) -> HttpResponse:
    store = _store(request)
    cart = request_cart(request, store)
    if cart is None:
        return _json_or_redirect(request, store, cart, error=CommerceError("Your cart is empty.", field="line_id"))
    try:
        cart_set_quantity(cart=cart, line_id=line_id, quantity=request.POST.get("quantity"))
    except CommerceError as error:
        return _json_or_redirect(request, store, cart, error=error)
    return _json_or_redirect(request, store, cart, success="Your cart was updated.")


@require_POST
def cart_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    store = _store(request)
    cart = request_cart(request, store)
    try:
        if cart is None:
            raise CommerceError("Your cart is empty.", field="line_id")
        cart_remove_line(cart=cart, line_id=line_id)
    except CommerceError as error:
        return _json_or_redirect(request, store, cart, error=error)
    return _json_or_redirect(request, store, cart, success="The item was removed.")


@require_POST
def discount_apply(request: HttpRequest) -> HttpResponse:
    store = _store(request)
    attempt = throttle_attempt(request, scope="discount_code", ensure_session=True)
    if not attempt.allowed:
        return throttled_response(request, attempt)
    cart = request_cart(request, store, create=True)
    try:
        code = cart_apply_discount_code(cart=cart, code=request.POST.get("code", ""))
    except CommerceError as error:
        return _json_or_redirect(request, store, cart, error=error)
    return _json_or_redirect(request, store, cart, success=f"Code {code} added.")


@require_POST
def discount_remove(request: HttpRequest) -> HttpResponse:
    store = _store(request)
    cart = request_cart(request, store)
    if cart is not None:
        cart_remove_discount_code(cart=cart, code=request.POST.get("code", ""))
    return _json_or_redirect(request, store, cart, success="Code removed.")


@require_POST
def gift_card_apply(request: HttpRequest) -> HttpResponse:
    store = _store(request)
    attempt = throttle_attempt(request, scope="gift_card", ensure_session=True)
    if not attempt.allowed:
        return throttled_response(request, attempt)
    cart = request_cart(request, store, create=True)
    try:
        card = cart_apply_gift_card(cart=cart, code=request.POST.get("code", ""))
    except CommerceError as error:
        return _json_or_redirect(request, store, cart, error=error)
    return _json_or_redirect(request, store, cart, success=f"Gift card {card.masked_code} added.")


@require_POST
def gift_card_remove(request: HttpRequest, gift_card_id: int) -> HttpResponse:
    store = _store(request)
    cart = request_cart(request, store)
    try:
        if cart is None:
            raise CommerceError("Your cart is empty.", field="gift_card")
        cart_remove_gift_card(cart=cart, gift_card_id=gift_card_id)
    except CommerceError as error:
        return _json_or_redirect(request, store, cart, error=error)
    return _json_or_redirect(request, store, cart, success="Gift card removed.")


def _json_or_redirect(request, store, cart, *, error: CommerceError | None = None, success: str = "") -> HttpResponse:
    remember_count(request, store, cart)
    if _wants_json(request):
        if error is not None:
            return JsonResponse(error.as_dict(), status=404 if error.code == "not_found" else 400)
        return JsonResponse({"ok": True, "message": success, "cart_count": session_count(request, store)})
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(_back(request))
