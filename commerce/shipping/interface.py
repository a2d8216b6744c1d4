"""What the rest of Magpie knows about a carrier platform: dataclasses and typed errors.

``AddressRejected`` and ``CarrierRefused`` messages may be shown to the shopper or to staff;
``ProviderUnavailable`` (timeouts, 5xx, unreadable answers) is for logs: callers fall back to the
store's rate tables or ask staff to try again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money


class ShippingError(Exception):
    """Base for carrier-platform failures."""


class ProviderUnavailable(ShippingError):
    """No usable answer: a timeout, a connection error, a 5xx or a body we cannot read."""


class CarrierRefused(ShippingError):
    """The platform or carrier answered and said no (bad parcel, unknown service, label refused)."""


class AddressRejected(CarrierRefused):
    """The carrier's address validation refused the destination; the message is for the shopper."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Parcel:
    """One box: grams and millimetres, whole numbers (the adapter converts units once)."""

    weight_grams: int
    length_mm: int
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class LiveRate:
    """A carrier's price for a service. ``code`` is stable across quotes (carrier + service level),
    ``rate_id`` names this very quote at the provider (what a label is bought with)."""

    code: str
    rate_id: str
    carrier: str
    service: str
    price: Money
    estimated_days: int | None = None


@dataclass(frozen=True)
class Label:
    transaction_id: str
    status: str  # "purchased" | "queued" | "failed"
    tracking_number: str = ""
    tracking_url: str = ""
    label_url: str = ""
    rate_id: str = ""
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrackingUpdate:
    """One status the carrier reported. ``status`` is the platform's (PRE_TRANSIT, TRANSIT,
    DELIVERED, RETURNED, FAILURE, UNKNOWN); ``substatus`` its finer code (e.g. out_for_delivery)."""

    event_id: str
    status: str
    details: str
    occurred_at: datetime | None
    substatus: str = ""
    location: str = ""


@dataclass(frozen=True)
class Tracking:
    carrier: str
    tracking_number: str
    current: TrackingUpdate | None
    history: tuple[TrackingUpdate, ...] = field(default_factory=tuple)
    eta: datetime | None = None


@dataclass(frozen=True)
class VoidResult:
    refund_id: str
    status: str  # "pending" | "voided" | "refused"


class ShippingProvider(Protocol):
    name: str

    def rates(
        self, *, ship_from: PostalAddress, ship_to: PostalAddress, parcel: Parcel, currency: str
    ) -> list[LiveRate]: ...

    def buy_label(self, *, rate_id: str, reference: str) -> Label: ...

    def find_label(self, *, rate_id: str, reference: str) -> Label | None: ...

    def void_label(self, *, transaction_id: str) -> VoidResult: ...

    def track(self, *, carrier: str, tracking_number: str) -> Tracking: ...


def grams_to_kg(grams: int) -> Decimal:
    return (Decimal(grams) / 1000).quantize(Decimal("0.001"))


def mm_to_cm(mm: int) -> Decimal:
    return (Decimal(mm) / 10).quantize(Decimal("0.1"))
