from django.http import HttpRequest

from .selectors import store_for_request


def store(request: HttpRequest) -> dict[str, object]:
    return {"store": store_for_request(request)}
