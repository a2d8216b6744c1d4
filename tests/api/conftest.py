import pytest

from tests.catalog.conftest import catalogue, categories  # noqa: F401  (shared catalogue fixtures)


@pytest.fixture
def api(client):
    """A JSON client (the test client; the same middleware stack, RLS included, as a browser)."""
    return client
