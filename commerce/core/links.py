"""Absolute links for emails, built from configuration and never from the request's Host header
(a forged ``Host`` would otherwise put an attacker's domain in a password-reset or order email).

A store's links come from its Wagtail ``Site`` (hostname, port and, through the port, the scheme:
``Site.root_url``); the admin's from ``WAGTAILADMIN_BASE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.models import Site


def site_url(site: Site, path: str = "/") -> str:
    """``path`` on ``site``: ``http://north.localhost:8000/gift-cards/``."""
    return site.root_url.rstrip("/") + "/" + path.lstrip("/")


def admin_url(path: str = "/") -> str:
    """``path`` on the admin's configured base URL."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def email_link_options(base_url: str) -> dict[str, object]:
    """What Django's ``PasswordResetForm.save()`` needs to build its link on ``base_url``."""
    parts = urlsplit(base_url)
    return {"domain_override": parts.netloc, "use_https": parts.scheme == "https"}


def safe_next_url(request: HttpRequest) -> str | None:
    """The ``next`` URL posted or asked for when it stays on this site; None for anything else
    (an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
