"""Signing up without telling anyone which emails have accounts.

Every valid sign-up gets the same answer ("check your email") and one email to the address typed:

- a new address: the account is created *inactive* and the email carries a one-time link that
  activates it and signs the customer in (``customer_sign_up_confirm``);
- an address with an active account: the owner is told someone tried to sign up with it, with
  links to log in and to reset the password; nothing changes;
- an address whose account was never confirmed: the confirmation link is sent again.

The link is Django's password-reset token (it hashes the password, last log-in and email, so it
stops working once used) on the store's own Site, never the request's Host.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from commerce.core.rls import runs_as_system

from .models import User
from .services import EmailTaken, customer_sign_up


def _confirm_path(user: User, next_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("orders:signup_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def _mail(*, to: str, template: str, context: dict) -> None:
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    send_mail(subject, render_to_string(f"accounts/email/{template}.txt", context), settings.DEFAULT_FROM_EMAIL, [to])


@runs_as_system("sign_up")
def customer_sign_up_request(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str = "",
    base_url: str,
    store_name: str,
    next_url: str = "",
) -> None:
    """Start a sign-up (see the module's docstring); raises ValidationError for a rejected password."""
    base_url = base_url.rstrip("/")
    context = {"store_name": store_name, "email": email}
    try:
        user = customer_sign_up(
            email=email, password=password, first_name=first_name, last_name=last_name, is_active=False
        )
    except EmailTaken:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:  # cannot happen: EmailTaken means the row exists
            return
        if not user.is_active and user.last_login is None:
            context["confirm_url"] = base_url + _confirm_path(user, next_url)
            _mail(to=user.email, template="signup_confirm", context=context)
            return
        context.update(
            login_url=base_url + reverse("accounts:login"), reset_url=base_url + reverse("accounts:password_reset")
        )
        _mail(to=user.email, template="signup_exists", context=context)
        return
    context["confirm_url"] = base_url + _confirm_path(user, next_url)
    _mail(to=user.email, template="signup_confirm", context=context)


def _link_user_id(uidb64: str) -> int | None:
    try:
        return int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None


def _link_valid(user: User | None, token: str) -> bool:
    return user is not None and user.last_login is None and default_token_generator.check_token(user, token)


@runs_as_system("sign_up")
def customer_sign_up_link_email(*, uidb64: str, token: str) -> str | None:
    """The email the link would confirm, or None for a forged, used or stale link. Reads only:
    the link's page (a GET) shows this and a button; the POST confirms."""
    user_id = _link_user_id(uidb64)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return user.email if _link_valid(user, token) else None


@runs_as_system("sign_up")
@transaction.atomic
def customer_sign_up_confirm(*, uidb64: str, token: str) -> User | None:
    """Activate the account the link names; None for a link that is forged, used or stale."""
    user_id = _link_user_id(uidb64)
    if user_id is None:
        return None
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if not _link_valid(user, token):
        return None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user
