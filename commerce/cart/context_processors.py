from django.http import HttpRequest
from django.utils.functional import lazy

from commerce.stores.selectors import store_for_request

from .session import session_count


def cart(request: HttpRequest) -> dict[str, object]:
    """The header's item count (kept in the session), computed only if a template shows it."""
    return {"cart_count": lazy(lambda: session_count(request, store_for_request(request)), int)()}
