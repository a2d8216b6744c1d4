"""Issuing, checking and revoking API tokens (the writes and the one read authentication needs).

A token is ``mgp_<key id>_<secret>``: 12 hex characters that find the row (not secret, shown in
the admin's list) and 43 URL-safe characters from 32 random bytes. The table keeps the SHA-256
of the whole token; a fast hash is enough for 256 random bits (there is nothing to guess from a
dictionary). Checking compares digests in constant time, and an unknown key id costs the same
comparison, so the answer time does not tell which part was wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from commerce.accounts.staff import has_staff_role
from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.rls import RlsContext, runs_as_system, system_context
from commerce.core.rls.middleware import context_for_user
from commerce.stores.models import Store
from commerce.stores.staff_scope import staff_store_ids

from .models import ApiToken
from .scopes import AREA_LABELS, normalise_scopes, scopes_allowed_for

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "mgp_"  # noqa: S105 - the public prefix, not a secret
KEY_ID_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32
# last_used_at is written at most this often per token, so a busy integration does not turn every
# read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_DUMMY_HASH = hashlib.sha256(b"magpie-no-such-token").hexdigest()

# action → (label in the site history, message); registered by ``wagtail_hooks``.
TOKEN_ACTIONS: dict[str, tuple[str, str]] = {
    "magpie.api_token.create": ("Create API token", "API token created"),
    "magpie.api_token.revoke": ("Revoke API token", "API token revoked"),
}


class TokenInvalid(Exception):
    """The token is malformed, unknown, revoked or expired, or its owner may no longer use it.
    ``reason`` is for logs; callers answer every case the same way."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token: shown once, never stored


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _split(raw: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed token, else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    key_id, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if len(key_id) != KEY_ID_BYTES * 2 or not secret or len(raw) > 200:
        return None
    return key_id, secret


def scope_labels(scopes: Iterable[str]) -> list[str]:
    """``["Orders: read", ...]`` for the admin."""
    return [f"{AREA_LABELS[area]}: {level}" for area, level in (scope.split(":") for scope in scopes)]


@transaction.atomic
def api_token_issue(
    *,
    owner: Any,
    name: str,
    scopes: Iterable[str],
    store_ids: Iterable[int] | None,
    expires_at: datetime | None = None,
    actor: Any,
) -> IssuedToken:
    """A new token acting as ``owner`` (who issues it: ``actor`` must be the owner) with ``scopes``
    among those the owner's role allows and ``store_ids`` among the owner's stores (``None``: every
    store the owner acts for, which needs an owner of every store). Raises CommerceError naming
    the field at fault; nothing is written then."""
    if getattr(actor, "pk", None) != getattr(owner, "pk", None):
        raise CommerceError("A member of staff issues tokens for themselves only.", field="owner")
    name = (name or "").strip()
    if not name:
        raise CommerceError("Give the token a name.", field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise CommerceError("The name is too long (100 characters at most).", field="name")
    try:
        chosen = normalise_scopes(scopes)
    except ValueError as error:
        raise CommerceError(str(error), field="scopes") from error
    if not chosen:
        raise CommerceError("Choose at least one scope.", field="scopes")
    refused = [scope for scope in chosen if scope not in scopes_allowed_for(owner)]
    if refused:
        raise CommerceError(f"Your role may not issue the scope {refused[0]}.", field="scopes")
    own_stores = staff_store_ids(owner)
    if store_ids is None:
        if own_stores is not None:
            raise CommerceError("Choose at least one of your stores.", field="stores")
        wanted: list[int] = []
    else:
        wanted = sorted(set(store_ids))
        if not wanted:
            raise CommerceError("Choose at least one store.", field="stores")
        if own_stores is not None and not set(wanted) <= set(own_stores):
            raise CommerceError("You may only issue tokens for your own stores.", field="stores")
        if Store.objects.filter(pk__in=wanted).count() != len(wanted):
            raise CommerceError("No such store.", field="stores")
    if expires_at is not None and expires_at <= timezone.now():
        raise CommerceError("The expiry must be in the future.", field="expires_at")

    key_id = secrets.token_hex(KEY_ID_BYTES)
    secret = f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}"
    token = ApiToken.objects.create(
        name=name,
        key_id=key_id,
        secret_hash=token_digest(secret),
        owner=owner,
        all_stores=store_ids is None,
        scopes=chosen,
        created_by=actor,
        expires_at=expires_at,
    )
    token.stores.set(wanted)
    log(
        instance=token,
        action="magpie.api_token.create",
        user=actor,
        data={
            "name": name,
            "prefix": token.prefix,
            "owner": owner.email,
            "scopes": chosen,
            "stores": "all" if store_ids is None else wanted,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke ``token`` at once (its next request is a 401). Revoking twice changes nothing and
    logs nothing the second time."""
    current = locked(ApiToken.objects.filter(pk=token.pk)).get()
    if current.revoked_at is not None:
        return current
    current.revoked_at = timezone.now()
    current.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    current.save(update_fields=["revoked_at", "revoked_by"])
    log(
        instance=current,
        action="magpie.api_token.revoke",
        user=current.revoked_by,
        data={"name": current.name, "prefix": current.prefix, "owner_id": current.owner_id},
    )
    return current


@runs_as_system("api_token_auth")
def api_token_verify(raw: str, *, now: datetime | None = None) -> ApiToken:
    """The live token ``raw`` names, with its owner and store ids loaded; raises TokenInvalid.

    Runs as the system: nobody is known yet (as ``authenticate`` finds an account by email)."""
    now = now or timezone.now()
    parts = _split(raw)
    token = (
        ApiToken.objects.select_related("owner").prefetch_related("stores").filter(key_id=parts[0]).first()
        if parts
        else None
    )
    matches = hmac.compare_digest(token.secret_hash if token else _DUMMY_HASH, token_digest(raw))
    if token is None or not matches:
        raise TokenInvalid("unknown")
    if token.revoked_at is not None:
        raise TokenInvalid("revoked")
    if token.is_expired(now):
        raise TokenInvalid("expired")
    owner = token.owner
    if not owner.is_active or not (owner.is_staff or owner.is_superuser) or not has_staff_role(owner):
        raise TokenInvalid("owner_not_staff")
    return token


def api_token_touch(*, token: ApiToken, now: datetime | None = None) -> bool:
    """Record that ``token`` was used, at most once per :data:`LAST_USED_RESOLUTION`: a single
    conditional UPDATE (no read, no lock), so concurrent requests write it once. Returns whether
    this call wrote."""
    now = now or timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - LAST_USED_RESOLUTION:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
    with system_context("api_token_auth"):
        written = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    if written:
        token.last_used_at = now
    return bool(written)


def token_context(token: ApiToken) -> RlsContext:
    """The owner's RLS context, as a session request of theirs would get, narrowed to the token's
    stores (and to the stores the owner still acts for, if that shrank since)."""
    context = context_for_user(token.owner)
    if token.all_stores:
        return context
    token_stores = sorted(store.pk for store in token.stores.all())
    if context.store_ids is not None:
        token_stores = [pk for pk in token_stores if pk in context.store_ids]
    return replace(context, store_ids=tuple(token_stores))


def token_store_ids(token: ApiToken) -> list[int] | None:
    """The stores a request with ``token`` acts for (``None``: every store)."""
    return None if (ids := token_context(token).store_ids) is None else list(ids)
