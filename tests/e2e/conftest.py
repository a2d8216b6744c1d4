"""The demo shop seeded once a run (then restored from a database snapshot for each test that
uses it), committed so the live server's thread sees it and flushed after each test; real Chromium
(Debian's), one browser per module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from tests.db_snapshot import snapshot_drop, snapshot_restore, snapshot_take  # also remembers connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
WIDTHS = (320, 375, 1440)
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("MAGPIE_REQUIRE_BROWSER"),
    reason="needs Debian's chromium (.ci/run installs it)",
)


@dataclass(frozen=True)
class DemoShop:
    base_url: str
    pages: dict[str, str]  # page type → path on the main store


@pytest.fixture(scope="session")
def _demo_shop_store(tmp_path_factory) -> Iterator[dict]:
    """What survives between the tests of a run: the database snapshot taken after the first
    ``seed_demo`` and the media folder its images were written to."""
    kept = {"media": tmp_path_factory.mktemp("demo-shop-media"), "snapshot": None}
    yield kept
    if kept["snapshot"] is not None:
        snapshot_drop(kept["snapshot"])


@pytest.fixture
def demo_shop(transactional_db, live_server, settings, _demo_shop_store) -> DemoShop:
    """``seed_demo --port <live server's port>``, committed (the live server's thread must see it; a
    test using the live server is a transactional one, flushed afterwards); one path per page type.

    Seeded once a run: the first test seeds and snapshots the database (tests/db_snapshot.py);
    every later one gets the same freshly seeded shop back from the snapshot in seconds, whatever
    the tests before it changed. The images stay in one media folder for the run."""
    from commerce.catalog.models import CollectionPage, ProductPage
    from commerce.core.rls import system_context
    from home.models import ContentPage
    from tests.conftest import ensure_wagtail_roots

    port = urlsplit(live_server.url).port
    settings.MEDIA_ROOT = _demo_shop_store["media"]
    if _demo_shop_store["snapshot"] is None:
        ensure_wagtail_roots()
        call_command("seed_demo", "--port", str(port), "--image-size", "320", stdout=StringIO())
        _demo_shop_store["snapshot"] = snapshot_take(label="demo_shop")
    else:
        snapshot_restore(_demo_shop_store["snapshot"])
    Site.clear_site_root_paths_cache()
    site = Site.objects.get(is_default_site=True)
    with system_context("test"):
        in_store = Page.objects.get(pk=site.root_page_id)
        product = (
            ProductPage.objects.live().descendant_of(in_store).filter(variants__stock_levels__on_hand__gt=5).first()
        )
        pages = {
            "home": "/",
            "shop": "/shop/",
            "collection": CollectionPage.objects.live().descendant_of(in_store).first().relative_url(site),
            "product": product.relative_url(site),
            "content": ContentPage.objects.live().descendant_of(in_store).first().relative_url(site),
        }
    return DemoShop(base_url=f"http://localhost:{port}", pages=pages)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# The staff journeys' people: real roles through the role groups, never superusers.
JOURNEY_PASSWORD = "journey-password-123"


@pytest.fixture
def journey_marketer(demo_shop, django_user_model):
    """A Marketer limited to the demo's main store, committed so the live server sees it."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from commerce.accounts.models import StaffProfile
    from commerce.accounts.roles import MARKETER, role_groups_sync
    from commerce.stores.models import Store

    role_groups_sync(apps)
    store = Store.objects.get(site=Site.objects.get(is_default_site=True))
    user = django_user_model.objects.create_user(email="maya@example.com", password=JOURNEY_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=MARKETER))
    StaffProfile.objects.create(user=user, all_stores=False).stores.add(store)
    return user
