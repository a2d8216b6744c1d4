"""The storefront's Content-Security-Policy.

Every response gets the header except under the admin prefixes (``MAGPIE_CSP_EXEMPT_PATHS``:
Wagtail's and Django's admins rely on inline scripts). Scripts load from this site and Stripe.js
only; the Stripe origins come from ``STRIPE_JS_URL`` and ``STRIPE_API_BASE``, so dev and tests
(localstripe on loopback) and production (js.stripe.com, api.stripe.com) each allow exactly theirs.
The checkout's ``json_script`` config is ``type="application/json"``: data, not script, so allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
STRIPE_API_DEFAULT = "https://api.stripe.com"
STRIPE_FRAME_ORIGINS = ("https://js.stripe.com", "https://hooks.stripe.com")
DEFAULT_EXEMPT_PATHS = ("/admin/",)


def origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an absolute URL; None for a relative one or nothing."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _sources(*items: str | None) -> str:
    """Space-separated, in order, without blanks or repeats."""
    return " ".join(dict.fromkeys(item for item in items if item))


def content_security_policy() -> str:
    """The policy for the current settings."""
    stripe_js = origin(settings.STRIPE_JS_URL)
    stripe_api = origin(getattr(settings, "STRIPE_API_BASE", None)) or STRIPE_API_DEFAULT
    media = origin(settings.MEDIA_URL)
    directives = [
        ("default-src", _sources("'self'")),
        ("script-src", _sources("'self'", stripe_js)),
        ("frame-src", _sources(stripe_js, *STRIPE_FRAME_ORIGINS)),
        ("connect-src", _sources("'self'", stripe_api)),
        ("img-src", _sources("'self'", "data:", media)),
        ("style-src", _sources("'self'", "'unsafe-inline'")),
        ("base-uri", "'self'"),
        ("form-action", "'self'"),
        ("frame-ancestors", "'none'"),
        ("object-src", "'none'"),
    ]
    return "; ".join(f"{name} {value}" for name, value in directives)


def csp_applies(path: str) -> bool:
    exempt = getattr(settings, "MAGPIE_CSP_EXEMPT_PATHS", DEFAULT_EXEMPT_PATHS)
    return not any(path.startswith(prefix) for prefix in exempt)


class ContentSecurityPolicyMiddleware:
    """Adds the storefront policy to responses that do not set their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if csp_applies(request.path_info) and HEADER not in response:
            response[HEADER] = content_security_policy()
        return response
