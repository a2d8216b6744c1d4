"""The baseline view B: a Django view doing one primary-key query, on the same middleware stack as
the storefront. Routed only when ``MAGPIE_BENCH_BASELINE`` is on (``config/urls.py``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from wagtail.models import Site


def baseline(request: HttpRequest, site_id: int) -> HttpResponse:
    """One SELECT of a Site by primary key and a short plain-text answer."""
    hostname = Site.objects.filter(pk=site_id).values_list("hostname", flat=True).first()
    if hostname is None:
        raise Http404("No such site.")
    return HttpResponse(f"baseline {hostname}\n", content_type="text/plain")
