"""The receipt a shopper sees (thank-you page, order page, confirmation email): one reader, so
the figures on every one of them are the same and add up to the order's total.

Lines show their price before discounts; discounts are listed once, under the subtotal; shipping
is shown before any shipping discount (the discount line takes it off); tenders list every way the
order was paid: each gift card and the card payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects

from commerce.core.money import Money

from .models import Order, OrderLine, OrderStatus, PaymentStatus

# Related names of rows owned by apps above this one (promotions, payments), read by name only.
_REDEMPTIONS = "discount_redemptions"
_GIFT_CARD_ROWS = "gift_card_transactions"
_PAYMENTS = "payments"


@dataclass(frozen=True)
class ReceiptLine:
    title: str
    variant_label: str
    sku: str
    quantity: int
    unit_price: Money
    subtotal: Money
    quantity_refunded: int


@dataclass(frozen=True)
class ReceiptAmount:
    label: str
    amount: Money
    detail: str = ""


@dataclass(frozen=True)
class Receipt:
    order: Order
    status: str
    lines: tuple[ReceiptLine, ...]
    subtotal: Money
    discounts: tuple[ReceiptAmount, ...]
    shipping_name: str
    shipping: Money
    tax: Money
    prices_include_tax: bool
    total: Money
    tenders: tuple[ReceiptAmount, ...]
    refunded: Money
    address_lines: tuple[str, ...]


def order_status_line(order: Order) -> str:
    """One status a shopper understands, from the order's and the payment's state."""
    if order.status == OrderStatus.PENDING_PAYMENT:
        return {
            PaymentStatus.FAILED: "Payment failed: you can try another card",
            PaymentStatus.PENDING: "Confirming your payment",
        }.get(order.payment_status, "Awaiting payment")
    if order.status == OrderStatus.PAID:
        return "Paid, being prepared"
    return order.get_status_display()


RECEIPT_PREFETCH = (
    Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
    f"{_REDEMPTIONS}__code",
    f"{_GIFT_CARD_ROWS}__gift_card",
    _PAYMENTS,
)


def order_receipt(order: Order) -> Receipt:
    """The receipt of ``order``; what it reads is fetched in a fixed number of queries."""
    prefetch_related_objects([order], *RECEIPT_PREFETCH)
    money = order.money
    redemptions = list(getattr(order, _REDEMPTIONS).all())
    discounts = tuple(
        ReceiptAmount(
            f"{r.label} ({r.code.code})" if r.code_id else r.label, money(r.amount), _discount_detail(r, money)
        )
        for r in redemptions
    )
    shipping_discount = sum((r.shipping_amount for r in redemptions), Decimal(0))
    gift_cards = [row for row in getattr(order, _GIFT_CARD_ROWS).all() if row.kind == "redeem"]
    tenders = [ReceiptAmount(_gift_card_label(row), money(-row.amount)) for row in gift_cards]
    card_paid = sum((p.amount_received for p in getattr(order, _PAYMENTS).all()), Decimal(0))
    if card_paid:
        tenders.append(ReceiptAmount("Card", money(card_paid)))
    address = order.shipping_postal_address
    return Receipt(
        order=order,
        status=order_status_line(order),
        lines=tuple(
            ReceiptLine(
                title=line.product_title,
                variant_label=line.variant_label,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=money(line.unit_price),
                subtotal=money(line.line_subtotal),
                quantity_refunded=line.quantity_refunded,
            )
            for line in order.lines.all()
        ),
        subtotal=money(order.subtotal),
        discounts=discounts,
        shipping_name=order.shipping_method_name,
        shipping=money(order.shipping_total + shipping_discount),
        tax=money(order.tax_total),
        prices_include_tax=order.prices_include_tax,
        total=money(order.total),
        tenders=tuple(tenders),
        refunded=money(order.amount_refunded),
        address_lines=tuple(address.lines()) if address else (),
    )


def _discount_detail(redemption, money) -> str:
    """Which lines (and shipping) a discount took how much from: "Canvas tote −$4.00 · shipping −$5.00"."""
    parts = [f"{title} \u2212{money(amount)}" for _sku, title, amount in redemption.line_breakdown()]
    if redemption.shipping_amount:
        parts.append(f"shipping \u2212{money(redemption.shipping_amount)}")
    return " · ".join(parts)


def _gift_card_label(ledger_row) -> str:
    # A guest's signed order link sees the order's ledger rows but not the card itself (row-level
    # security: only its owner or whoever typed its code does); then it is just "Gift card".
    card = getattr(ledger_row, "gift_card", None)
    return f"Gift card {card.masked_code}" if card is not None else "Gift card"
