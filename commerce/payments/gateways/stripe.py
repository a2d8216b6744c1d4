"""The Stripe gateway: the only module that imports ``stripe``.

Every create call carries an idempotency key; amounts cross this boundary as integer minor units
and come back as ``Money``. The same code talks to real Stripe or to localstripe on loopback,
depending on ``api_base``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

import stripe

from commerce.core.money import Money

from ..interface import (
    GatewayError,
    IntentResult,
    InvalidWebhook,
    MalformedEvent,
    PaymentDeclined,
    RefundedCharge,
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
        """Verify the signature and that its timestamp is within the tolerance either way (Stripe's
        SDK only refuses old ones), then read the body without trusting its shape."""
        try:
            stripe.WebhookSignature.verify_header(payload, signature, self._webhook_secret, self._tolerance)
            timestamp = int(dict(item.split("=", 1) for item in (signature or "").split(",") if "=" in item)["t"])
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError, KeyError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        if timestamp > time.time() + self._tolerance:
            raise InvalidWebhook("The signature's timestamp is in the future.")
        return webhook_event_from_body(payload)

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


def webhook_event_from_body(body: bytes) -> WebhookEvent:
    """A signed body as a ``WebhookEvent``; a body that is not an event with a string ``id`` and
    ``type`` still becomes one (keyed by the body's hash) with ``problem`` saying what is wrong."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = {"raw": body.decode("utf-8", "replace")[:10_000]}
        problem = "The body is not JSON."
    else:
        problem = ""
    if not problem and not isinstance(data, dict):
        problem = "The body is not a JSON object."
    elif not problem and not (isinstance(data.get("id"), str) and data["id"] and isinstance(data.get("type"), str)):
        problem = "The event has no id or type."
    if problem:
        digest = hashlib.sha256(body).hexdigest()[:40]
        return WebhookEvent(id=f"malformed-{digest}", type="malformed", object={}, payload=data, problem=problem)
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    return WebhookEvent(
        id=data["id"][:100], type=data["type"][:100], object=obj if isinstance(obj, dict) else {}, payload=data
    )


def event_object(payload: Any) -> dict[str, Any]:
    """``data.object`` of a stored event; ``MalformedEvent`` when it is not an object."""
    data = payload.get("data") if isinstance(payload, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("data.object is not an object.")
    return obj


def _text(obj: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise MalformedEvent(f"{key} is missing or not a string.")
    return value


def _minor_units(obj: dict[str, Any], key: str, *, default: int | None = None) -> int:
    value = obj.get(key, default)
    if value is None and default is not None:
        value = default
    # bool is an int in Python; Stripe never sends one for an amount
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedEvent(f"{key} is not a whole, non-negative number of minor units.")
    return value


def _currency(obj: dict[str, Any]) -> str:
    currency = _text(obj, "currency")
    if len(currency) != 3 or not currency.isalpha():
        raise MalformedEvent("currency is not a three-letter code.")
    return currency.upper()


def intent_result_from_dict(intent: dict[str, Any]) -> IntentResult:
    """An intent as found in a webhook event's ``data.object`` or an SDK answer; ``MalformedEvent``
    for anything that is not shaped like one."""
    if not isinstance(intent, dict):
        raise MalformedEvent("The payment intent is not an object.")
    currency = _currency(intent)
    amount = _minor_units(intent, "amount")
    status = _text(intent, "status")
    received = intent.get("amount_received")
    if received is None:  # localstripe omits it; Stripe sets it once the intent succeeded
        received = amount if status == "succeeded" else 0
    received = _minor_units({"amount_received": received}, "amount_received")
    error = intent.get("last_payment_error") or {}
    metadata = intent.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise MalformedEvent("metadata is not an object.")
    return IntentResult(
        id=_text(intent, "id"),
        status=status,
        amount=Money.from_minor_units(amount, currency),
        amount_received=Money.from_minor_units(received, currency),
        client_secret=str(intent.get("client_secret") or ""),
        failure_message=str(error.get("message") or "") if isinstance(error, dict) else "",
        metadata={str(k): str(v) for k, v in metadata.items()},
    )


def refunded_charge_from_dict(charge: dict[str, Any]) -> RefundedCharge:
    """A ``charge.refunded`` event's charge; ``MalformedEvent`` when it is not shaped like one."""
    return RefundedCharge(
        id=_text(charge, "id"),
        intent_id=_text(charge, "payment_intent", required=False),
        amount_refunded=Money.from_minor_units(_minor_units(charge, "amount_refunded"), _currency(charge)),
    )


def _intent_result(intent: Any) -> IntentResult:
    return intent_result_from_dict(intent.to_dict() if hasattr(intent, "to_dict") else dict(intent))
