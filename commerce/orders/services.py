"""Writes to orders: placing, payment outcomes, cancelling, and the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from commerce.catalog.models import ProductVariant
from commerce.core.addresses import PostalAddress
from commerce.core.exceptions import CommerceError, OutOfStock
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.stores.models import Store

from .models import Order, OrderEvent, OrderLine, OrderSequence, OrderStatus, PaymentStatus
from .signals import order_paid, order_refunded
from .stock import stock_commit_sold, stock_release_for_order, stock_reserve_for_order

FIRST_ORDER_NUMBER = 1001


@dataclass(frozen=True)
class NewOrderLine:
    """A priced line to snapshot onto an order."""

    variant: ProductVariant
    quantity: int
    unit_price: Money
    subtotal: Money
    discount: Money
    tax: Money
    total: Money


@dataclass(frozen=True)
class NewOrderTotals:
    subtotal: Money
    shipping: Money
    discount: Money
    tax: Money
    total: Money
    prices_include_tax: bool


@dataclass(frozen=True)
class ShippingQuoteSnapshot:
    """The carrier rate chosen at checkout, kept on the order so a label can be bought with it."""

    provider: str
    rate_id: str
    carrier: str
    service: str


def order_add_event(*, order: Order, type: str, message: str, data: dict | None = None, actor=None) -> OrderEvent:
    return OrderEvent.objects.create(order=order, type=type, message=message[:500], data=data or {}, actor=actor)


def _next_number(store: Store) -> str:
    """The store's next order number, in one statement: the upsert takes the sequence row's lock
    until the transaction ends, so numbers are unique and gap-free for committed orders."""
    table = OrderSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (store_id, last_number) VALUES (%s, %s)
            ON CONFLICT (store_id) DO UPDATE SET last_number = {table}.last_number + 1
            RETURNING last_number
            """,  # noqa: S608 - the table name is ours, the values are parameters
            [store.pk, FIRST_ORDER_NUMBER],
        )
        return str(cursor.fetchone()[0])


def _write_lines(order: Order, lines: Sequence[NewOrderLine]) -> None:
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant=line.variant,
                product_title=line.variant.product.title,
                variant_label=line.variant.label if line.variant.product.has_options else "",
                sku=line.variant.sku,
                quantity=line.quantity,
                unit_price=line.unit_price.amount,
                line_subtotal=line.subtotal.amount,
                discount_amount=line.discount.amount,
                tax_amount=line.tax.amount,
                line_total=line.total.amount,
            )
            for line in lines
        ]
    )


def _set_totals(order: Order, totals: NewOrderTotals) -> None:
    order.subtotal = totals.subtotal.amount
    order.shipping_total = totals.shipping.amount
    order.discount_total = totals.discount.amount
    order.tax_total = totals.tax.amount
    order.total = totals.total.amount
    order.prices_include_tax = totals.prices_include_tax


@transaction.atomic
def order_place(
    *,
    store: Store,
    checkout_token: UUID | None,
    customer,
    email: str,
    shipping_address: PostalAddress,
    shipping_method_code: str,
    shipping_method_name: str,
    lines: Sequence[NewOrderLine],
    totals: NewOrderTotals,
    shipping_quote: ShippingQuoteSnapshot | None = None,
) -> Order:
    """Create a pending order with a price snapshot and reserve its stock, all or nothing."""
    if not lines:
        raise CommerceError("Your cart is empty.", field="cart")
    if totals.total.currency != store.currency:
        raise CommerceError("The order's currency does not match the store's.")
    order = Order(
        store=store,
        number=_next_number(store),
        checkout_token=checkout_token,
        customer=customer if getattr(customer, "is_authenticated", False) else None,
        email=email,
        currency=store.currency,
        shipping_address=shipping_address.as_dict(),
        billing_address=shipping_address.as_dict(),
        shipping_method_code=shipping_method_code,
        shipping_method_name=shipping_method_name,
    )
    if shipping_quote is not None:
        order.shipping_provider = shipping_quote.provider
        order.shipping_rate_id = shipping_quote.rate_id
        order.shipping_carrier = shipping_quote.carrier
        order.shipping_service = shipping_quote.service
    _set_totals(order, totals)
    # Field checks only: uniqueness, CHECK constraints and the foreign keys to the store and customer rows
    # the caller holds are the database's to enforce (no query to look them up again).
    order.full_clean(exclude=["store", "customer"], validate_unique=False, validate_constraints=False)
    order.save()
    _write_lines(order, lines)
    order_add_event(order=order, type=OrderEvent.Type.PLACED, message=f"Order placed by {email}.")
    stock_reserve_for_order(order=order)
    return order


@transaction.atomic
def order_mark_paid(*, order: Order, amount: Money, reference: str) -> Order:
    """Record money received; the order is paid only when what it received covers its total.

    The payment-amount rule (README, Security): card money plus gift card money is compared with the
    total. Less, or another currency, leaves the order unpaid and flagged for review with its stock
    still reserved (no confirmation email, no ``order_paid``, no gift cards issued) until staff
    accept, refund or cancel it (``commerce.checkout.payment_review``). More pays it and flags the
    excess. Exactly the total pays it."""
    return order_mark_paid_locked(order=locked(Order.objects).get(pk=order.pk), amount=amount, reference=reference)


