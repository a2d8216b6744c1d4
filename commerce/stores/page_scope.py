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


def limited_store_roots(user: Any) -> list[Page] | None:
    """The root pages of the stores ``user`` is limited to, or None when they act for every store
    (no profile, or ``all_stores``). Two queries."""
    from commerce.accounts.models import StaffProfile

    profile = StaffProfile.objects.filter(user_id=user.pk).only("all_stores").first()
    if profile is None or profile.all_stores:
        return None
    return list(Page.objects.filter(sites_rooted_here__store__staff_profiles=profile).order_by("path"))


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
        if not getattr(user, "is_staff", False) or user.is_superuser or not user.is_active:
            return permissions
        roots = limited_store_roots(user)
        return permissions if roots is None else scope_page_permissions(permissions, roots)

    get_all_permissions_for_user.store_scoped = True  # type: ignore[attr-defined]
    return get_all_permissions_for_user


def install() -> None:
    """Called once from ``StoresConfig.ready``."""
    current = PagePermissionPolicy.get_all_permissions_for_user
    if not getattr(current, "store_scoped", False):
        PagePermissionPolicy.get_all_permissions_for_user = _scoped(current)  # type: ignore[method-assign]
