"""The demo's Sites carry the port the demo is served on, so absolute links built from them work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from tests.demo.conftest import TEST_IMAGE_SIZE

pytestmark = [pytest.mark.django_db, pytest.mark.storefront]


def seed(port: int) -> None:
    call_command("seed_demo", "--port", str(port), "--image-size", str(TEST_IMAGE_SIZE), stdout=StringIO())


def test_the_stores_sites_carry_the_port_and_follow_a_new_one(seeded, client):
    seed(8000)

    sites = {site.hostname: site for site in Site.objects.all()}
    assert {(s.hostname, s.port) for s in sites.values()} == {("localhost", 8000), ("north.localhost", 8000)}
    home = client.get("/", HTTP_HOST="localhost:8000").content.decode()
    assert '<link rel="canonical" href="http://localhost:8000/">' in home

    seed(8123)  # served elsewhere next time: the same Sites follow, none is added

    assert sorted(Site.objects.values_list("hostname", "port")) == [("localhost", 8123), ("north.localhost", 8123)]


def test_a_port_out_of_range_is_refused(seeded):
    with pytest.raises(Exception, match="--port"):
        seed(70000)


def test_each_store_has_shipping_returns_and_privacy_pages_in_its_footer(seeded, client):
    html = client.get("/", HTTP_HOST="localhost").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    for title in ("Shipping", "Returns and refunds", "Privacy policy"):
        assert f">{title}</a>" in footer
    assert client.get("/returns/", HTTP_HOST="localhost").status_code == 200
