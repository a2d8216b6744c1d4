"""Return labels for approved returns: the customer sends the goods back to the location they left
from, on a label the store buys (the cheapest service), emailed to the customer."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from commerce.core.exceptions import CommerceError
from commerce.inventory.models import StockLocation
from commerce.orders.models import Fulfilment, ReturnRequest

from .interface import CarrierRefused, ProviderUnavailable
from .labels import provider_required, shipment_purchase, staff_user
from .models import LIVE, Shipment, ShipmentStatus
from .parcels import parcel_for_items, shipping_settings


def _return_location(return_request: ReturnRequest) -> StockLocation:
    fulfilment = Fulfilment.objects.filter(order_id=return_request.order_id).select_related("location").first()
    if fulfilment is not None and fulfilment.location.ship_from_address is not None:
        return fulfilment.location
    for location in StockLocation.objects.filter(store_id=return_request.order.store_id, is_active=True):
        if location.ship_from_address is not None:
            return location
    raise CommerceError("Give a stock location a ship-from address to receive returns at.", field="location")


def shipment_buy_return_label(*, return_request: ReturnRequest, actor: Any = None) -> Shipment:
    """The return label for an approved return: bought once, emailed to the customer once."""
    provider = provider_required()
    return_request = ReturnRequest.objects.select_related("order__store").get(pk=return_request.pk)
    shipment = Shipment.objects.filter(return_request=return_request, status__in=LIVE).first()
    if shipment is None:
        if return_request.status != ReturnRequest.Status.APPROVED:
            raise CommerceError("Only an approved return gets a return label.", field="return_request")
        order = return_request.order
        customer = order.shipping_postal_address
        if customer is None:
            raise CommerceError("This order has no address to send the label from.", field="address")
        location = _return_location(return_request)
        lines = return_request.lines.select_related("order_line__variant")
        items = [(line.order_line.variant, line.quantity) for line in lines if line.order_line.variant is not None]
        parcel = parcel_for_items(items=items, store=order.store, settings=shipping_settings(order.store))
        try:
            rates = provider.rates(
                ship_from=customer, ship_to=location.ship_from_address, parcel=parcel, currency=order.currency
            )
        except ProviderUnavailable as exc:
            raise CommerceError("Shippo did not answer; please try again in a minute.", code="unavailable") from exc
        except CarrierRefused as exc:
            raise CommerceError(f"The carrier refused: {exc}", field="service") from exc
        if not rates:
            raise CommerceError("No carrier offers a service for this return.", field="service")
        rate = rates[0]
        attempt = Shipment.objects.filter(return_request=return_request).count() + 1
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    store_id=order.store_id,
                    order=order,
                    return_request=return_request,
                    kind=Shipment.Kind.RETURN,
                    location=location,
                    idempotency_key=f"magpie-return-{return_request.pk}-label-{attempt}",
                    rate_id=rate.rate_id,
                    carrier=rate.carrier,
                    service=rate.service,
                    cost=rate.price.amount,
                    currency=rate.price.currency,
                    created_by=staff_user(actor),
                )
        except IntegrityError:
            shipment = Shipment.objects.get(return_request=return_request, status__in=LIVE)
    shipment = shipment_purchase(shipment=shipment, provider=provider, actor=actor)
    if shipment.status == ShipmentStatus.LABEL_CREATED:
        from .tasks import send_tracking_email

        shipment_id = shipment.pk
        transaction.on_commit(lambda: send_tracking_email.enqueue(shipment_id, "return_label"))
    return shipment