def order_mark_paid_locked(*, order: Order, amount: Money, reference: str) -> Order:
    """``order_mark_paid`` for a caller that already holds the order's row lock in its transaction
    (``order`` was read with ``locked(Order.objects)``): the same rules without reading it again."""
    if amount.currency != order.currency:
        order_add_event(order=order, type=OrderEvent.Type.PAYMENT_SUCCEEDED, message=f"Payment of {amount} received.")
        return order_flag_for_review(
            order=order, reason=f"Paid {amount} but the order is in {order.currency}: held for review ({reference})."
        )
    order.amount_paid += amount.amount  # the row is locked: nobody else changes it before we commit
    order.save(update_fields=["amount_paid", "updated_at"])
    order_add_event(
        order=order,
        type=OrderEvent.Type.PAYMENT_SUCCEEDED,
        message=f"Payment of {amount} received." if amount else "Paid in full by gift card.",
        data={"reference": reference},
    )
    received = order.amount_received
    summary = (
        f"Received {order.money(order.amount_paid)} by card and {order.money(order.gift_card_total)} by gift card "
        f"for a total of {order.total_money}"
    )
    if received < order.total and not order.is_paid:
        return order_flag_for_review(
            order=order, reason=f"Underpaid: {summary}; held unpaid with its stock reserved ({reference})."
        )
    if received > order.total:
        order = order_flag_for_review(order=order, reason=f"Overpaid: {summary} ({reference}).")
    return _complete_payment(order)


@transaction.atomic
def order_flag_for_review(*, order: Order, reason: str) -> Order:
    order = locked(Order.objects).get(pk=order.pk)
    order.flagged_for_review = True
    order.review_reason = reason[:300]
    order.save(update_fields=["flagged_for_review", "review_reason", "updated_at"])
    order_add_event(order=order, type=OrderEvent.Type.FLAGGED, message=order.review_reason)
    return order


@transaction.atomic
def order_complete_payment(*, order: Order) -> Order:
    """The order counts as paid: status, stock leaving the shelf, ``order_paid`` and the
    confirmation email, once (a second call on a paid order changes nothing)."""
    return _complete_payment(locked(Order.objects).get(pk=order.pk))


def _complete_payment(order: Order) -> Order:
    """``order_complete_payment`` on an order whose row lock the caller's transaction holds."""
    if order.is_paid:
        return order
    order.payment_status = PaymentStatus.PAID
    if order.status in {OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED}:
        order.status = OrderStatus.PAID
    order.paid_at = order.paid_at or timezone.now()
    order.save()
    order_id = order.pk
    transaction.on_commit(lambda: order_paid.send(sender=Order, order_id=order_id))
    _take_stock_for_paid_order(order)
    from .tasks import send_order_confirmation

    transaction.on_commit(lambda: send_order_confirmation.enqueue(order_id))
    return order


def _take_stock_for_paid_order(order: Order) -> None:
    if stock_commit_sold(order=order):  # the reserved units leave the shelf
        return
    # The reservation expired before the money arrived: take the stock again if it is there.
    try:
        with transaction.atomic():
            stock_reserve_for_order(order=order)
    except OutOfStock as exc:
        order.flagged_for_review = True
        order.review_reason = f"Paid after its reservation expired and stock ran out: {exc.message}"
        order.save(update_fields=["flagged_for_review", "review_reason", "updated_at"])
        order_add_event(order=order, type=OrderEvent.Type.FLAGGED, message=order.review_reason)
        return
    stock_commit_sold(order=order)


@transaction.atomic
def order_payment_failed(*, order: Order, message: str) -> Order:
    order = locked(Order.objects).get(pk=order.pk)
    if order.is_paid:
        return order
    order.payment_status = PaymentStatus.FAILED
    order.save(update_fields=["payment_status", "updated_at"])
    order_add_event(order=order, type=OrderEvent.Type.PAYMENT_FAILED, message=message or "The payment failed.")
    stock_release_for_order(order=order, reason="Payment failed.")
    return order


@transaction.atomic
def order_payment_expired(*, order: Order, reason: str = "Not paid in time.") -> Order:
    """Cancel an unpaid order and give its stock back."""
    order = locked(Order.objects).get(pk=order.pk)
    if order.is_paid:
        return order
    stock_release_for_order(order=order, reason=reason)
    if order.status == OrderStatus.PENDING_PAYMENT:
        order.status = OrderStatus.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        order_add_event(order=order, type=OrderEvent.Type.CANCELLED, message=reason)
    return order


@transaction.atomic
def order_record_refund(*, order: Order, amount: Money, reference: str, actor=None) -> Order:
    """Money went back to the shopper: totals and statuses follow."""
    order = locked(Order.objects).get(pk=order.pk)
    if amount.currency != order.currency:
        raise CommerceError("The refund's currency does not match the order's.", field="amount")
    order.amount_refunded = order.amount_refunded + amount.amount
    received = order.amount_paid + order.gift_card_total
    if order.amount_refunded > received:
        raise CommerceError("You cannot refund more than was paid.", field="amount")
    fully = order.amount_refunded == received
    order.payment_status = PaymentStatus.REFUNDED if fully else PaymentStatus.PARTIALLY_REFUNDED
    order.status = OrderStatus.REFUNDED if fully else OrderStatus.PARTIALLY_REFUNDED
    order.save()
    event = order_add_event(
        order=order,
        type=OrderEvent.Type.REFUNDED,
        message=f"Refunded {amount}.",
        data={"reference": reference},
        actor=actor,
    )
    from .tasks import send_refund_email

    # One path after every refund, whoever made it: the customer's email and the signal.
    order_id, event_id = order.pk, event.pk
    transaction.on_commit(lambda: send_refund_email.enqueue(order_id, event_id))
    transaction.on_commit(lambda: order_refunded.send(sender=Order, order_id=order_id, fully=fully))
    return order
