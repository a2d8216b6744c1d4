"""Settings shared by every environment. They fail closed: DEBUG is off and the
secret key must come from the environment; only dev and test relax that."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dj_database_url
from botocore.config import Config as BotoConfig
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from config.structured_logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "search",
    "demo",
    "commerce.core",
    "commerce.accounts",
    "commerce.stores",
    "commerce.catalog",
    "commerce.inventory",
    "commerce.orders",
    "commerce.payments",
    "commerce.promotions",
    "commerce.shipping",
    "commerce.cart",
    "commerce.checkout",
    "commerce.insights",
    "commerce.people",
    "commerce.api",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "commerce.people.apps.StaffUsersAppConfig",  # wagtail.users with Magpie's user form
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_rq",
    "django_countries",
    "csp",
    "health_check",
    "django_structlog",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "commerce.core.health.HealthCheckMiddleware",  # first: probes skip host checks, redirects and RLS
    # One log line per request, redirects and refusals included; it reads request.user only once
    # the response is done (the RLS middleware below has loaded it under its context by then).
    "django_structlog.middlewares.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "commerce.core.security.StorefrontCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "commerce.core.page_cache.PageCacheMiddleware",  # anonymous pages: after CSRF, before auth and RLS
    "commerce.core.page_routing.SiteRoutingMiddleware",  # the host's Site and a page's route, per store generation
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "commerce.core.rls.middleware.RowLevelSecurityMiddleware",
    "commerce.core.log_context.BindUserMiddleware",  # user_id on every line from here on
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # last: it runs the admin's page create and edit views itself, in a transaction holding a page row
    "commerce.core.page_writes.SerialPageWritesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "commerce.stores.context_processors.store",
                "commerce.cart.context_processors.cart",
            ],
        },
    },
]

# Database: DATABASE_URL (any PostgreSQL 15+), else the embedded server under var/postgres/.
# DATABASE_URL is the runtime role (not superuser, NOBYPASSRLS, owns nothing); DATABASE_OWNER_URL
# is the role that owns the tables and runs `migrate` (see `manage.py db_roles` and README).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    _owner_url = env("DATABASE_OWNER_URL")
    if _owner_url:
        _owner = dj_database_url.parse(_owner_url)
        DATABASES["default"].update(OWNER_USER=_owner["USER"], OWNER_PASSWORD=_owner["PASSWORD"])
else:
    from config.embedded_postgres import ensure_database, ensure_server

    _server = ensure_server()
    _name = env("MAGPIE_EMBEDDED_DB_NAME", "magpie") or "magpie"
    ensure_database(_server, _name)
    DATABASES = {"default": _server.database_settings(_name)}
    # Keep connections between requests, as with DATABASE_URL: a new backend per request costs more
    # than most pages (the RLS context is per transaction, so nothing leaks between requests).
    DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Magpie needs PostgreSQL: set DATABASE_URL to a postgres:// URL.")
# Every external call has a timeout: connecting to PostgreSQL included (seconds).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "10")))
if env_bool("DATABASE_POOLER_TRANSACTION_MODE", False):
    # A transaction-mode pooler hands each transaction to any server connection: nothing may
    # outlive a transaction (RLS context is transaction-local already).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["commerce.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:detail"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Serve MEDIA_ROOT from Django without DEBUG: only for a single-machine trial (compose.yaml);
# production keeps media on S3-compatible storage.
MAGPIE_SERVE_MEDIA = env_bool("MAGPIE_SERVE_MEDIA", False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible storage (AWS S3, Cloudflare R2, Supabase Storage, MinIO…) through
# django-storages, when a bucket is named. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
# (read by boto3). Settings rather than STORAGES OPTIONS: Wagtail's file clean-up job receives the
# storage's constructor arguments, which must stay JSON.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")  # unset: AWS itself
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME")
AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN")  # a CDN in front of the bucket
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE")  # "path" for most non-AWS servers
AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)  # public-read media: plain URLs
AWS_DEFAULT_ACL = None  # the bucket's policy decides
AWS_S3_FILE_OVERWRITE = False
AWS_S3_CLIENT_CONFIG = BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env("REDIS_URL")
REDIS_TIMEOUT_SECONDS = 5
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }

# Anonymous storefront pages (commerce/core/page_cache.py), shared by every worker: Redis when
# configured, else files under var/cache/pages on this machine. 0 seconds turns the cache off.
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": "pages"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "var" / "cache" / "pages",
    }
)


def _shared_or_in_process(name: str, max_entries: int) -> dict[str, object]:
    """Redis under its own key prefix when configured, else each process's memory."""
    if REDIS_URL:
        return {**CACHES["default"], "KEY_PREFIX": name}
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": name,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


