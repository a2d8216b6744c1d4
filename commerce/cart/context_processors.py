from django.http import HttpRequest
from django.utils.functional import lazy

from commerce.stores.selectors import store_for_request

from .session import session_count


def _count(request: HttpRequest) -> int:
    return session_count(request, store_for_request(request))


# made once: ``lazy`` builds a proxy class on each call, which cost every page about half a millisecond
_lazy_count = lazy(_count, int)


def cart(request: HttpRequest) -> dict[str, object]:
    """The header's item count (kept in the session), computed only if a template shows it."""
    return {"cart_count": _lazy_count(request)}
