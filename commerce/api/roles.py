"""Who may issue and revoke API tokens: Owners and Managers (``api.manage_apitoken``).

Kept beside the API (as ``commerce.orders.roles`` is beside orders): the accounts migration that
creates the role groups runs before this table exists. Applied by ``api.0002_token_permission``.
"""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import MANAGER, OWNER, app_permissions_grant, app_permissions_revoke

GRANTS: dict[str, tuple[str, ...]] = {OWNER: ("manage_apitoken",), MANAGER: ("manage_apitoken",)}


def token_permissions_grant(apps: Any) -> None:
    app_permissions_grant(apps, app_label="api", grants=GRANTS)


def token_permissions_revoke(apps: Any) -> None:
    app_permissions_revoke(apps, app_label="api", grants=GRANTS)
