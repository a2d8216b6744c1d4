"""Absolute links for emails, built from configuration and never from the request's Host header
(a forged ``Host`` would otherwise put an attacker's domain in a password-reset or order email).

A store's links come from its Wagtail ``Site`` (hostname, port and, through the port, the scheme:
``Site.root_url``); the admin's from ``WAGTAILADMIN_BASE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
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