# Rendered fragments keyed by their content (product cards: catalog.selectors.ProductCard.fragment_key),
# so they never need invalidating.
CACHES["fragments"] = _shared_or_in_process("fragments", 20_000)
# Listing facets (catalog/listing.py), keyed by the store's page-cache generation.
CACHES["listings"] = _shared_or_in_process("listings", 5_000)
# Routing answers (commerce/core/page_routing.py: host → Site, path → page, restricted paths), keyed
# by the store generations.
CACHES["routing"] = _shared_or_in_process("routing", 5_000)
MAGPIE_PAGE_CACHE_SECONDS = int(env("MAGPIE_PAGE_CACHE_SECONDS", "300") or 0)
MAGPIE_PAGE_CACHE_VIEWS = ("wagtail_serve", "search")  # never cart, checkout or account views

# Background work: the django_tasks API; RQ through django-rq when Redis is configured.
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The connect timeout rides on the URL (django-rq passes only the URL); RQ sets the read timeout
# of its workers' blocking dequeue itself.
_rq_url = REDIS_URL or "redis://127.0.0.1:6379/0"
if "socket_connect_timeout" not in _rq_url:
    _rq_url += f"{'&' if '?' in _rq_url else '?'}socket_connect_timeout={REDIS_TIMEOUT_SECONDS}"
# ContextQueue stamps each job with the enqueuing request's request id (commerce/core/log_context.py).
RQ_QUEUES = {
    "default": {"URL": _rq_url, "DEFAULT_TIMEOUT": 300, "QUEUE_CLASS": "commerce.core.log_context.ContextQueue"}
}

# Health endpoints (commerce/core/health.py): the per-check details need this bearer token.
MAGPIE_HEALTH_TOKEN = env("MAGPIE_HEALTH_TOKEN")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10") or 10)  # seconds; Django's default is none (wait forever)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Magpie <shop@localhost>")

# Wagtail
WAGTAIL_SITE_NAME = "Magpie"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's PostgreSQL backend with products' index entries written set-based (search/backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backend"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_I18N_ENABLED = False

# What the footer lists under "We accept": the cards Stripe takes for the store, and its gift cards.
MAGPIE_PAYMENT_METHODS = tuple(
    env_list("MAGPIE_PAYMENT_METHODS") or ("Visa", "Mastercard", "American Express", "Discover", "Gift cards")
)

# Payments: Stripe. Without keys, the same code talks to localstripe on loopback (dev and tests).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
LOCALSTRIPE_URL = env("LOCALSTRIPE_URL", "http://127.0.0.1:8420")
if STRIPE_SECRET_KEY:
    STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = env("STRIPE_API_BASE")
    STRIPE_JS_URL = "https://js.stripe.com/v3/"
else:
    STRIPE_SECRET_KEY = "sk_test_localstripe"  # noqa: S105 - localstripe accepts any key
    STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "whsec_localstripe")
    STRIPE_API_BASE = LOCALSTRIPE_URL
    STRIPE_JS_URL = f"{LOCALSTRIPE_URL}/js.stripe.com/v3/"
STRIPE_TIMEOUT_SECONDS = 20.0

