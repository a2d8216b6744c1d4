"""Registrations only: the screens live in ``customer_admin.py`` and ``invitation_admin.py``."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from commerce.accounts.staff import STAFF_ACTIONS

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
