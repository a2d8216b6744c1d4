"""What an API token may do: an area of the staff API and a level, written ``"<area>:<level>"``.

A token request needs ``<area>:read`` for GET/HEAD/OPTIONS and ``<area>:write`` otherwise, on
views that declare ``token_scope = "<area>"`` (:mod:`commerce.api.permissions`). A member of staff
may only issue a scope whose permission their own role holds (:data:`SCOPE_PERMISSIONS`: the
permission the matching admin screen asks for); the endpoint still checks the owner's real
permission for each action, as the admin screen does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

AREAS: tuple[str, ...] = ("orders", "customers", "inventory", "discounts", "gift_cards")
AREA_LABELS: dict[str, str] = {
    "orders": "Orders",
    "customers": "Customers",
    "inventory": "Inventory",
    "discounts": "Discounts",
    "gift_cards": "Gift cards",
}
LEVELS: tuple[str, ...] = ("read", "write")
Level = Literal["read", "write"]
ALL_SCOPES: tuple[str, ...] = tuple(f"{area}:{level}" for area in AREAS for level in LEVELS)

# scope → the Django permission a member of staff needs to issue it (the admin screen's own).
SCOPE_PERMISSIONS: dict[str, str] = {
    "orders:read": "orders.view_order",
    "orders:write": "orders.change_order",
    # the Customers screen's one ordinary write (a note) needs only its view permission; exporting
    # and anonymising keep their own permissions, checked by the endpoint
    "customers:read": "accounts.view_user",
    "customers:write": "accounts.view_user",
    "inventory:read": "inventory.view_stocklevel",
    "inventory:write": "inventory.change_stocklevel",
    "discounts:read": "promotions.view_discount",
    "discounts:write": "promotions.change_discount",
    "gift_cards:read": "promotions.view_giftcard",
    "gift_cards:write": "promotions.change_giftcard",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_for(area: str, method: str) -> str:
    """The scope a request with ``method`` needs on a view of ``area``."""
    return f"{area}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


def scopes_allowed_for(user: Any) -> list[str]:
    """The scopes ``user``'s role lets them issue (every one for a superuser)."""
    if user is None or not user.is_active:
        return []
    return [scope for scope in ALL_SCOPES if user.has_perm(SCOPE_PERMISSIONS[scope])]


def normalise_scopes(scopes: Iterable[str]) -> list[str]:
    """Known scopes in the canonical order, each once; raises ValueError naming an unknown one."""
    chosen = set(scopes)
    unknown = sorted(chosen - set(ALL_SCOPES))
    if unknown:
        raise ValueError(f"Unknown scope: {unknown[0]}")
    return [scope for scope in ALL_SCOPES if scope in chosen]
