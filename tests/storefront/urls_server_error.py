"""The project's URLs plus one view that fails, to exercise ``handler500`` end to end."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Something failed while rendering.")


urlpatterns = [path("__broken__/", broken_view), *project_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
