"""The test suite: fast hashing, in-memory mail, tasks run immediately."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105 - the test settings never serve traffic
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
# The page cache is off by default (tests read pages right after changing data); the caching tests
# turn it on with the in-process cache.
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
MAGPIE_PAGE_CACHE_SECONDS = 0
# The insights assistant plans offline unless a test points it at its loopback fake OpenAI server.
OPENAI_API_KEY = ""
OPENAI_BASE_URL = None
# Listing facets follow the store's generation, bumped after commit: tests that publish without
# running commit callbacks would read old facets, so only the tests of that cache turn it on.
CACHES["listings"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# Routing answers (commerce/core/page_routing.py) are kept as in production, in this process's memory,
# and emptied between tests (tests/conftest.py); a test's changes reach them through commit callbacks.
CACHES["routing"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "routing"}
