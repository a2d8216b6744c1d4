"""Page permissions for staff limited to some stores.

Wagtail's page permissions belong to groups, and the role groups (Marketer, Owner) are shared by
every store: the Marketer group holds add/change/publish on the tree's root. For a member of staff
limited to some stores (``StaffProfile``), a permission their groups hold at or above the stores'
roots applies at *their* stores' root pages only, and one held inside another store does not
apply at all. So one Marketer group serves every store, and a marketer of store A edits, adds,
publishes, moves, copies and lists only store A's pages, in every page screen and chooser.

Wagtail has no hook for this: every page screen asks ``PagePermissionPolicy`` (through
``get_cached_permissions_for_user``), so :func:`install` wraps that policy's
``get_all_permissions_for_user``. Staff of every store and superusers are unaffected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from .staff_scope import staff_store_ids


def store_root_pages(store_ids: list[int]) -> list[Page]:
    from .models import Store

    return [store.site.root_page for store in Store.objects.filter(pk__in=store_ids).select_related("site__root_page")]


def scope_page_permissions(permissions: Any, roots: list[Page]) -> list[GroupPagePermission]:
    """Each permission moved down to the given store roots (or dropped when outside them)."""
    scoped: list[GroupPagePermission] = []
    for permission in permissions:
        page = permission.page
        if any(page.pk == root.pk or page.is_descendant_of(root) for root in roots):
            scoped.append(permission)  # already inside one of the stores
            continue
        for root in roots:
            if root.is_descendant_of(page):
                # unsaved: Wagtail only reads page, page_id and permission from these
                scoped.append(
                    GroupPagePermission(group_id=permission.group_id, page=root, permission=permission.permission)
                )
    return scoped


def _scoped(original: Callable[[PagePermissionPolicy, Any], Any]) -> Callable[[PagePermissionPolicy, Any], Any]:
    def get_all_permissions_for_user(self: PagePermissionPolicy, user: Any) -> Any:
        permissions = original(self, user)
        store_ids = staff_store_ids(user) if getattr(user, "is_staff", False) else None
        if store_ids is None or user.is_superuser:
            return permissions
        return scope_page_permissions(permissions, store_root_pages(store_ids))

    get_all_permissions_for_user.store_scoped = True  # type: ignore[attr-defined]
    return get_all_permissions_for_user


def install() -> None:
    """Called once from ``StoresConfig.ready``."""
    current = PagePermissionPolicy.get_all_permissions_for_user
    if not getattr(current, "store_scoped", False):
        PagePermissionPolicy.get_all_permissions_for_user = _scoped(current)  # type: ignore[method-assign]
