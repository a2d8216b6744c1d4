"""The two database roles: the owner (runs migrations, owns every table) and the runtime role
(web and workers: not superuser, NOBYPASSRLS, owns nothing).

``DATABASES["default"]`` connects as the runtime role. Its ``OWNER_USER`` / ``OWNER_PASSWORD``
keys name the owner; :func:`owner_connection` switches the connection to the owner for schema
work (``migrate``, ``flush``, creating the test database) and back. An owner connection carries a
session-wide system context named ``owner``, so data migrations see every row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


def owner_user(connection: BaseDatabaseWrapper) -> str | None:
    return connection.settings_dict.get("OWNER_USER") or None


def runtime_user(connection: BaseDatabaseWrapper) -> str | None:
    """The runtime role's name, also while the connection is switched to the owner."""
    return connection.settings_dict.get("RUNTIME_USER") or connection.settings_dict.get("USER") or None


def is_owner_connection(connection: BaseDatabaseWrapper) -> bool:
    owner = owner_user(connection)
    return owner is not None and connection.settings_dict.get("USER") == owner


@contextlib.contextmanager
def owner_connection(alias: str = "default") -> Iterator[BaseDatabaseWrapper]:
    """Reconnect ``alias`` as the owner for the duration (a no-op without a separate owner)."""
    connection = connections[alias]
    owner = owner_user(connection)
    if owner is None or is_owner_connection(connection):
        yield connection
        return
    settings = connection.settings_dict
    saved = {key: settings.get(key) for key in ("USER", "PASSWORD", "RUNTIME_USER")}
    connection.close()
    settings.update(USER=owner, PASSWORD=settings.get("OWNER_PASSWORD") or "", RUNTIME_USER=saved["USER"])
    try:
        yield connection
    finally:
        connection.close()
        settings.update(saved)


class RunsAsOwner:
    """Mixin for a management command that must run as the owner (schema and whole-table work)."""

    def handle(self, *args: Any, **options: Any) -> Any:
        with owner_connection(options["database"]):
            return super().handle(*args, **options)


def mark_owner_session(sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any) -> None:
    """``connection_created`` receiver: an owner connection works as the system."""
    if connection is not None and connection.vendor == "postgresql" and is_owner_connection(connection):
        connection.connection.execute(
            "SELECT set_config('app.role', 'system', false), set_config('app.context', 'owner', false)"
        )
