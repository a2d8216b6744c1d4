"""Each request runs under the context of whoever sent it, and only for as long as it runs.

Placed after ``AuthenticationMiddleware``. The signed-in user is loaded under a bootstrap context
that can see only the user id the (server-side) session names; then the request gets its real
context: staff with their store ids, a customer, or an anonymous visitor, each with the guest
tokens their session holds. A GET (or HEAD, OPTIONS) runs in one transaction, so the context is
written once per request. The previous context is restored when the response is finished, after
a streaming response's last chunk, so nothing is left for the thread's next request.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.module_loading import import_string

from .context import ANONYMOUS, RlsContext, activate, current_context, grant, restore, use_context

logger = logging.getLogger(__name__)
INSUFFICIENT_PRIVILEGE = "42501"
CART_TOKENS_KEY = "magpie.rls.cart_tokens"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MANAGED = "_magpie_rls_managed"


def is_managed(request: Any) -> bool:
    """Whether this middleware set the context for ``request`` (and will restore it)."""
    return bool(getattr(request, _MANAGED, False))


def session_cart_tokens(request: Any) -> tuple[str, ...]:
    session = getattr(request, "session", None)
    return tuple(session.get(CART_TOKENS_KEY, ())) if session is not None else ()


def context_for_request(request: HttpRequest) -> RlsContext:
    """The context for this request's user and session (loads ``request.user`` if needed)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS.granting(cart_tokens=session_cart_tokens(request))
    return context_for_user(user, cart_tokens=session_cart_tokens(request))


def context_for_user(user: Any, *, cart_tokens: tuple[str, ...] = ()) -> RlsContext:
    if user.is_staff or user.is_superuser:
        store_ids = _staff_store_ids()(user)
        return RlsContext(
            role="staff",
            user_id=user.pk,
            store_ids=None if store_ids is None else tuple(store_ids),
            cart_tokens=cart_tokens,
        )
    return RlsContext(role="customer", user_id=user.pk, cart_tokens=cart_tokens)


def remember_cart_token(request: HttpRequest, token: str) -> None:
    """The visitor now holds this cart: keep the token in the session and grant it for the rest of
    the request."""
    tokens = list(request.session.get(CART_TOKENS_KEY, ()))
    if str(token) not in tokens:
        tokens.append(str(token))
        request.session[CART_TOKENS_KEY] = tokens[-20:]
    if is_managed(request):
        grant(cart_tokens=[str(token)])


class RowLevelSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        setattr(request, _MANAGED, True)
        # A GET runs in one transaction, so its context is written once rather than around each
        # query; a request already inside one (a test's) needs no second. Writes keep their own
        # transactions (a payment row must commit before the card is charged), each carrying the
        # context, as does any query outside them.
        one_transaction = request.method in READ_ONLY_METHODS and not transaction.get_connection().in_atomic_block
        outer = activate(self._bootstrap(request))
        try:
            with transaction.atomic() if one_transaction else contextlib.nullcontext():
                activate(context_for_request(request))
                response = self.get_response(request)
            if isinstance(response, StreamingHttpResponse):
                response.streaming_content = _streamed_under(current_context(), response.streaming_content)
            return response
        finally:
            restore(outer)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """A write the policies refused (SQLSTATE 42501, "new row violates row-level security
        policy") is a 403, never a 500: the screen offered something the user may not touch."""
        cause = getattr(exception, "__cause__", None)
        if isinstance(exception, DatabaseError) and getattr(cause, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            logger.warning("row-level security refused a write on %s %s", request.method, request.path)
            raise PermissionDenied from exception

    @staticmethod
    def _bootstrap(request: HttpRequest) -> RlsContext:
        session = getattr(request, "session", None)
        raw_id = session.get(SESSION_KEY) if session is not None else None
        try:
            user_id = int(raw_id) if raw_id is not None else None
        except (TypeError, ValueError):
            user_id = None
        return replace(ANONYMOUS, user_id=user_id)


def _streamed_under(context: RlsContext | None, content) -> Iterator[bytes]:
    with use_context(context):
        yield from content


@lru_cache(maxsize=1)
def _staff_store_ids() -> Callable[[Any], list[int] | None]:
    return import_string(settings.MAGPIE_STAFF_STORE_IDS)
