"""Shippo (the ``shippo`` SDK): live rates, labels, voids and tracking. The only module importing it.

The SDK has no timeout of its own and ignores ``retry_config`` (NOTES.md): its HTTP session here
sets one on every request, and nothing is retried blindly — a label purchase is retried only by
``shipment_buy_label``, after asking Shippo whether the first attempt went through.
Amounts arrive as decimal strings and are read once, here, into ``Money``.
"""

from __future__ import annotations

import logging
from datetime import datetime

import requests
import shippo
from shippo.models import components, errors, operations

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money

from ..interface import (
    AddressRejected,
    CarrierRefused,
    Label,
    LiveRate,
    Parcel,
    ProviderUnavailable,
    Tracking,
    TrackingUpdate,
    VoidResult,
    grams_to_kg,
    mm_to_cm,
)

logger = logging.getLogger(__name__)

_LABEL_STATUS = {"SUCCESS": "purchased", "QUEUED": "queued", "WAITING": "queued", "ERROR": "failed"}
_VOID_STATUS = {"SUCCESS": "voided", "QUEUED": "pending", "PENDING": "pending", "ERROR": "refused"}


class _TimeoutSession(requests.Session):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):  # type: ignore[override]
        kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def _address(address: PostalAddress, *, validate: bool = False) -> components.AddressCreateRequest:
    return components.AddressCreateRequest(
        name=address.full_name,
        street1=address.line1,
        street2=address.line2 or None,
        city=address.city,
        state=address.region or None,
        zip=address.postal_code,
        country=address.country,
        phone=address.phone or None,
        validate=validate or None,
    )


def _messages(items) -> tuple[str, ...]:
    return tuple(str(getattr(item, "text", "") or item) for item in (items or []) if getattr(item, "text", item))


def _parse_time(value) -> datetime | None:
    return value if isinstance(value, datetime) else None


class ShippoProvider:
    name = "shippo"

    def __init__(self, *, api_key: str, api_base: str | None = None, timeout: float = 5.0) -> None:
        self._client = shippo.Shippo(
            api_key_header=api_key if api_key.startswith("ShippoToken ") else f"ShippoToken {api_key}",
            server_url=api_base or None,
            client=_TimeoutSession(timeout),
        )

    def _call(self, what: str, function, *args, **kwargs):
        """Run one SDK call; every failure comes out as a typed error, logged with context."""
        try:
            return function(*args, **kwargs)
        except requests.RequestException as exc:
            logger.warning("shippo %s: no answer (%s)", what, type(exc).__name__)
            raise ProviderUnavailable(f"Shippo did not answer ({what}).") from exc
        except errors.SDKError as exc:
            logger.warning("shippo %s: HTTP %s", what, exc.status_code)
            if exc.status_code >= 500 or exc.status_code in {401, 403, 429}:
                raise ProviderUnavailable(f"Shippo answered {exc.status_code} ({what}).") from exc
            raise CarrierRefused(_error_detail(exc.body) or f"Shippo refused the request ({what}).") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a body the SDK cannot read
            logger.warning("shippo %s: unreadable answer (%s)", what, exc)
            raise ProviderUnavailable(f"Shippo's answer could not be read ({what}).") from exc

    # -- rates -------------------------------------------------------------------------------

    def rates(
        self, *, ship_from: PostalAddress, ship_to: PostalAddress, parcel: Parcel, currency: str
    ) -> list[LiveRate]:
        request = components.ShipmentCreateRequest(
            address_from=_address(ship_from),
            address_to=_address(ship_to, validate=True),
            parcels=[
                components.ParcelCreateRequest(
                    mass_unit=components.WeightUnitEnum.KG,
                    weight=str(grams_to_kg(parcel.weight_grams)),
                    distance_unit=components.DistanceUnitEnum.CM,
                    length=str(mm_to_cm(parcel.length_mm)),
                    width=str(mm_to_cm(parcel.width_mm)),
                    height=str(mm_to_cm(parcel.height_mm)),
                )
            ],
            async_=False,
        )
        shipment = self._call("rates", self._client.shipments.create, request)
        validation = getattr(shipment.address_to, "validation_results", None)
        if validation is not None and validation.is_valid is False:
            text = "; ".join(_messages(validation.messages)) or "The carrier could not find this address."
            raise AddressRejected(text)
        rates = [rate for rate in (_live_rate(r, currency) for r in shipment.rates or []) if rate is not None]
        if not rates and str(getattr(shipment.status, "value", shipment.status)) == "ERROR":
            raise CarrierRefused("; ".join(_messages(shipment.messages)) or "No carrier can ship this parcel.")
        return sorted(rates, key=lambda rate: (rate.price.amount, rate.carrier, rate.service))

    # -- labels ------------------------------------------------------------------------------

    def buy_label(self, *, rate_id: str, reference: str) -> Label:
        request = components.TransactionCreateRequest(
            rate=rate_id, label_file_type=components.LabelFileTypeEnum.PDF_4X6, async_=False, metadata=reference[:100]
        )
        return _label(self._call("label purchase", self._client.transactions.create, request))

    def find_label(self, *, rate_id: str, reference: str) -> Label | None:
        """The label an earlier attempt bought for this rate and reference, if Shippo has one."""
        page = self._call(
            "label lookup",
            self._client.transactions.list,
            operations.ListTransactionsRequest(rate=rate_id, results=100),
        )
        for transaction in page.results or []:
            status = str(getattr(transaction.status, "value", transaction.status))
            if transaction.metadata == reference[:100] and status in {"SUCCESS", "QUEUED", "WAITING"}:
                return _label(transaction)
        return None

    def void_label(self, *, transaction_id: str) -> VoidResult:
        refund = self._call("void", self._client.refunds.create, transaction=transaction_id, async_=False)
        status = str(getattr(refund.status, "value", refund.status))
        return VoidResult(refund_id=refund.object_id or "", status=_VOID_STATUS.get(status, "pending"))

    # -- tracking ----------------------------------------------------------------------------

    def track(self, *, carrier: str, tracking_number: str) -> Tracking:
        track = self._call(
            "tracking", self._client.tracking_status.get, tracking_number=tracking_number, carrier=carrier
        )
        return tracking_from_track(track)


