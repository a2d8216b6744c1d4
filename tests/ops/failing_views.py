"""A URLconf with one view that fails, for the Sentry test; everything else is the site's."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def fail(request: HttpRequest) -> HttpResponse:
    email = request.POST.get("email", "")
    raise RuntimeError(f"could not send the receipt to {email}")


urlpatterns = [path("ops-test/fail/", fail), path("", include("config.urls"))]
