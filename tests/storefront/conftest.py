import pytest

from home.models import HomePage


@pytest.fixture
def home_page(store) -> HomePage:
    return store.site.root_page.specific
