"""The Stripe gateway: the only module that imports ``stripe``.

Every create call carries an idempotency key; amounts cross this boundary as integer minor units
and come back as ``Money``. The same code talks to real Stripe or to localstripe on loopback,
depending on ``api_base``.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe

from commerce.core.money import Money

from ..interface import (
    GatewayError,
    IntentResult,
    InvalidWebhook,
    PaymentDeclined,
    RefundResult,
    SetupIntentResult,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

DEFAULT_JS_URL = "https://js.stripe.com/v3/"


class StripeGateway:
    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        js_url: str | None = None,
        timeout: float = 20.0,
        webhook_tolerance: int = 300,
    ) -> None:
        base_addresses = {"api": api_base} if api_base else None
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses=base_addresses,
            http_client=stripe.RequestsClient(timeout=timeout),
            max_network_retries=2,
        )
        self.publishable_key = publishable_key
        self.js_url = js_url or DEFAULT_JS_URL
        self._webhook_secret = webhook_secret
        self._tolerance = webhook_tolerance

    # -- intents -------------------------------------------------------------------------

    def create_setup_intent(self, *, idempotency_key: str, metadata: dict[str, str]) -> SetupIntentResult:
        intent = self._call(
            self._client.v1.setup_intents.create,
            params={"usage": "on_session", "payment_method_types": ["card"], "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
        return _setup_result(intent)

    def retrieve_setup_intent(self, intent_id: str) -> SetupIntentResult:
        return _setup_result(self._call(self._client.v1.setup_intents.retrieve, intent_id))

    def create_payment_intent(
        self, *, amount: Money, payment_method: str, idempotency_key: str, metadata: dict[str, str], description: str
    ) -> IntentResult:
        intent = self._call(
            self._client.v1.payment_intents.create,
            params={
                "amount": amount.to_minor_units(),
                "currency": amount.currency.lower(),
                "payment_method": payment_method,
                "payment_method_types": ["card"],
                "confirm": True,
                # The order is named in metadata rather than ``description``, which localstripe refuses.
                "metadata": {**metadata, "description": description},
            },
            options={"idempotency_key": idempotency_key},
        )
        return _intent_result(intent)

    def retrieve_payment_intent(self, intent_id: str) -> IntentResult:
        return _intent_result(self._call(self._client.v1.payment_intents.retrieve, intent_id))

    def refund(self, *, intent_id: str, amount: Money, idempotency_key: str) -> RefundResult:
        refund = self._call(
            self._client.v1.refunds.create,
            params={"payment_intent": intent_id, "amount": amount.to_minor_units()},
            options={"idempotency_key": idempotency_key},
        )
        return RefundResult(
            id=refund.id,
            status=refund.status,
            amount=Money.from_minor_units(int(refund.amount), str(refund.currency).upper()),
        )

    # -- webhooks ------------------------------------------------------------------------

    def parse_webhook(self, *, payload: bytes, signature: str | None) -> WebhookEvent:
        try:
            event = stripe.Webhook.construct_event(payload, signature, self._webhook_secret, tolerance=self._tolerance)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        data = event.to_dict()
        obj = data.get("data", {}).get("object") or {}
        if not data.get("id") or not data.get("type"):
            raise InvalidWebhook("The event has no id or type.")
        return WebhookEvent(id=data["id"], type=data["type"], object=obj, payload=data)

    # -- plumbing --------------------------------------------------------------------------

    @staticmethod
    def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except stripe.CardError as exc:
            _log_stripe_error(method, exc, declined=True)
            raise PaymentDeclined(exc.user_message or "Your card was declined.") from exc
        except stripe.StripeError as exc:
            # localstripe answers a declined card with a 402 that is not always a CardError.
            declined = getattr(exc, "http_status", None) == 402
            _log_stripe_error(method, exc, declined=declined)
            if declined:
                raise PaymentDeclined(getattr(exc, "user_message", None) or "Your card was declined.") from exc
            raise GatewayError(f"Stripe: {exc.__class__.__name__}: {exc}") from exc


def _log_stripe_error(method: Any, exc: stripe.StripeError, *, declined: bool) -> None:
    """Every Stripe failure is logged once, here, whoever catches the typed error above: the call,
    Stripe's error class, status, codes and request id (to find it in Stripe's dashboard). No card
    data or customer details: Stripe's error carries neither."""
    logger.log(
        logging.INFO if declined else logging.WARNING,
        "stripe call failed",
        extra={
            "provider": "stripe",
            "operation": getattr(method, "__qualname__", type(method).__name__),
            "error": type(exc).__name__,
            "http_status": getattr(exc, "http_status", None),
            "code": getattr(exc, "code", None),
            "decline_code": getattr(exc, "decline_code", None) if declined else None,
            "stripe_request_id": getattr(exc, "request_id", None),
            "declined": declined,
        },
    )


def _setup_result(intent: Any) -> SetupIntentResult:
    data = intent.to_dict() if hasattr(intent, "to_dict") else dict(intent)
    payment_method = data.get("payment_method")
    if isinstance(payment_method, dict):
        payment_method = payment_method.get("id")
    return SetupIntentResult(
        id=data["id"],
        client_secret=data.get("client_secret") or "",
        status=data["status"],
        payment_method=payment_method,
    )


def intent_result_from_dict(intent: dict[str, Any]) -> IntentResult:
    """An intent as found in a webhook event's ``data.object``."""
    currency = str(intent.get("currency", "usd")).upper()
    amount = int(intent.get("amount") or 0)
    status = intent.get("status") or ""
    received = intent.get("amount_received")
    if received is None:  # localstripe omits it; Stripe sets it once the intent succeeded
        received = amount if status == "succeeded" else 0
    error = intent.get("last_payment_error") or {}
    return IntentResult(
        id=intent["id"],
        status=status,
        amount=Money.from_minor_units(amount, currency),
        amount_received=Money.from_minor_units(int(received), currency),
        client_secret=intent.get("client_secret") or "",
        failure_message=(error.get("message") if isinstance(error, dict) else "") or "",
        metadata=dict(intent.get("metadata") or {}),
    )


def _intent_result(intent: Any) -> IntentResult:
    return intent_result_from_dict(intent.to_dict() if hasattr(intent, "to_dict") else dict(intent))