# Shipping: Shippo for live rates, labels and tracking when SHIPPO_API_KEY is set (SHIPPO_API_BASE
# only to point the SDK elsewhere); without a key each store's rate tables. MAGPIE_FAKE_SHIPPO=1
# (development) points it at the loopback fake `manage.py fakeshippo` serves (`make run` starts it).
SHIPPO_API_KEY = env("SHIPPO_API_KEY")
SHIPPO_API_BASE = env("SHIPPO_API_BASE")
SHIPPO_WEBHOOK_SECRET = env("SHIPPO_WEBHOOK_SECRET", "")
FAKE_SHIPPO_URL = env("FAKE_SHIPPO_URL", "http://127.0.0.1:8421")
if not SHIPPO_API_KEY and env_bool("MAGPIE_FAKE_SHIPPO", False):
    SHIPPO_API_KEY = "shippo_test_fake"
    SHIPPO_API_BASE = FAKE_SHIPPO_URL
    SHIPPO_WEBHOOK_SECRET = SHIPPO_WEBHOOK_SECRET or "fake-shippo-webhook-secret"
SHIPPO_TIMEOUT_SECONDS = float(env("SHIPPO_TIMEOUT_SECONDS", "4") or 4)
# Live rates are cached per parcel, ship-from and destination; a failed quote is not retried for a minute.
MAGPIE_SHIPPING_RATE_CACHE_SECONDS = int(env("MAGPIE_SHIPPING_RATE_CACHE_SECONDS", "300") or 300)
MAGPIE_SHIPPING_FAILURE_CACHE_SECONDS = 60

# Checkout
MAGPIE_RESERVATION_MINUTES = int(env("MAGPIE_RESERVATION_MINUTES", "15") or 15)
# At most this many units held by one unpaid order (the "stock_hold" throttle bounds how often).
MAGPIE_HOLD_MAX_UNITS = int(env("MAGPIE_HOLD_MAX_UNITS", "50") or 50)
# Which stores a member of staff may act for (None: all); the RLS context carries them.
MAGPIE_STAFF_STORE_IDS = "commerce.stores.staff_scope.staff_store_ids"
# Staff invitations: how long the emailed link works.
MAGPIE_STAFF_INVITATION_DAYS = int(env("MAGPIE_STAFF_INVITATION_DAYS", "7") or 7)
MAGPIE_STALE_CART_DAYS = int(env("MAGPIE_STALE_CART_DAYS", "30") or 30)

# Storefront limits (bad input is bounded, never a 500).
MAGPIE_SEARCH_MAX_QUERY_LENGTH = 200
MAGPIE_MAX_PAGE_NUMBER = 500
# `make bench` only: route the baseline view B (bench/views.py) that pages are measured against.
MAGPIE_BENCH_BASELINE = env_bool("MAGPIE_BENCH_BASELINE", False)

# Logs (config/structured_logging.py): key=value lines here, JSON lines in production
# (MAGPIE_LOG_FORMAT); one line per request from django-structlog, with request_id, user_id and
# duration_ms; jobs carry the request_id of the request that enqueued them.
LOG_LEVEL = env("LOG_LEVEL", "INFO") or "INFO"
LOGGING = logging_config(json=env("MAGPIE_LOG_FORMAT", "console") == "json", level=LOG_LEVEL)
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG  # "request_finished" is the one line
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # client addresses are personal data

# Security
# Wagtail's admin log-in and reset: staff only, reset links on WAGTAILADMIN_BASE_URL.
WAGTAILADMIN_USER_LOGIN_FORM = "commerce.accounts.admin_auth.StaffLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "commerce.accounts.admin_auth.StaffPasswordResetForm"  # noqa: S105
# Behind a proxy that appends the client's address to X-Forwarded-For, rate limits count that
# address (the last hop); leave off when clients reach the app directly (they could forge it).
MAGPIE_TRUST_PROXY_HEADERS = env_bool("MAGPIE_TRUST_PROXY_HEADERS", False)
# Content-Security-Policy (django-csp): the storefront's fixed directives; commerce.core.security
# adds the Stripe.js / Stripe API origins and an absolute MEDIA_URL from the settings above.
# Not sent under /admin/: Wagtail's admin needs inline scripts.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "frame-src": [],
        "connect-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF, UNSAFE_INLINE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}
