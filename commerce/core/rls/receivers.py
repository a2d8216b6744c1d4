"""Signal receivers that keep the RLS context and the database in step."""

from __future__ import annotations

from typing import Any

from django.db import connections

from .context import ANONYMOUS, activate
from .middleware import context_for_user, is_managed, session_cart_tokens
from .policies import sync
from .roles import runtime_user


def sync_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    sync(connection, runtime_role=runtime_user(connection))


def context_after_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """The rest of the request runs as the user who just signed in."""
    if not is_managed(request):
        return
    activate(context_for_user(user, cart_tokens=session_cart_tokens(request)))


def context_after_logout(sender: Any, request: Any = None, **kwargs: Any) -> None:
    if not is_managed(request):
        return
    activate(ANONYMOUS)
