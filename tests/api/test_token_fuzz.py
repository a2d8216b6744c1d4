"""schemathesis with a Bearer token: every operation, called with a valid token of every scope and
with a bad one, answers as documented (401, 403 ``token_not_allowed``, 200 ...) and never 5xx.
Bounded like ``test_fuzz.py``."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from commerce.accounts.roles import OWNER
from commerce.api.scopes import ALL_SCOPES
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.api, pytest.mark.django_db]

BOUND = settings(
    max_examples=2,
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture
def token_api_schema(store):
    """The live schema through the app; the test's transaction survives each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(store, settings, member, issue_token) -> dict[str, dict[str, str]]:
    for scope in ("api_anon", "api_user", "api_token", "gift_card", "discount_code"):
        settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, scope: (100_000, 60)}
    ProductPageFactory(store=store, title="Fuzzed", price="9.00")
    _, secret = issue_token(member(OWNER), scopes=ALL_SCOPES)
    return {
        "token": {"Authorization": f"Bearer {secret}"},
        "bad token": {"Authorization": "Bearer mgp_000000000000_not-a-real-secret"},
    }


def test_token_callers_get_documented_answers_and_never_a_5xx(token_api_schema, token_headers):
    operations = [result.ok() for result in token_api_schema.get_all_operations()]
    assert any(op.path == "/api/v1/staff/token/" for op in operations)
    for operation in operations:

        @BOUND
        @given(case=operation.as_strategy())
        def check(case):
            for headers in token_headers.values():
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
