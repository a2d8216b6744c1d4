"""Liveness and readiness endpoints for load balancers and container platforms (django-health-check).

``/health/live/`` says the process answers (no dependency is touched: a database outage must not
make the platform restart every web process). ``/health/ready/`` runs django-health-check's
database, cache and storage checks plus the background-job queue, answering 200 or 503.

Both are served by ``HealthCheckMiddleware``, first in ``MIDDLEWARE``: before the host check
(probes use the container's address), the HTTPS redirect (probes speak plain HTTP inside the
platform) and the row-level-security middleware (which opens a transaction, so a stopped database
would otherwise be a 500 rather than a 503). Anonymous callers see only ``{"status": ...}``; the
per-check details need ``Authorization: Bearer $MAGPIE_HEALTH_TOKEN``.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/health/live/"
READINESS_PATH = "/health/ready/"
RQ_BACKEND = "django_tasks_rq.RQBackend"


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The Redis behind the background-job queue answers (nothing to check when jobs run in-process)."""

    queue: str = "default"

    def run(self) -> None:
        if settings.TASKS["default"]["BACKEND"] != RQ_BACKEND:
            return
        import django_rq
        from redis.exceptions import RedisError

        try:
            django_rq.get_connection(self.queue).ping()
        except RedisError as exc:
            # The message names the host; the check's class name is all a caller learns.
            raise ServiceUnavailable("queue unreachable") from exc


class ReadinessView(HealthCheckView):
    checks = (Database, Cache, Storage, TaskQueue)
    show_details = False

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        healthy = not any(result.error for result in self.results)
        if self.show_details:
            response.status_code = 200 if healthy else 503
            return response
        return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)


_public_readiness = ReadinessView.as_view()
_detailed_readiness = ReadinessView.as_view(show_details=True)


def may_see_details(request: HttpRequest) -> bool:
    token = getattr(settings, "MAGPIE_HEALTH_TOKEN", None)
    if not token:
        return False
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(supplied.encode(), token.encode())


def liveness(request: HttpRequest) -> HttpResponse:
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


def readiness(request: HttpRequest) -> HttpResponse:
    view = _detailed_readiness if may_see_details(request) else _public_readiness
    response = async_to_sync(view)(request)
    if response.status_code != 200:
        logger.warning("readiness check failed", extra={"status_code": response.status_code})
    return response


ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    LIVENESS_PATH: liveness,
    READINESS_PATH: readiness,
}


class HealthCheckMiddleware:
    """Answers the two health paths (GET/HEAD) before anything else runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return endpoint(request)
