"""The forms behind Wagtail's admin log-in and password reset (``WAGTAILADMIN_USER_LOGIN_FORM``,
``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``).

Only staff get in: a customer's right email and password are refused with the very message a
wrong password gets (so the form does not tell a guesser which emails are customers), and a reset
asked for a customer's email sends nothing. The reset link is built on ``WAGTAILADMIN_BASE_URL``,
never on the request's Host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm

from commerce.core.links import email_link_options

from .models import User


def can_use_admin(user: Any) -> bool:
    """Staff as the rest of Magpie counts them (the RLS context too): an active account that is
    ``is_staff`` or a superuser. Customers never are."""
    return bool(user.is_active and (user.is_staff or user.is_superuser))


class StaffLoginForm(LoginForm):
    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not can_use_admin(user):
            raise self.get_invalid_login_error()


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:
        return (user for user in super().get_users(email) if can_use_admin(user))

    def save(self, **kwargs: Any) -> None:
        kwargs.update(email_link_options(settings.WAGTAILADMIN_BASE_URL))
        super().save(**kwargs)
