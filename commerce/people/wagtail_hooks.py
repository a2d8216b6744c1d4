"""Registrations: the screens live in ``customer_admin.py`` and ``invitation_admin.py``; the bulk
action hooks below only hand over to ``staff_access_apply``."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from commerce.accounts.models import User
from commerce.accounts.staff import STAFF_ACTIONS, staff_access_apply, staff_access_snapshot

from .customer_admin import CustomerViewSet
from .invitation_admin import INVITE_STAFF, invitation_admin_urls


@hooks.register("register_admin_viewset")
def register_customers():
    return CustomerViewSet()


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return [path("", include((invitation_admin_urls(), "people_invitations"), namespace="people_invitations"))]


class _PermissionMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm(INVITE_STAFF)


@hooks.register("register_settings_menu_item")
def register_invitations_menu_item():
    return _PermissionMenuItem("Staff invitations", reverse("people_invitations:index"), icon_name="mail", order=610)


@hooks.register("register_log_actions")
def people_log_actions(actions) -> None:
    for action, (label, message) in STAFF_ACTIONS.items():
        actions.register_action(action, label, message)


# Wagtail's Users listing has bulk actions ("Assign role", "Set active state") that change users
# without the user form: they end in the same staff_access_apply.
USER_BULK_ACTIONS = {"assign_role", "set_active_state"}


@hooks.register("before_bulk_action")
def staff_bulk_action_snapshot(request, action_type, objects, action) -> None:
    if action_type in USER_BULK_ACTIONS and objects and isinstance(objects[0], User):
        action.magpie_staff_before = {user.pk: staff_access_snapshot(user) for user in objects}


@hooks.register("after_bulk_action")
def staff_bulk_action_apply(request, action_type, objects, action) -> None:
    before = getattr(action, "magpie_staff_before", None)
    if before is None:
        return
    for user in objects:
        user.refresh_from_db(fields=["is_active", "is_staff", "is_superuser"])
        staff_access_apply(user=user, actor=request.user, keep_stores=True, before=before.get(user.pk))
