"""A request reads each store-generation counter from the shared cache once (issue 15): the page's
caches then agree on one snapshot, a bump the request makes itself is seen at once, and outside a
request every read goes to the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from commerce.core import page_cache
from commerce.core.page_cache import (
    CACHE_ALIAS,
    generations_snapshot_end,
    generations_snapshot_start,
    page_cache_invalidate,
    store_generation,
)

pytestmark = pytest.mark.caching

SITE_ID = 424242


def another_process_bumps(site_id: int) -> None:
    """What another worker's publish does: the shared counter moves, this process is not told."""
    caches[CACHE_ALIAS].incr(page_cache._site_generation_key(site_id))


def test_a_request_keeps_one_snapshot_of_the_generations_and_sees_its_own_bump():
    generations_snapshot_start()
    try:
        first = store_generation(SITE_ID)
        another_process_bumps(SITE_ID)
        assert store_generation(SITE_ID) == first

        page_cache_invalidate(reason="test", site_ids=[SITE_ID])
        after_own_bump = store_generation(SITE_ID)
    finally:
        generations_snapshot_end()

    assert after_own_bump != first
    assert store_generation(SITE_ID) == after_own_bump


def test_outside_a_request_every_read_goes_to_the_shared_cache():
    first = store_generation(SITE_ID)

    another_process_bumps(SITE_ID)

    assert store_generation(SITE_ID) != first


@pytest.mark.django_db
def test_a_served_request_leaves_no_snapshot_behind(client, store):
    """The snapshot starts and ends with each request (``request_started``/``request_finished``)."""
    assert client.get("/").status_code == 200
    seen = store_generation(store.site_id)

    another_process_bumps(store.site_id)

    assert store_generation(store.site_id) != seen
