import pytest

from tests.api.staff_catalog_fixtures import role_groups, staff_client  # noqa: F401  (staff callers)
from tests.catalog.conftest import catalogue, categories  # noqa: F401  (shared catalogue fixtures)


@pytest.fixture
def api(client):
    """A JSON client (the test client; the same middleware stack, RLS included, as a browser)."""
    return client


# API tokens (issue 18): staff in their roles (tests/people's builders) with the token permission,
# and tokens issued through the service.
from tests.people.conftest import member, roles  # noqa: E402, F401


@pytest.fixture
def token_roles(roles) -> None:  # noqa: F811 - the imported fixture
    """The role groups with ``api.manage_apitoken`` (Owners, Managers), as the migration leaves them."""
    from django.apps import apps

    from commerce.api.roles import token_permissions_grant

    token_permissions_grant(apps)


@pytest.fixture
def issue_token(token_roles):
    """``issue_token(user, scopes=[...], stores=[...] or None, **kwargs)`` → ``(token, secret)``."""
    from commerce.api.tokens import api_token_issue

    def issue(user, *, scopes=("orders:read",), stores=None, name="ERP sync", **kwargs):
        issued = api_token_issue(
            owner=user,
            name=name,
            scopes=list(scopes),
            store_ids=None if stores is None else [store.pk for store in stores],
            actor=user,
            **kwargs,
        )
        return issued.token, issued.secret

    return issue


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
