"""Who the database should believe is asking: the row-level security context.

Every PostgreSQL transaction Magpie opens carries the current :class:`RlsContext` as
transaction-local settings (``set_config(name, value, true)``): ``app.role``, ``app.user_id``,
``app.store_ids`` and the guest grants. The policies in :mod:`commerce.core.rls.policies` read
them; with no context every protected table answers with no rows.

The context lives in a :class:`~contextvars.ContextVar`, so it belongs to one thread (one request
or one job) and never to a connection. :mod:`commerce.core.rls.connection` writes it into each
transaction as the transaction starts; changing it inside a transaction rewrites the settings at
once. Entry points choose it explicitly:

- a request: :class:`commerce.core.rls.middleware.RowLevelSecurityMiddleware`;
- a background job, a webhook or an operator command: ``with system_context("name"):``;
- a guest proving a token (a signed order link, a gift card code): ``with granted(...):``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])
Role = Literal["system", "staff", "customer", "anonymous"]

# The settings the policies read, in the order ``settings()`` returns them.
SETTING_NAMES = (
    "app.role",
    "app.context",
    "app.user_id",
    "app.store_ids",
    "app.cart_tokens",
    "app.order_ids",
    "app.gift_card_code",
)


@dataclass(frozen=True)
class RlsContext:
    """What one request or job may see. ``store_ids=None`` means every store (staff only)."""

    role: Role
    name: str = ""
    user_id: int | None = None
    store_ids: tuple[int, ...] | None = ()
    cart_tokens: tuple[str, ...] = ()
    order_ids: tuple[int, ...] = ()
    gift_card_code: str = ""

    def settings(self) -> tuple[str, ...]:
        """The values for :data:`SETTING_NAMES`, as PostgreSQL text."""
        stores = "*" if self.store_ids is None else _array(self.store_ids)
        return (
            self.role,
            self.name,
            "" if self.user_id is None else str(int(self.user_id)),
            stores,
            _array(self.cart_tokens),
            _array(self.order_ids),
            self.gift_card_code,
        )

    def granting(
        self,
        *,
        cart_tokens: Iterable[str] = (),
        order_ids: Iterable[int] = (),
        gift_card_code: str | None = None,
    ) -> RlsContext:
        return replace(
            self,
            cart_tokens=_merge(self.cart_tokens, (str(t) for t in cart_tokens)),
            order_ids=_merge(self.order_ids, (int(i) for i in order_ids)),
            gift_card_code=self.gift_card_code if gift_card_code is None else gift_card_code,
        )


EMPTY_SETTINGS = ("",) * len(SETTING_NAMES)
ANONYMOUS = RlsContext(role="anonymous")

_current: ContextVar[RlsContext | None] = ContextVar("magpie_rls_context", default=None)


def current_context() -> RlsContext | None:
    return _current.get()


def activate(context: RlsContext | None) -> Token:
    """Make ``context`` current (also inside a transaction already open); undo with :func:`restore`."""
    token = _current.set(context)
    _apply_to_open_transactions()
    return token


def restore(token: Token) -> None:
    _current.reset(token)
    _apply_to_open_transactions()


@contextlib.contextmanager
def use_context(context: RlsContext | None) -> Iterator[RlsContext | None]:
    token = activate(context)
    try:
        yield context
    finally:
        restore(token)


def system_context(name: str) -> contextlib.AbstractContextManager[RlsContext | None]:
    """Everything visible, for a named job, webhook or operator command. The name travels in
    ``app.context`` for the duration (``current_setting('app.context')`` tells an audit trigger or
    a debugging session which one it was)."""
    if not name:
        raise ValueError("a system context needs a name")
    return use_context(RlsContext(role="system", name=name))


def runs_as_system(name: str) -> Callable[[_F], _F]:
    """Decorate a function (or a view) that must see rows of other people by design, such as
    looking an account up by email for a password reset. Keep such functions small."""

    def decorator(function: _F) -> _F:
        @functools.wraps(function)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with system_context(name):
                return function(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def granted(
    *, cart_tokens: Iterable[str] = (), order_ids: Iterable[int] = (), gift_card_code: str | None = None
) -> contextlib.AbstractContextManager[RlsContext | None]:
    """The current context plus rows the caller has proved a right to (a token it just created or
    verified). Without a current context the grant is made to an anonymous visitor."""
    base = current_context() or ANONYMOUS
    return use_context(base.granting(cart_tokens=cart_tokens, order_ids=order_ids, gift_card_code=gift_card_code))


def grant(*, cart_tokens: Iterable[str] = (), order_ids: Iterable[int] = (), gift_card_code: str | None = None) -> None:
    """Like :func:`granted`, for the rest of the enclosing scope: the request (the middleware
    restores the context when it ends) or the enclosing ``use_context`` block."""
    base = current_context() or ANONYMOUS
    activate(base.granting(cart_tokens=cart_tokens, order_ids=order_ids, gift_card_code=gift_card_code))


def _array(values: Iterable[object]) -> str:
    items = list(values)
    return "{" + ",".join(str(v) for v in items) + "}" if items else ""


def _merge(current: tuple, more: Iterable) -> tuple:
    merged = list(current)
    for item in more:
        if item not in merged:
            merged.append(item)
    return tuple(merged)


def _apply_to_open_transactions() -> None:
    from .connection import apply_to_open_transactions

    apply_to_open_transactions(current_context())
