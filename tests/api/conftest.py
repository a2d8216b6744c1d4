import pytest

from tests.api.staff_catalog_fixtures import role_groups, staff_client  # noqa: F401  (staff callers)
from tests.catalog.conftest import catalogue, categories  # noqa: F401  (shared catalogue fixtures)


@pytest.fixture
def api(client):
    """A JSON client (the test client; the same middleware stack, RLS included, as a browser)."""
    return client
