"""Buying and voiding labels for fulfilments.

Buying is idempotent: the ``Shipment`` row, with the rate and an idempotency key, is committed
before the provider is called, and at most one live label exists per fulfilment (a partial unique
index). The purchase itself runs under that row's lock, so two clicks at once buy once (the second
waits, then finds the label). After a timeout nobody knows whether Shippo bought the label, so a
retry first asks Shippo for a label bought with this rate and key, and buys only if there is none.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.orders.fulfilment import fulfilment_mark_shipped
from commerce.orders.models import Fulfilment, OrderEvent
from commerce.orders.services import order_add_event

from .interface import CarrierRefused, Label, LiveRate, ProviderUnavailable, ShippingProvider
from .models import LIVE, Shipment, ShipmentStatus
from .parcels import parcel_for_items, shipping_settings
from .provider import get_provider
from .rollup import order_delivery_status_refresh

logger = logging.getLogger(__name__)


def provider_required() -> ShippingProvider:
    provider = get_provider()
    if provider is None:
        raise CommerceError("Labels need a Shippo account: set SHIPPO_API_KEY.", code="no_provider")
    return provider


def fulfilment_label_rates(*, fulfilment: Fulfilment) -> list[LiveRate]:
    """Fresh carrier rates for what is in this fulfilment, from its location to the customer."""
    provider = provider_required()
    order = fulfilment.order
    origin = fulfilment.location.ship_from_address
    if origin is None:
        raise CommerceError(f"Give {fulfilment.location.name} a ship-from address first.", field="location")
    destination = order.shipping_postal_address
    if destination is None:
        raise CommerceError("This order has no shipping address.", field="address")
    items = [
        (line.order_line.variant, line.quantity) for line in fulfilment.lines.select_related("order_line__variant")
    ]
    items = [(variant, quantity) for variant, quantity in items if variant is not None]
    if not items:
        raise CommerceError("Nothing in this fulfilment can be weighed (its products were deleted).", field="lines")
    parcel = parcel_for_items(items=items, store=order.store, settings=shipping_settings(order.store))
    try:
        return provider.rates(ship_from=origin, ship_to=destination, parcel=parcel, currency=order.currency)
    except ProviderUnavailable as exc:
        raise CommerceError("Shippo did not answer; please try again in a minute.", code="unavailable") from exc
    except CarrierRefused as exc:
        raise CommerceError(f"The carrier refused: {exc}", field="service") from exc


def _choose(rates: list[LiveRate], code: str) -> LiveRate:
    if not rates:
        raise CommerceError("No carrier offers a service for this parcel.", field="service")
    if not code:
        return rates[0]
    chosen = next((rate for rate in rates if rate.code == code), None)
    if chosen is None:
        raise CommerceError("That service is not offered for this parcel any more; choose another.", field="service")
    return chosen


def shipment_buy_label(*, fulfilment: Fulfilment, service_code: str = "", actor: Any = None) -> Shipment:
    """The label for ``fulfilment``: bought once, whatever the retries or double clicks. Without a
    ``service_code`` the service the shopper chose at checkout is used when offered, else the cheapest."""
    provider = provider_required()
    shipment = Shipment.objects.filter(fulfilment=fulfilment, status__in=LIVE).first()
    if shipment is None:
        fulfilment = Fulfilment.objects.select_related("order__store", "location").get(pk=fulfilment.pk)
        rates = fulfilment_label_rates(fulfilment=fulfilment)
        if service_code:
            rate = _choose(rates, service_code)
        else:  # the shopper's service when the carrier still offers it for this parcel, else the cheapest
            chosen_at_checkout = fulfilment.order.shipping_method_code
            rate = _choose(rates, chosen_at_checkout if any(r.code == chosen_at_checkout for r in rates) else "")
        shipment = _shipment_create(fulfilment=fulfilment, rate=rate, actor=actor)
    return shipment_purchase(shipment=shipment, provider=provider, actor=actor)


def _shipment_create(*, fulfilment: Fulfilment, rate: LiveRate, actor: Any) -> Shipment:
    order = fulfilment.order
    if fulfilment.status != Fulfilment.Status.PENDING:
        raise CommerceError(f"Fulfilment #{fulfilment.sequence} has already left.", field="fulfilment")
    attempt = Shipment.objects.filter(fulfilment=fulfilment).count() + 1
    try:
        with transaction.atomic():
            return Shipment.objects.create(
                store_id=order.store_id,
                order=order,
                fulfilment=fulfilment,
                kind=Shipment.Kind.OUTBOUND,
                location=fulfilment.location,
                provider="shippo",
                idempotency_key=f"magpie-fulfilment-{fulfilment.pk}-label-{attempt}",
                rate_id=rate.rate_id,
                carrier=rate.carrier,
                service=rate.service,
                cost=rate.price.amount,
                currency=rate.price.currency,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:  # someone else started this label a moment ago: carry on with theirs
        return Shipment.objects.get(fulfilment=fulfilment, status__in=LIVE)


def shipment_purchase(*, shipment: Shipment, provider: ShippingProvider, actor: Any) -> Shipment:
    problem: CommerceError | None = None
    with transaction.atomic():
        shipment = locked(Shipment.objects).get(pk=shipment.pk)
        if shipment.status != ShipmentStatus.PURCHASING:
            return shipment
        try:
            label = (
                provider.find_label(rate_id=shipment.rate_id, reference=shipment.idempotency_key)
                if shipment.purchase_attempts
                else None
            )
            shipment.purchase_attempts += 1
            if label is None:
                label = provider.buy_label(rate_id=shipment.rate_id, reference=shipment.idempotency_key)
        except ProviderUnavailable as exc:
            shipment.last_error = str(exc)[:300]
            shipment.save(update_fields=["purchase_attempts", "last_error", "updated_at"])
            problem = CommerceError(
                "Shippo did not answer. Try again: the label will not be bought twice.", code="unavailable"
            )
        except CarrierRefused as exc:
            problem = _label_refused(shipment, str(exc), actor)
        else:
            problem = _apply_label(shipment, label, actor)
    if problem is not None:
        raise problem
    return shipment


def _label_refused(shipment: Shipment, message: str, actor: Any) -> CommerceError:
    shipment.status = ShipmentStatus.LABEL_FAILED
    shipment.last_error = message[:300]
    shipment.save()
    order_add_event(
        order=shipment.order, type=OrderEvent.Type.LABEL, message=f"Label refused: {message}", actor=staff_user(actor)
    )
    logger.warning("label for shipment %s refused: %s", shipment.pk, message)
    return CommerceError(f"The carrier refused the label: {message}", field="service", code="label_refused")


def _apply_label(shipment: Shipment, label: Label, actor: Any) -> CommerceError | None:
    if label.status == "failed":
        return _label_refused(shipment, "; ".join(label.messages) or "no reason given", actor)
    shipment.transaction_id = label.transaction_id or None
    if label.status == "queued":  # Shippo is still buying it: a retry finds it by rate and key
        shipment.save()
        return CommerceError("The carrier is still creating the label; try again in a minute.", code="queued")
    shipment.status = ShipmentStatus.LABEL_CREATED
    shipment.tracking_number = label.tracking_number
    shipment.tracking_url = label.tracking_url
    shipment.label_url = label.label_url
    shipment.last_error = ""
    shipment.tracked_at = timezone.now()
    shipment.save()
    cost = f"{shipment.currency} {Decimal(shipment.cost):.2f}"
    order_add_event(
        order=shipment.order,
        type=OrderEvent.Type.LABEL,
        message=f"Label bought: {shipment.carrier} {shipment.service} ({cost}), tracking {shipment.tracking_number}.",
        data={"shipment": shipment.pk},
        actor=staff_user(actor),
    )
    if shipment.fulfilment is not None and shipment.fulfilment.status == Fulfilment.Status.PENDING:
        # The one "shipped" path: carrier and tracking on the fulfilment, the customer emailed once.
        fulfilment_mark_shipped(
            fulfilment=shipment.fulfilment,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            tracking_url=shipment.tracking_url,
            actor=actor,
        )
    order_delivery_status_refresh(order_id=shipment.order_id)
    return None


@transaction.atomic
def shipment_void_label(*, shipment: Shipment, actor: Any = None) -> Shipment:
    """Cancel a label the carrier has not scanned yet; Shippo refunds its cost. The fulfilment is
    back to awaiting shipment (a new label can be bought)."""
    shipment = locked(Shipment.objects).select_related("fulfilment").get(pk=shipment.pk)
    if shipment.status != ShipmentStatus.LABEL_CREATED or not shipment.transaction_id:
        raise CommerceError("Only a label the carrier has not scanned yet can be voided.", field="shipment")
    try:
        result = provider_required().void_label(transaction_id=shipment.transaction_id)
    except ProviderUnavailable as exc:
        raise CommerceError("Shippo did not answer; please try again.", code="unavailable") from exc
    except CarrierRefused as exc:
        raise CommerceError(f"The carrier refused to void the label: {exc}", field="shipment") from exc
    if result.status == "refused":
        raise CommerceError("The carrier refused to void this label (it may be in use).", field="shipment")
    shipment.status = ShipmentStatus.VOIDED
    shipment.refund_id = result.refund_id
    shipment.save()
    if shipment.fulfilment is not None:
        Fulfilment.objects.filter(pk=shipment.fulfilment_id).update(
            status=Fulfilment.Status.PENDING, carrier="", tracking_number="", tracking_url=""
        )
    order_add_event(
        order=shipment.order,
        type=OrderEvent.Type.LABEL,
        message=f"Label voided: {shipment.carrier} {shipment.tracking_number} (refund {result.status}).",
        data={"shipment": shipment.pk},
        actor=staff_user(actor),
    )
    order_delivery_status_refresh(order_id=shipment.order_id)
    return shipment


def staff_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
