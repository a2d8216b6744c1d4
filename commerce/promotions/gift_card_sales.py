"""Gift cards sold as products: once an order is paid, each gift-card line becomes cards worth
its unit price, emailed to the buyer."""

from __future__ import annotations

from django.db import transaction

from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.orders.models import Order, OrderEvent
from commerce.orders.services import order_add_event

from .gift_cards import gift_card_issue
from .models import GiftCard


@transaction.atomic
def gift_cards_issue_for_order(*, order_id: int) -> list[GiftCard]:
    """Issue the cards a paid order bought, once: running it again issues nothing more."""
    order = locked(Order.objects).select_related("store").filter(pk=order_id).first()
    if order is None or not order.is_paid:
        return []
    wanted = [
        (line, unit)
        for line in order.lines.select_related("variant__product").filter(variant__product__is_gift_card=True)
        for unit in range(line.quantity)
    ]
    already = GiftCard.objects.filter(source_order=order).count()
    issued = []
    for line, _unit in wanted[already:]:
        issued.append(
            gift_card_issue(
                store=order.store,
                value=Money(line.unit_price, order.currency),
                customer=order.customer,
                recipient_email=order.email,
                source_order=order,
            )
        )
    if issued:
        order_add_event(
            order=order,
            type=OrderEvent.Type.NOTE,
            message=f"Issued {len(issued)} gift card(s) ending {', '.join(card.last4 for card in issued)}.",
        )
        card_ids = [card.pk for card in issued]
        transaction.on_commit(lambda: _send_codes(card_ids))
    return issued


def _send_codes(card_ids: list[int]) -> None:
    from .tasks import send_gift_card_code

    for card_id in card_ids:
        send_gift_card_code.enqueue(card_id)