# Throttles (commerce.core.throttle): scope -> (attempts, sliding window in seconds), counted per
# client IP, per session and, for the authentication scopes, per account (the email tried).
MAGPIE_THROTTLES: dict[str, tuple[int, int]] = {
    "login": (10, 300),  # storefront and admin log-in: one budget per account
    "signup": (5, 3600),
    "password_reset": (5, 3600),  # storefront and admin reset requests
    "discount_code": (10, 600),
    "gift_card": (10, 600),  # balance checks and applying a card in the cart
    "checkout_payment": (20, 600),
    "stock_hold": (5, 3600),  # placing an order that reserves stock, per visitor
    "staff_invitation": (10, 3600),  # accepting a staff invitation (the link's page)
    "api_anon": (600, 60),  # JSON API, per client address
    "api_user": (1200, 60),  # JSON API, per signed-in user
    "api_token": (600, 60),  # JSON API, per API token (integrations)
}
# Where the counters live: Redis (shared by every process) when REDIS_URL is set.
MAGPIE_THROTTLE_STORAGE = REDIS_URL or "memory://"

# The insights assistant (issue 14). With OPENAI_API_KEY it plans with OpenAI tool calling (any
# OpenAI-compatible server via OPENAI_BASE_URL); without, with the built-in offline planner.
OPENAI_API_KEY = env("OPENAI_API_KEY", "") or ""
OPENAI_BASE_URL = env("OPENAI_BASE_URL") or None  # None: the SDK's default (api.openai.com)
OPENAI_MODEL = env("OPENAI_MODEL", "gpt-4o-mini") or "gpt-4o-mini"
INSIGHTS_OPENAI_TIMEOUT_SECONDS = float(env("INSIGHTS_OPENAI_TIMEOUT_SECONDS", "20") or 20)
INSIGHTS_OPENAI_MAX_RETRIES = int(env("INSIGHTS_OPENAI_MAX_RETRIES", "2") or 2)  # on 429, 5xx, timeouts; backoff
INSIGHTS_MAX_TOOL_ROUNDS = int(env("INSIGHTS_MAX_TOOL_ROUNDS", "4") or 4)
INSIGHTS_DAILY_AI_QUESTIONS = int(env("INSIGHTS_DAILY_AI_QUESTIONS", "50") or 50)  # per user; then offline

# JSON API (commerce.api): Django REST Framework with drf-spectacular's OpenAPI 3 schema.
REST_FRAMEWORK = {
    # The session first, so an anonymous caller gets 403 not_authenticated; a Bearer token second.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "commerce.api.authentication.BearerTokenAuthentication",
    ],
    # Token requests need the view's token_scope (commerce.api.permissions); then signed in.
    "DEFAULT_PERMISSION_CLASSES": [
        "commerce.api.permissions.TokenScopePermission",
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["commerce.api.throttling.ApiThrottle"],
    "DEFAULT_PAGINATION_CLASS": "commerce.api.pagination.ApiPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "commerce.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "commerce.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Magpie API",
    "DESCRIPTION": "Storefront and staff JSON API. Errors: {error, message, field, fields[{field, reason}]}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["commerce.api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "commerce.api.schema.positive_path_ids",
    ],
    # Choice sets whose field names other models share (staff endpoints, issue 18).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "commerce.orders.models.OrderStatus",
        "PaymentOutcomeStatusEnum": "commerce.api.serializers.checkout.PAYMENT_OUTCOMES",
        "PaymentStatusEnum": "commerce.orders.models.PaymentStatus",  # an order's payment_status
        "CardPaymentStatusEnum": "commerce.payments.models.Payment.Status",
        "RefundStatusEnum": "commerce.payments.models.Refund.Status",
        "FulfilmentStatusEnum": "commerce.orders.fulfilment_models.Fulfilment.Status",
        "ReturnStatusEnum": "commerce.orders.fulfilment_models.ReturnRequest.Status",
        "ReturnReasonEnum": "commerce.orders.models.ReturnReason",
        "StockAdjustmentReasonEnum": "commerce.inventory.models.AdjustmentReason",
        "StockMovementKindEnum": "commerce.inventory.models.MovementKind",
        "DiscountKindEnum": "commerce.promotions.models.Discount.Kind",
        "DiscountStatusEnum": "commerce.promotions.models.Discount.Status",
        "GiftCardTransactionKindEnum": "commerce.promotions.models.GiftCardTransaction.Kind",
    },
}
