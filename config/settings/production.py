"""Production: everything from the environment; refuses to start without a secret."""

from django.core.exceptions import ImproperlyConfigured

from config.structured_logging import logging_config

from .base import *  # noqa: F403
from .base import LOG_LEVEL, SECRET_KEY, env, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

DEBUG = False
LOGGING = logging_config(json=env("MAGPIE_LOG_FORMAT", "json") == "json", level=LOG_LEVEL)

if not env("STRIPE_SECRET_KEY") or not env("STRIPE_WEBHOOK_SECRET"):
    raise ImproperlyConfigured("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set in production.")
if env_bool("MAGPIE_FAKE_SHIPPO", False):
    raise ImproperlyConfigured("MAGPIE_FAKE_SHIPPO is for development: set SHIPPO_API_KEY instead.")
if env("SHIPPO_API_KEY") and not env("SHIPPO_WEBHOOK_SECRET"):
    raise ImproperlyConfigured("SHIPPO_WEBHOOK_SECRET must be set with SHIPPO_API_KEY (tracking webhooks).")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # set by the proxy in front of gunicorn
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000") or 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies only over HTTPS; DJANGO_SECURE_COOKIES=false only for a plain-HTTP trial on localhost.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Load balancer probes speak plain HTTP inside the platform (commerce/core/health.py answers them
# before this redirect anyway).
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the CSP's frame-ancestors 'none' says the same to newer browsers
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if env("SENTRY_DSN"):  # web processes, RQ workers and commands all load these settings
    from config.sentry import init_sentry

    init_sentry(
        dsn=env("SENTRY_DSN"), environment=env("SENTRY_ENVIRONMENT", "production"), release=env("SENTRY_RELEASE")
    )

if env("FRONTEND_CACHE_URL"):  # a purge endpoint (e.g. Varnish) in front of the site
    INSTALLED_APPS += ["wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env("FRONTEND_CACHE_URL"),
        }
    }
