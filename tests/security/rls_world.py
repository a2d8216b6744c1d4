"""Two customers in two stores with a row in every customer table, and which rows are whose.

Built as the system; the tests then look at the tables with raw SQL under other contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from commerce.accounts.models import Address, User
from commerce.cart.services import cart_add_line, cart_create
from commerce.checkout.models import Checkout
from commerce.core.money import Money
from commerce.core.rls import system_context
from commerce.core.rls.policies import customer_tables
from commerce.inventory.services import default_location
from commerce.orders.models import Fulfilment, FulfilmentLine, ReturnLine, ReturnRequest
from commerce.payments.models import Payment, PaymentEvent, Refund, RefundLine
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountRedemption
from commerce.shipping.models import Shipment, ShippingEvent, TrackingEvent
from tests.factories import ProductPageFactory, place_order


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    orders: dict[str, object] = field(default_factory=dict)
    rows: dict[str, dict[str, set[int]]] = field(default_factory=dict)  # table → owner → ids

    def ids(self, table: str, owner: str) -> set[int]:
        return self.rows[table][owner]


def table_ids(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{table}"')
        return {row[0] for row in cursor.fetchall()}


def changed(sql: str, ids: set[int]) -> int:
    """Rows an UPDATE or DELETE touched; rolled back whatever happened."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(ids)])
            count = cursor.rowcount
        transaction.set_rollback(True)
    return count


def _customer_rows(store, name: str) -> tuple[User, object]:
    user = User.objects.create_user(email=f"{name}@example.com", password="irrelevant-42", first_name=name)
    Address.objects.create(
        customer=user, full_name=name, line1="1 Main St", city="Springfield", postal_code="12345", country="US"
    )
    variant = ProductPageFactory(store=store, stock=10).variants.get()
    card = gift_card_issue(store=store, value=Money(Decimal("25.00"), store.currency), customer=user)
    cart = cart_create(store=store, customer=user)
    cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    cart.gift_cards.add(card)
    order = place_order(store=store, variant=variant, customer=user, email=user.email)
    Checkout.objects.create(store=store, customer=user, cart=cart, email=user.email, order=order)
    payment = Payment.objects.create(
        order=order, idempotency_key=f"pay-{name}", amount=order.total, currency=order.currency, amount_received=1
    )
    PaymentEvent.objects.create(event_id=f"evt-{name}", type="payment_intent.succeeded", payload={}, order=order)
    refund = Refund.objects.create(
        payment=payment, order=order, amount=Decimal("1.00"), currency=order.currency, idempotency_key=f"re-{name}"
    )
    RefundLine.objects.create(refund=refund, order_line=order.lines.get(), quantity=1)
    fulfilment = Fulfilment.objects.create(order=order, sequence=1, location=default_location(store_id=store.pk))
    FulfilmentLine.objects.create(fulfilment=fulfilment, order_line=order.lines.get(), quantity=1)
    return_request = ReturnRequest.objects.create(order=order, sequence=1)
    ReturnLine.objects.create(return_request=return_request, order_line=order.lines.get(), quantity=1, reason="size")
    discount = Discount.objects.create(store=store, name=f"{name} discount", value=Decimal("10"))
    DiscountRedemption.objects.create(
        discount=discount, order=order, customer=user, email=user.email, label=discount.name, amount=Decimal("1.00")
    )
    _shipping_rows(order, name)
    return user, order


def _shipping_rows(order, name: str) -> None:
    """The order's fulfilment gets a label, tracking and a webhook; its return a return label."""
    fulfilment = Fulfilment.objects.get(order=order)
    return_request = ReturnRequest.objects.get(order=order)
    location = fulfilment.location
    label = {"store_id": order.store_id, "order": order, "location": location, "carrier": "USPS", "service": "Ground"}
    shipment = Shipment.objects.create(
        **label, fulfilment=fulfilment, idempotency_key=f"ship-{name}", rate_id="r", cost=Decimal("5"), currency="USD"
    )
    Shipment.objects.create(
        **label,
        kind="return",
        return_request=return_request,
        idempotency_key=f"return-{name}",
        rate_id="r",
        cost=Decimal("5"),
        currency="USD",
    )
    TrackingEvent.objects.create(shipment=shipment, event_id=f"status-{name}", status="TRANSIT")
    ShippingEvent.objects.create(event_id=f"track-{name}", type="track_updated", payload={}, order=order)


def build_world(store, other_store) -> World:
    """Customer ``a`` shops in ``store`` and ``b`` in ``other_store``; every protected table gets
    rows for both, and ``rows`` records which ids each one added."""
    world = World()
    tables = customer_tables()
    with system_context("test world"):
        seen = {table: table_ids(table) for table in tables}
        for name, shop in (("a", store), ("b", other_store)):
            world.users[name], world.orders[name] = _customer_rows(shop, name)
            for table in tables:
                now = table_ids(table)
                world.rows.setdefault(table, {})[name] = now - seen[table]
                seen[table] = now
    for table in tables:
        assert world.rows[table]["a"] and world.rows[table]["b"], f"the world has no rows in {table}"
    return world
