"""Registrations: Settings → API tokens (the screens live in ``token_admin.py``) and the audit
log's labels for issuing and revoking a token."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .models import MANAGE_API_TOKENS
from .token_admin import token_admin_urls
from .tokens import TOKEN_ACTIONS


@hooks.register("register_admin_urls")
def register_token_urls():
    return [path("", include((token_admin_urls(), "api_tokens"), namespace="api_tokens"))]


class _TokenMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm(MANAGE_API_TOKENS)


@hooks.register("register_settings_menu_item")
def register_tokens_menu_item():
    return _TokenMenuItem("API tokens", reverse("api_tokens:index"), icon_name="key", order=620)


@hooks.register("register_log_actions")
def api_token_log_actions(actions) -> None:
    for action, (label, message) in TOKEN_ACTIONS.items():
        actions.register_action(action, label, message)
