"""Fixture data for the metrics: paid orders written directly (not through checkout) at chosen
times, with lines, refunds and discounts, in two stores with different currencies and time zones."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from commerce.accounts.models import StaffProfile, User
from commerce.accounts.roles import role_groups_sync
from commerce.insights.roles import report_permissions_grant
from commerce.orders.fulfilment_models import ReturnLine, ReturnRequest
from commerce.orders.models import Order, OrderEvent, OrderLine
from commerce.payments.models import Payment, Refund
from tests.conftest import ensure_wagtail_roots


def paid_order(
    store,
    *,
    paid_at: datetime,
    email: str = "a@example.com",
    subtotal: str = "100.00",
    discount: str = "0.00",
    shipping: str = "5.00",
    quantity: int = 2,
    title: str = "Mug",
    number: str | None = None,
    variant=None,
) -> Order:
    """A paid order of one line (``quantity`` units worth ``subtotal``) paid at ``paid_at``."""
    sub, disc, ship = Decimal(subtotal), Decimal(discount), Decimal(shipping)
    total = sub - disc + ship
    order = Order.objects.create(
        store=store,
        number=number or f"{store.pk}-{Order.objects.count() + 1001}",
        email=email,
        status="paid",
        payment_status="paid",
        currency=store.currency,
        subtotal=sub,
        discount_total=disc,
        shipping_total=ship,
        total=total,
        amount_paid=total,
        paid_at=paid_at,
    )
    OrderLine.objects.create(
        order=order,
        variant=variant,
        product_title=title,
        sku=f"SKU-{title}",
        quantity=quantity,
        unit_price=sub / quantity,
        line_subtotal=sub,
        discount_amount=disc,
        line_total=sub - disc,
    )
    return order


def paid_orders_up_to(
    stores: tuple, *, up_to: int, spread_hours: int, subtotal: int = 10, **fields: object
) -> list[Order]:
    """Bulk paid orders, alternately in ``stores`` (USD, EUR), until there are ``up_to`` in all, paid
    over the last ``spread_hours`` by 37 emails: the 10-then-1,000 data of the query-count tests.
    ``fields`` set more columns (``total`` and ``amount_paid`` default to ``subtotal``); a callable
    value is called with the order's index."""
    usd, eur = stores
    made = Order.objects.count()
    now = timezone.now()
    amounts = {"total": subtotal, "amount_paid": subtotal, **fields}
    return Order.objects.bulk_create(
        Order(
            store=usd if i % 2 else eur,
            number=f"B{made + i}",
            email=f"c{i % 37}@example.com",
            status="paid",
            payment_status="paid",
            currency="USD" if i % 2 else "EUR",
            subtotal=subtotal,
            paid_at=now - timedelta(hours=(made + i) % spread_hours),
            **{name: value(i) if callable(value) else value for name, value in amounts.items()},
        )
        for i in range(up_to - made)
    )


def a_return(order: Order, *, sequence: int, at: datetime, steps: dict[str, datetime], units: int, reason: str):
    """A return of ``units`` of the order's line opened at ``at``, with each step recorded at its time."""
    made = ReturnRequest.objects.create(order=order, sequence=sequence, status=list(steps)[-1])
    ReturnRequest.objects.filter(pk=made.pk).update(created_at=at)
    ReturnLine.objects.create(return_request=made, order_line=order.lines.get(), quantity=units, reason=reason)
    for step, when in steps.items():
        event = OrderEvent.objects.create(
            order=order, type=f"return_{step}", message=step, data={"return_request": made.pk}
        )
        OrderEvent.objects.filter(pk=event.pk).update(created_at=when)
    return made


def refund(order: Order, *, amount: str, at: datetime, status: str = "succeeded") -> Refund:
    payment = Payment.objects.filter(order=order).first() or Payment.objects.create(
        order=order,
        idempotency_key=f"pay-{order.pk}",
        amount=order.total,
        currency=order.currency,
        status="succeeded",
        amount_received=order.total,
    )
    made = Refund.objects.create(
        payment=payment,
        order=order,
        amount=Decimal(amount),
        currency=order.currency,
        idempotency_key=f"refund-{order.pk}-{Refund.objects.count()}",
        status=status,
    )
    Refund.objects.filter(pk=made.pk).update(created_at=at)
    return made


def summarise() -> None:
    """Rebuild the daily summary, as ``rebuild_daily_sales`` would: fixture rows are written
    directly, not through the payment services whose commits refresh it."""
    from commerce.insights.daily_rebuild import daily_sales_rebuild

    daily_sales_rebuild()


@pytest.fixture
def roles(db):
    from django.apps import apps

    ensure_wagtail_roots()
    role_groups_sync(apps)
    report_permissions_grant(apps)  # a transactional test elsewhere may have flushed the migration's grant


def staff(role: str | None, email: str, *, stores=None, superuser: bool = False) -> User:
    if superuser:
        return User.objects.create_superuser(email=email, password="x" * 12)
    user = User.objects.create_user(email=email, password="x" * 12, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if stores is not None:
        StaffProfile.objects.create(user=user, all_stores=False).stores.add(*stores)
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
