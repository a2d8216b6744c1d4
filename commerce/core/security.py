"""The storefront's Content-Security-Policy, sent by django-csp.

The fixed part of the policy is ``CONTENT_SECURITY_POLICY`` in settings (django-csp's own format);
this module adds the origins that follow other settings when each response is built: Stripe.js and
the Stripe API (``STRIPE_JS_URL``, ``STRIPE_API_BASE``: js.stripe.com and api.stripe.com in
production, localstripe on loopback in dev and tests) and an absolute ``MEDIA_URL`` (S3 or a CDN).
No header under ``EXCLUDE_URL_PREFIXES`` (``/admin/``: Wagtail's admin relies on inline scripts).
The checkout's ``json_script`` config is ``type="application/json"``: data, not script, so allowed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy, default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

STRIPE_API_DEFAULT = "https://api.stripe.com"
STRIPE_FRAME_ORIGINS = ("https://js.stripe.com", "https://hooks.stripe.com")


def origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an absolute URL; None for a relative one or nothing."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def csp_directives() -> dict[str, list[str]]:
    """The configured directives plus the origins the current settings name."""
    directives = {name: list(sources) for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()}
    stripe_js = origin(settings.STRIPE_JS_URL)
    stripe_api = origin(getattr(settings, "STRIPE_API_BASE", None)) or STRIPE_API_DEFAULT
    additions = {
        "script-src": [stripe_js],
        "frame-src": [stripe_js, *STRIPE_FRAME_ORIGINS],
        "connect-src": [stripe_api],
        "img-src": [origin(settings.MEDIA_URL)],
    }
    for name, sources in additions.items():
        directives[name] = [*directives.get(name, []), *(source for source in sources if source)]
    return directives


def content_security_policy() -> str:
    """The policy header for the current settings."""
    return build_policy(config=default_config(csp_directives()))


class StorefrontCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the directives read when the response is built (so a change of
    Stripe or media settings applies at once) rather than once from ``CONTENT_SECURITY_POLICY``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            parts.config = default_config(csp_directives())
        return parts
