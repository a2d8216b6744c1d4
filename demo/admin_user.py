"""The demo's superuser: created once with a random password kept in a 0600 file under var/."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

ADMIN_EMAIL = "admin@example.com"  # the login: Magpie's users sign in with their email
PASSWORD_FILE_MODE = 0o600


@dataclass(frozen=True)
class AdminLogin:
    username: str
    password: str | None
    created: bool = False
    password_reset: bool = False

    @property
    def password_known(self) -> bool:
        return self.password is not None


def password_file_path() -> Path:
    """``settings.MAGPIE_DEMO_ADMIN_FILE`` when set, else ``var/demo-admin.txt`` (var/ is git-ignored)."""
    configured = getattr(settings, "MAGPIE_DEMO_ADMIN_FILE", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "demo-admin.txt"


def _read_password(path: Path) -> str | None:
    try:
        password = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return password or None


def _write_password(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PASSWORD_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    os.chmod(path, PASSWORD_FILE_MODE)  # the file may have existed with a wider mode


def demo_admin_ensure(*, password_file: Path) -> AdminLogin:
    """Make sure the ``admin@example.com`` superuser exists and its password is in ``password_file``.

    * No user: create it with a new random password and write the file.
    * User but no file: give it a new random password and write the file.
    * User and file: keep both; if the file no longer matches (the password was changed in the
      admin), return ``password=None`` rather than print a wrong password.
    """
    user_model = get_user_model()
    stored = _read_password(password_file)
    new_password: str | None = None
    with transaction.atomic():
        user = user_model._default_manager.select_for_update().filter(email__iexact=ADMIN_EMAIL).first()
        if user is None:
            new_password = secrets.token_urlsafe(18)
            user_model._default_manager.create_superuser(email=ADMIN_EMAIL, password=new_password)
            created = True
        else:
            created = False
            promoted = {"is_superuser": True, "is_staff": True, "is_active": True}
            if any(getattr(user, name) is not value for name, value in promoted.items()):
                for name, value in promoted.items():
                    setattr(user, name, value)
                user.save(update_fields=list(promoted))
            if stored is None:
                new_password = secrets.token_urlsafe(18)
                user.set_password(new_password)
                user.save(update_fields=["password"])
            elif not user.check_password(stored):
                return AdminLogin(username=ADMIN_EMAIL, password=None)
    if new_password is not None:
        _write_password(password_file, new_password)  # after commit: a failed write means a reset next run
        return AdminLogin(username=ADMIN_EMAIL, password=new_password, created=created, password_reset=not created)
    return AdminLogin(username=ADMIN_EMAIL, password=stored)
