from django.http import HttpRequest

from commerce.stores.selectors import store_for_request

from .session import session_count


def cart(request: HttpRequest) -> dict[str, int]:
    return {"cart_count": session_count(request, store_for_request(request))}
