"""Issue 9 §1, racing: many simultaneous guesses at one account get exactly the limit through,
on process memory and on the Redis storage production uses (a real Redis on loopback)."""

from __future__ import annotations

import uuid

import pytest

from commerce.core.throttle import _limiter, throttle_hit
from tests.threads import run_together

pytestmark = [pytest.mark.security, pytest.mark.concurrency]


@pytest.fixture(params=["memory://", "redis://127.0.0.1:6379/15"], ids=["memory", "redis"])
def storage(request, settings):
    settings.MAGPIE_THROTTLE_STORAGE = request.param
    settings.MAGPIE_THROTTLES = {"login": (10, 300)}
    _limiter(request.param).storage.reset()
    yield request.param
    _limiter(request.param).storage.reset()


def test_forty_simultaneous_guesses_at_one_account_let_exactly_ten_through(storage):
    account = f"account:owner-{uuid.uuid4()}@example.com"
    calls = [lambda n=n: throttle_hit(scope="login", keys=[f"ip:198.51.100.{n}", account]) for n in range(40)]

    results = run_together(calls)

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(result.allowed for result in results) == 10
    assert {result.retry_after for result in results if not result.allowed} <= set(range(1, 301))
