"""Email verification: a signed, expiring link proves the customer reads the address they signed up with.

The token names the account and the address it was issued for, so it stops working if the address
changes; it carries no secret of its own beyond Django's signature (SECRET_KEY, a salt of its own).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commerce.core.rls import runs_as_system

from .models import User

logger = logging.getLogger(__name__)
_SALT = "magpie.accounts.email-verification"
MAX_AGE_SECONDS = 3 * 24 * 3600


def email_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=_SALT, compress=True)


@runs_as_system("email_verification")
def user_for_verification_token(token: str) -> User | None:
    """The account the token was issued to, if it is genuine, unexpired and the address unchanged."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != data.get("e"):
        return None
    return user


@runs_as_system("email_verification")
@transaction.atomic
def customer_email_mark_verified(*, user: User) -> User:
    """Record the confirmation once; a second click keeps the first time."""
    User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
    user.refresh_from_db(fields=["email_verified_at"])
    return user


def email_verification_send(*, user: User, site_root_url: str, store_name: str) -> None:
    """Email the confirmation link, built on the store's Site (its hostname and port)."""
    path = reverse("orders:verify_email", kwargs={"token": email_verification_token(user)})
    context = {"user": user, "url": site_root_url.rstrip("/") + path, "store_name": store_name}
    send_mail(
        subject=f"{store_name}: confirm your email address",
        message=render_to_string("accounts/email/verify_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
