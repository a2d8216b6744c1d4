"""drf-spectacular's AutoSchema, with the one error shape documented on every operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

from .errors import ErrorSerializer
from .permissions import TokenScopePermission

ERROR_DESCRIPTIONS = {
    "400": "Bad input: the body names the field and the reason.",
    "401": "Not signed in, or the token is unknown, revoked or expired.",
    "403": "Signed in, but not allowed (role, store or token scope).",
    "404": "No such object, or not one you may see.",
    "405": "Method not allowed.",
    "406": "Unacceptable Accept header.",
    "415": "Unsupported media type.",
    "429": "Too many requests; see Retry-After.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        # Any call may carry a Bearer token, and a bad one is a 401 wherever it is sent.
        codes = ["400", "401", "404", "405", "406", "429"]
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes.append("415")
        # a tuple, not AllowAny | ...: DRF overloads | on permission classes
        public = all(isinstance(p, (AllowAny, TokenScopePermission)) for p in self.view.get_permissions())
        if not public or self.method not in ("GET", "HEAD"):
            codes.append("403")
        for code in codes:
            if code not in bodies:
                bodies[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                bodies[code]["description"] = ERROR_DESCRIPTIONS[code]
        return bodies


def only_api_v1(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Document /api/v1/ only (Wagtail's admin API is DRF too, and not ours to publish)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def positive_path_ids(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Integer ids in paths are positive: a URL with ``-5`` or ``abc`` there matches no API route
    (it falls through to the page tree), so the schema says which values the routes take."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()) if isinstance(operation, dict) else ():
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 1)
                    schema.setdefault("maximum", 2**63 - 1)
    return result
