"""What the rest of Magpie knows about a payment provider: dataclasses and typed errors.

Messages on ``PaymentDeclined`` are safe to show the shopper; ``GatewayError`` messages are for
logs and staff only (the shopper sees a generic "try again")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from commerce.core.money import Money


class PaymentError(Exception):
    """Base for payment failures."""


class PaymentDeclined(PaymentError):
    """The card or bank said no; the message may be shown to the shopper."""


class GatewayError(PaymentError):
    """The provider could not be reached or answered unexpectedly; not for the shopper's eyes."""


class InvalidWebhook(PaymentError):
    """A webhook whose signature or timestamp does not check out: refused, not stored."""


class MalformedEvent(PaymentError):
    """A correctly signed event whose body is not what the provider documents: stored and marked
    failed with this reason (retrying would fail the same way)."""


@dataclass(frozen=True)
class SetupIntentResult:
    id: str
    client_secret: str
    status: str
    payment_method: str | None = None


@dataclass(frozen=True)
class IntentResult:
    id: str
    status: str  # succeeded | requires_action | requires_payment_method | processing | canceled | ...
    amount: Money
    amount_received: Money
    client_secret: str = ""
    failure_message: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount: Money


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict[str, Any]
    payload: Any  # the JSON body as sent (a dict for a well-formed event)
    problem: str = ""  # why the signed body is malformed; "" when it is well formed


@dataclass(frozen=True)
class RefundedCharge:
    """A ``charge.refunded`` event: how much of the charge has been refunded so far."""

    id: str
    intent_id: str
    amount_refunded: Money


class PaymentGateway(Protocol):
    publishable_key: str
    js_url: str

    def create_setup_intent(self, *, idempotency_key: str, metadata: dict[str, str]) -> SetupIntentResult: ...

    def retrieve_setup_intent(self, intent_id: str) -> SetupIntentResult: ...

    def create_payment_intent(
        self, *, amount: Money, payment_method: str, idempotency_key: str, metadata: dict[str, str], description: str
    ) -> IntentResult: ...

    def retrieve_payment_intent(self, intent_id: str) -> IntentResult: ...

    def refund(self, *, intent_id: str, amount: Money, idempotency_key: str) -> RefundResult: ...

    def parse_webhook(self, *, payload: bytes, signature: str | None) -> WebhookEvent: ...
