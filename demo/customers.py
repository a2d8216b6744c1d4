"""Demo customer accounts for the back office's Customers screen: the most frequent buyers of the
order history get an account (no password: they cannot sign in), an address, and their past
orders joined to it. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from commerce.accounts.models import Address, User
from commerce.orders.models import Order

# (email in the order history, first name, last name, city, country)
DEMO_CUSTOMERS = (
    ("customer0@example.com", "Ada", "Lovelace", "London", "GB"),
    ("customer1@example.com", "Grace", "Hopper", "Arlington", "US"),
    ("customer2@example.com", "Katherine", "Johnson", "Hampton", "US"),
    ("customer3@example.com", "Hedy", "Lamarr", "Vienna", "AT"),
    ("customer4@example.com", "Alan", "Turing", "Manchester", "GB"),
    ("customer5@example.com", "Emmy", "Noether", "Erlangen", "DE"),
)


@dataclass(frozen=True)
class DemoCustomers:
    created: int
    orders_joined: int


@transaction.atomic
def demo_customers_ensure() -> DemoCustomers:
    created = joined = 0
    for email, first_name, last_name, city, country in DEMO_CUSTOMERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
            Address.objects.create(
                customer=user,
                full_name=f"{first_name} {last_name}",
                line1="1 Demo Street",
                city=city,
                postal_code="10001",
                country=country,
                is_default=True,
            )
            created += 1
        joined += Order.objects.filter(email__iexact=email, customer__isnull=True).update(customer=user)
    return DemoCustomers(created=created, orders_joined=joined)
