"""The shopper's gift card balance check. HTTP only: the rules are in gift_cards.py, the throttle in core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commerce.core.money import Money
from commerce.core.throttle import throttle_attempt, throttled_response
from commerce.stores.selectors import store_for_request

from .gift_cards import gift_card_find, gift_card_usable

# One answer for every failure: it must not tell an unknown code from an expired, empty,
# deactivated or other-store one, or the page becomes an oracle for which codes exist.
NOT_FOUND = "We couldn't find a gift card with that code, or it has no balance."
TEMPLATE = "promotions/balance.html"


class BalanceCheckForm(forms.Form):
    code = forms.CharField(
        label="Gift card code",
        max_length=40,
        help_text="The code from your gift card email, with or without dashes.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": "Enter your gift card code."},
    )


@dataclass(frozen=True)
class BalanceAnswer:
    last4: str
    balance: Money
    expires_at: datetime | None


@never_cache
@require_http_methods(["GET", "POST"])
def balance_check(request: HttpRequest) -> HttpResponse:
    store = store_for_request(request)
    if store is None:
        raise Http404("No store answers at this address.")
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": BalanceCheckForm()})

    # Counted before anything is read, valid code or not; over the limit nothing is looked up.
    attempt = throttle_attempt(request, scope="gift_card", ensure_session=True)
    if not attempt.allowed:
        return throttled_response(request, attempt)

    form = BalanceCheckForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form})
    card = gift_card_find(store=store, code=form.cleaned_data["code"])
    if card is None or gift_card_usable(gift_card=card, currency=store.currency, now=timezone.now()) is not None:
        return render(request, TEMPLATE, {"form": BalanceCheckForm(), "error": NOT_FOUND})
    answer = BalanceAnswer(last4=card.last4, balance=Money(card.balance, card.currency), expires_at=card.expires_at)
    # A fresh form: the code is not echoed back into the page.
    return render(request, TEMPLATE, {"form": BalanceCheckForm(), "answer": answer})
