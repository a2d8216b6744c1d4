"""The demo is seeded once per module (it publishes ~80 pages and ~140 images) inside a transaction that
is rolled back when the module ends; every test runs in its own savepoint on top of it."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Site

TEST_IMAGE_SIZE = 48


@pytest.fixture(scope="module")
def demo_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media_root: Path) -> None:
    """Overrides the suite's per-test media root: the module's seeded images must stay readable."""
    settings.MEDIA_ROOT = demo_media_root


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media_root: Path) -> Iterator[str]:
    """The output of a first ``seed_demo`` run; the data lives until the end of the module."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media_root):
        with transaction.atomic():
            output = StringIO()
            call_command("seed_demo", "--image-size", str(TEST_IMAGE_SIZE), stdout=output)
            yield output.getvalue()
            transaction.set_rollback(True)
        Site.clear_site_root_paths_cache()  # the rollback sends no signal to clear Wagtail's cached site roots
