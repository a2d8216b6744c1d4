"""Guest orders join the account of the customer who placed them, once that customer has proved
the email address is theirs (the confirmation link): never on a sign-up alone, or anyone could
sign up with someone else's address and read their orders."""

from __future__ import annotations

import logging

from django.db import transaction

from commerce.accounts.models import User
from commerce.accounts.verification import customer_email_mark_verified
from commerce.core.rls import runs_as_system

from .models import Order

logger = logging.getLogger(__name__)


@runs_as_system("claim_guest_orders")
@transaction.atomic
def guest_orders_claim(*, user: User) -> int:
    """Attach the guest orders placed with the user's verified address; returns how many."""
    if user.email_verified_at is None:
        return 0
    claimed = Order.objects.filter(customer__isnull=True, email__iexact=user.email).update(customer=user)
    if claimed:
        logger.info("Claimed %s guest orders for user %s after email verification.", claimed, user.pk)
    return claimed


@transaction.atomic
def customer_email_verify(*, user: User) -> int:
    """The one path for "the customer confirmed their address": record it, then claim guest orders."""
    customer_email_mark_verified(user=user)
    return guest_orders_claim(user=user)
