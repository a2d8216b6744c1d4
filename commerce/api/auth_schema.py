"""The OpenAPI security schemes: the session cookie (drf-spectacular's own) and the Bearer token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "commerce.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "mgp_<key id>_<secret>",
            "description": "An API token created in the admin (Settings → API tokens), scoped and revocable.",
        }
