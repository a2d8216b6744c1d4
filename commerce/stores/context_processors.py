from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import store_for_request


def store(request: HttpRequest) -> dict[str, object]:
    """The serving store, resolved only if a template reads it (admin pages never do)."""
    return {
        "store": SimpleLazyObject(lambda: store_for_request(request)),
        "payment_methods": settings.MAGPIE_PAYMENT_METHODS,
    }
