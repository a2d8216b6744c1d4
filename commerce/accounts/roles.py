"""Staff roles as Wagtail groups: Owner, Manager, Customer service, Marketer.

Every role permission is declared here, in one place (the inventory ones included). The data
migrations (``accounts.0003_staff_role_groups``, ``inventory.0003_role_permissions``,
``accounts.0006_role_permissions_people``) call :func:`role_groups_sync` with the migration's app
registry and ``strict=False``: a permission whose app or model is not migrated yet is skipped, and
the later migration grants it. Tests call it with the live registry (strict: an unknown permission
is an error). Syncing adds what is missing and removes only what :data:`REVOKED` lists, so it is
safe to run again; permissions an Owner later grants by hand are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.management import create_permissions
from django.db.models import Q

OWNER = "Owner"
MANAGER = "Manager"
CUSTOMER_SERVICE = "Customer service"
MARKETER = "Marketer"
ROLE_NAMES = (OWNER, MANAGER, CUSTOMER_SERVICE, MARKETER)

# Every app under ``commerce.`` has its label as the last part of its module path.
COMMERCE_APP_LABELS = (
    "core",
    "accounts",
    "stores",
    "catalog",
    "orders",
    "payments",
    "promotions",
    "shipping",
    "cart",
    "checkout",
    "inventory",
    "people",
)

ACCESS_ADMIN = "wagtailadmin.access_admin"
PAGE_ACTIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
COLLECTION_MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


def _crud(app_label: str, model: str, actions: Iterable[str] = ("add", "change", "delete", "view")) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in actions]


@dataclass(frozen=True)
class Role:
    name: str
    permissions: tuple[str, ...]  # "app_label.codename"
    commerce_all: bool = False  # every permission of the commerce.* apps
    page_actions: tuple[str, ...] = ()  # GroupPagePermission on the root page
    collection_actions: tuple[str, ...] = ()  # GroupCollectionPermission on the root collection


ROLES: tuple[Role, ...] = (
    Role(
        name=OWNER,
        permissions=(
            ACCESS_ADMIN,
            *_crud("auth", "group"),
            *_crud("wagtailcore", "site"),
            *_crud("wagtailcore", "collection"),
        ),
        commerce_all=True,
        page_actions=PAGE_ACTIONS,
        collection_actions=("add", "change", "delete", "choose"),
    ),
    Role(
        name=MANAGER,
        permissions=(
            ACCESS_ADMIN,
            "orders.view_order",
            "orders.change_order",
            "orders.view_orderevent",
            "payments.view_payment",
            "payments.view_paymentevent",
            "payments.view_refund",
            "payments.add_refund",
            *_crud("promotions", "discount"),
            "promotions.publish_discount",
            *_crud("promotions", "discountcode"),
            "promotions.view_discountredemption",
            *_crud("promotions", "giftcard"),
            "promotions.view_giftcardtransaction",
            *_crud("shipping", "shippingmethod"),
            # stock: levels, locations, the ledger, the store's inventory settings
            "inventory.view_stocklevel",
            "inventory.change_stocklevel",
            "inventory.view_stocklocation",
            "inventory.add_stocklocation",
            "inventory.change_stocklocation",
            "inventory.view_stockmovement",
            "inventory.change_inventorysettings",
            # customers: the Customers screens, their data export and anonymisation
            "accounts.view_user",
            "accounts.view_address",
            "accounts.export_customer",
            "accounts.anonymise_customer",
        ),
    ),
    Role(
        name=CUSTOMER_SERVICE,
        permissions=(
            ACCESS_ADMIN,
            "orders.view_order",
            "orders.change_order",
            "orders.view_orderevent",
            "payments.view_payment",
            "payments.view_paymentevent",
            "payments.view_refund",
            "promotions.view_giftcard",
            "promotions.view_giftcardtransaction",
            "accounts.view_user",
            "accounts.view_address",
            # answering a customer's request for their data is customer service; anonymising
            # (irreversible) is for managers and owners
            "accounts.export_customer",
        ),
    ),
    Role(
        name=MARKETER,
        permissions=(
            ACCESS_ADMIN,
            *_crud("catalog", "category"),
            # drafts only: no publish_discount, and no codes (generating or exporting them)
            *_crud("promotions", "discount", ("add", "change", "view")),
        ),
        page_actions=("add", "change", "publish"),
        collection_actions=("add", "change", "choose"),
    ),
)


# Permissions a role once had and must not have any more; the sync removes them.
REVOKED: dict[str, tuple[str, ...]] = {
    MARKETER: _crud("promotions", "discountcode", ("add", "change", "view")),
}


def permissions_create_all(apps: Any) -> None:
    """Create the content types and permissions of every app, as ``post_migrate`` would.

    In a fresh database ``post_migrate`` has not run yet when a data migration does; this is how
    Wagtail's own migrations (e.g. ``wagtailcore.0086``) make sure a permission exists.
    """
    for app_config in apps.get_app_configs():
        had_models_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_models_module or True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = had_models_module


def _permissions(apps: Any, names: Iterable[str], strict: bool = True) -> list[Any]:
    Permission = apps.get_model("auth", "Permission")
    wanted = {tuple(name.split(".", 1)) for name in names}
    if not wanted:
        return []
    query = Q()
    for app_label, codename in wanted:
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing and strict:
        raise LookupError(f"Permissions not found: {sorted('.'.join(m) for m in missing)}")
    return found


def role_groups_sync(apps: Any, *, strict: bool = True) -> None:
    """Create the four role groups with their permissions; adds what is missing and removes what
    :data:`REVOKED` lists. ``strict=False`` (data migrations) skips permissions not created yet."""
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()

    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        permissions = _permissions(apps, role.permissions, strict)
        if role.commerce_all:
            permissions += list(Permission.objects.filter(content_type__app_label__in=COMMERCE_APP_LABELS))
        group.permissions.add(*permissions)
        group.permissions.remove(*_permissions(apps, REVOKED.get(role.name, ()), strict=False))
        if root_page is not None and role.page_actions:
            for permission in _permissions(apps, [f"wagtailcore.{action}_page" for action in role.page_actions]):
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
        if root_collection is not None and role.collection_actions:
            names = [
                f"{app_label}.{action}_{model}"
                for app_label, model in COLLECTION_MODELS
                for action in role.collection_actions
            ]
            for permission in _permissions(apps, names):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def role_groups_remove(apps: Any) -> None:
    """Delete the role groups (and with them their page and collection permissions)."""
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_NAMES).delete()


def app_permissions_grant(apps: Any, *, app_label: str, grants: dict[str, tuple[str, ...]]) -> None:
    """Give each role group in ``grants`` its codenames of ``app_label`` (for an app whose tables
    are migrated after the role groups exist; ``commerce.orders.roles``, ``commerce.api.roles``)."""
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in grants.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.add(*permissions)


def app_permissions_revoke(apps: Any, *, app_label: str, grants: dict[str, tuple[str, ...]]) -> None:
    """Undo :func:`app_permissions_grant`: every codename in ``grants`` leaves every group named there."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = {codename for granted in grants.values() for codename in granted}
    permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    for group in Group.objects.filter(name__in=list(grants)):
        group.permissions.remove(*permissions)
