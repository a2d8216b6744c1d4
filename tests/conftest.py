import contextlib

import pytest
from wagtail.models import Site

from commerce.catalog.models import ProductIndexPage
from tests.factories import StoreFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters, routing answers and other cached state never carry over from one test to the next."""
    from django.core.cache import cache, caches

    from commerce.core.page_routing import ROUTING_CACHE
    from commerce.core.throttle import throttle_reset

    for kept in (cache, caches[ROUTING_CACHE]):
        kept.clear()
    throttle_reset()
    yield
    for kept in (cache, caches[ROUTING_CACHE]):
        kept.clear()
    throttle_reset()


def ensure_wagtail_roots() -> None:
    """Wagtail's root page and root collection come from data migrations; a transactional test's
    flush removes them, and --reuse-db would carry that into the next run. Put them back."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page), live=True)
        )
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


# The test database is created, migrated and dropped by the owner role; the tests themselves run
# as the runtime role, exactly as the web process does.
_as_owner = contextlib.ExitStack()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from commerce.core.rls.roles import owner_connection

    _as_owner.enter_context(owner_connection())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from commerce.core.rls.roles import owner_connection

    _as_owner.close()
    with django_db_blocker.unblock():
        ensure_wagtail_roots()
    yield
    _as_owner.enter_context(owner_connection())


@pytest.fixture(autouse=True)
def _rls_system_context():
    """Tests arrange their data as the system. Requests made through the test client or a live
    server run under the context the middleware gives them, and entry points (jobs, webhooks,
    commands) are tested with no context at all: see tests/security/test_rls_*.py."""
    from commerce.core.rls import system_context

    with system_context("test"):
        yield


@pytest.fixture
def store(db):
    """The default store: its site answers for 'testserver' and any unknown host."""
    ensure_wagtail_roots()
    # Wagtail's own placeholder site answers for "localhost", the live server's host: remove it so
    # requests reach this store whatever host they use.
    Site.objects.filter(is_default_site=True).delete()
    return StoreFactory(name="Magpie Test Shop", hostname="testserver", is_default_site=True)


@pytest.fixture
def other_store(db):
    ensure_wagtail_roots()
    return StoreFactory(name="Second Shop", hostname="second.example.com", currency="EUR")


@pytest.fixture
def shop_index(store):
    return ProductIndexPage.objects.child_of(store.site.root_page).get()


@pytest.fixture(scope="session")
def localstripe_url():
    from tests.localstripe import start_localstripe

    process, url = start_localstripe()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_gateway(settings, localstripe_url):
    """The real Stripe SDK pointed at localstripe on loopback."""
    from commerce.payments.gateway import _build

    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    _build.cache_clear()
    yield localstripe_url
    _build.cache_clear()


SHIPPO_WEBHOOK_SECRET = "test-shippo-hook-secret"


@pytest.fixture(scope="session")
def fake_shippo_server():
    """A fake Shippo API on loopback (commerce/shipping/fake_shippo.py), started once per run."""
    from commerce.shipping.fake_shippo import FakeShippo

    server = FakeShippo().start()
    yield server
    server.stop()


@pytest.fixture
def fake_shippo(fake_shippo_server, settings):
    """The fake, emptied, with this process's Shippo settings pointing at it (1 s timeout): the real
    ``shippo`` SDK talks to it, so checkouts get live carrier rates."""
    from commerce.shipping.provider import _build

    fake_shippo_server.reset()
    settings.SHIPPO_API_KEY = "shippo_test_key"
    settings.SHIPPO_API_BASE = fake_shippo_server.url
    settings.SHIPPO_TIMEOUT_SECONDS = 1.0
    settings.SHIPPO_WEBHOOK_SECRET = SHIPPO_WEBHOOK_SECRET
    _build.cache_clear()
    yield fake_shippo_server
    fake_shippo_server.reset()
    _build.cache_clear()
