"""What the staff roles may do with fulfilments and returns. Owners: everything; Managers fulfil,
ship and run returns; Customer service run returns and see fulfilments; Marketers: nothing.

Kept beside orders (not in ``accounts.roles``, which the accounts migration applies before these
tables exist) and applied by the orders migration ``role_permissions_fulfilment_returns``."""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, OWNER, app_permissions_grant, app_permissions_revoke

FULFIL = "orders.add_fulfilment"  # create fulfilments and mark them shipped
MANAGE_RETURNS = "orders.change_returnrequest"  # create, approve, reject, receive and refund returns

GRANTS: dict[str, tuple[str, ...]] = {
    OWNER: (
        "view_fulfilment",
        "add_fulfilment",
        "change_fulfilment",
        "view_returnrequest",
        "add_returnrequest",
        "change_returnrequest",
    ),
    MANAGER: (
        "view_fulfilment",
        "add_fulfilment",
        "change_fulfilment",
        "view_returnrequest",
        "add_returnrequest",
        "change_returnrequest",
    ),
    CUSTOMER_SERVICE: ("view_fulfilment", "view_returnrequest", "add_returnrequest", "change_returnrequest"),
}


def fulfilment_permissions_grant(apps: Any) -> None:
    app_permissions_grant(apps, app_label="orders", grants=GRANTS)


def fulfilment_permissions_revoke(apps: Any) -> None:
    app_permissions_revoke(apps, app_label="orders", grants=GRANTS)
