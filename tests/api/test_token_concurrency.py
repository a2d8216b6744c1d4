"""Parallel requests with one token, in real threads on their own connections: ``last_used_at`` is
written once, and a token revoked while in use is revoked once."""

from __future__ import annotations

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from commerce.accounts.roles import MANAGER
from commerce.api.models import ApiToken
from commerce.api.tokens import api_token_revoke, api_token_touch
from tests.threads import run_together

pytestmark = [pytest.mark.api, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_parallel_requests_record_the_last_use_once(issue_token, member, store):
    token, _ = issue_token(member(MANAGER))
    now = timezone.now()
    # each request loaded the token before any of them wrote
    copies = [ApiToken.objects.get(pk=token.pk) for _ in range(4)]

    results = run_together([lambda copy=copy: api_token_touch(token=copy, now=now) for copy in copies], atomic=True)

    assert sorted(results) == [False, False, False, True]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now


def test_revoking_twice_at_once_revokes_and_logs_once(issue_token, member, store):
    manager = member(MANAGER)
    token, _ = issue_token(manager)

    results = run_together([lambda: api_token_revoke(token=token, actor=manager) for _ in range(2)])

    assert all(isinstance(result, ApiToken) for result in results), results
    assert len({result.revoked_at for result in results}) == 1
    revokes = ModelLogEntry.objects.filter(object_id=str(token.pk), action="magpie.api_token.revoke")
    assert revokes.count() == 1
