import pytest
from wagtail.models import Site

from commerce.catalog.models import ProductIndexPage

from tests.factories import StoreFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def store(db):
    """The default store: its site answers for 'testserver' and any unknown host."""
    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    return StoreFactory(name="Magpie Test Shop", hostname="testserver", is_default_site=True)


@pytest.fixture
def other_store(db):
    return StoreFactory(name="Second Shop", hostname="second.example.com", currency="EUR")


@pytest.fixture
def shop_index(store):
    return ProductIndexPage.objects.child_of(store.site.root_page).get()