def _live_rate(rate: components.Rate, currency: str) -> LiveRate | None:
    if rate.currency == currency:
        amount = rate.amount
    elif rate.currency_local == currency:
        amount = rate.amount_local
    else:
        logger.info("shippo rate %s in %s skipped (store currency %s)", rate.object_id, rate.currency, currency)
        return None
    service = rate.servicelevel.name or rate.servicelevel.token or "Standard"
    token = rate.servicelevel.token or service.lower().replace(" ", "_")
    return LiveRate(
        code=f"{rate.provider}-{token}".lower()[:60],
        rate_id=rate.object_id,
        carrier=rate.provider,
        service=service,
        price=Money(amount, currency),
        estimated_days=rate.estimated_days,
    )


def _label(transaction: components.Transaction) -> Label:
    status = str(getattr(transaction.status, "value", transaction.status))
    rate = transaction.rate
    rate_id = rate if isinstance(rate, str) else getattr(rate, "object_id", "") or ""
    return Label(
        transaction_id=transaction.object_id or "",
        status=_LABEL_STATUS.get(status, "queued"),
        tracking_number=transaction.tracking_number or "",
        tracking_url=transaction.tracking_url_provider or "",
        label_url=transaction.label_url or "",
        rate_id=rate_id,
        messages=_messages(transaction.messages),
    )


def _update(status: components.TrackingStatus) -> TrackingUpdate:
    location = status.location
    where = ", ".join(filter(None, (getattr(location, "city", None), getattr(location, "country", None))))
    return TrackingUpdate(
        event_id=status.object_id,
        status=str(getattr(status.status, "value", status.status)),
        details=status.status_details or "",
        occurred_at=_parse_time(status.status_date or status.object_created),
        substatus=status.substatus.code if status.substatus else "",
        location=where,
    )


def tracking_from_track(track: components.Track) -> Tracking:
    history = tuple(_update(status) for status in track.tracking_history or [])
    current = _update(track.tracking_status) if track.tracking_status else (history[-1] if history else None)
    return Tracking(
        carrier=track.carrier,
        tracking_number=track.tracking_number,
        current=current,
        history=history,
        eta=_parse_time(track.eta),
    )


def parse_track_webhook(body: bytes) -> tuple[str, bool, Tracking]:
    """A webhook body → (event type, test flag, tracking). ``ValueError`` when it is not one."""
    from shippo.utils.utils import unmarshal_json

    try:
        payload = unmarshal_json(body.decode("utf-8"), components.WebhookPayloadTrack)
        event = str(getattr(payload.event, "value", payload.event))
        if payload.data is None:
            raise ValueError("no data")
        return event, bool(payload.test), tracking_from_track(payload.data)
    except (KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc


def _error_detail(body: str) -> str:
    """Shippo's 4xx bodies: ``{"detail": ...}`` or ``{"field": ["message", ...]}``."""
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        if isinstance(data.get("detail"), str):
            return data["detail"][:300]
        parts = [f"{key}: {'; '.join(map(str, value))}" for key, value in data.items() if isinstance(value, list)]
        return " ".join(parts)[:300]
    return ""
