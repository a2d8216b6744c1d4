"""Writes about customers from the back office: notes, the data export and anonymisation.

Each writes Wagtail's audit log with the member of staff (Reports → Site history). The export
and anonymisation span accounts, orders, checkouts and gift cards, so they sit on this top floor.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from commerce.accounts.models import Address, User
from commerce.checkout.models import Checkout
from commerce.core.exceptions import CommerceError
from commerce.core.rls import runs_as_system
from commerce.orders.models import Order
from commerce.promotions.models import GiftCard
from commerce.stores.admin_scope import in_scope
from commerce.stores.models import Store

from .models import CustomerNote

EXPORT_VERSION = 1
NOTE_MAX_LENGTH = 2000


def _actor(actor: Any) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def customer_note_add(*, customer: User, store: Store, text: str, actor: Any) -> CustomerNote:
    text = text.strip()
    if not text:
        raise CommerceError("Write the note first.", field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise CommerceError(f"A note is at most {NOTE_MAX_LENGTH} characters.", field="text")
    if not in_scope(actor, store):
        raise CommerceError("Choose one of your stores.", field="store")
    note = CustomerNote.objects.create(customer=customer, store=store, text=text, author=_actor(actor))
    log(instance=customer, action="magpie.customer.note", user=_actor(actor), data={"store": store.name})
    return note


def _address(data: dict[str, Any]) -> dict[str, Any]:
    return dict(data or {})


@transaction.atomic
def customer_data_export(*, customer: User, actor: Any) -> dict[str, Any]:
    """The customer's account, address book and orders (with lines) as JSON-ready data; only the
    orders the actor may see are included (row-level security). Audited."""
    orders = Order.objects.filter(customer=customer).select_related("store").prefetch_related("lines")
    data = {
        "format": "magpie.customer-export",
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": customer.pk,
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "date_joined": customer.date_joined.isoformat(),
            "last_login": customer.last_login.isoformat() if customer.last_login else None,
            "email_verified_at": customer.email_verified_at.isoformat() if customer.email_verified_at else None,
            "is_active": customer.is_active,
        },
        "addresses": [
            {
                "full_name": a.full_name,
                "line1": a.line1,
                "line2": a.line2,
                "city": a.city,
                "region": a.region,
                "postal_code": a.postal_code,
                "country": a.country,
                "phone": a.phone,
                "is_default": a.is_default,
            }
            for a in Address.objects.filter(customer=customer)
        ],
        "orders": [
            {
                "store": order.store.name,
                "number": order.number,
                "created_at": order.created_at.isoformat(),
                "status": order.status,
                "payment_status": order.payment_status,
                "email": order.email,
                "currency": order.currency,
                "subtotal": str(order.subtotal),
                "shipping_total": str(order.shipping_total),
                "discount_total": str(order.discount_total),
                "tax_total": str(order.tax_total),
                "total": str(order.total),
                "amount_refunded": str(order.amount_refunded),
                "shipping_address": _address(order.shipping_address),
                "billing_address": _address(order.billing_address),
                "shipping_method": order.shipping_method_name,
                "lines": [
                    {
                        "product": line.product_title,
                        "variant": line.variant_label,
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "unit_price": str(line.unit_price),
                        "line_total": str(line.line_total),
                    }
                    for line in order.lines.all()
                ],
            }
            for order in orders.order_by("created_at", "pk")
        ],
    }
    log(
        instance=customer,
        action="magpie.customer.export",
        user=_actor(actor),
        data={"customer": customer.pk, "orders": len(data["orders"])},
    )
    return data


def anonymised_email(customer: User) -> str:
    return f"anonymised-{customer.pk}@anonymised.invalid"


@runs_as_system("customer_anonymise")
@transaction.atomic
def customer_anonymise(*, customer: User, actor: Any) -> User:
    """Erase the person: name, email, password, address book, and the names and addresses on their
    orders, checkouts and gift cards, in every store (erasure is about the person, so it runs as
    the system once the caller has checked who may ask). Orders keep their numbers, totals and
    lines, so sales figures do not change. The account can no longer sign in. Audited; a second
    call changes nothing more."""
    customer = User.objects.select_for_update().get(pk=customer.pk)
    if customer.is_staff or customer.is_superuser:
        raise CommerceError("Staff accounts are not anonymised here: deactivate them on the Users screen.")
    email = anonymised_email(customer)
    already = customer.email == email
    customer.email = email
    customer.first_name = customer.last_name = ""
    customer.is_active = False
    customer.email_verified_at = None
    customer.set_unusable_password()  # also ends their sessions (the session hash changes)
    customer.save()
    addresses = Address.objects.filter(customer=customer).delete()[0]
    orders = Order.objects.filter(customer=customer).update(email=email, shipping_address={}, billing_address={})
    Checkout.objects.filter(customer=customer).update(email="", shipping_address={})
    GiftCard.objects.filter(customer=customer).update(recipient_email="")
    if not already:
        log(
            instance=customer,
            action="magpie.customer.anonymise",
            user=_actor(actor),
            data={"customer": customer.pk, "orders": orders, "addresses": addresses},
        )
    return customer
