"""The OpenAPI schema, its docs page (local assets, under the storefront's CSP) and the rate limit."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = [pytest.mark.api, pytest.mark.django_db]


def test_schema_is_valid_openapi_3_and_documents_the_error_shape(client, store):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)  # JSON is YAML
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/products/", "/api/v1/products/{id}/", "/api/v1/search/"} <= set(schema["paths"])
    assert not any(path.startswith("/admin/") for path in schema["paths"])
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "message", "field", "fields"}
    products = schema["paths"]["/api/v1/products/"]["get"]
    assert {"200", "400", "404", "429"} <= set(products["responses"])
    bad_input = products["responses"]["400"]["content"]["application/json"]["schema"]
    assert bad_input == {"$ref": "#/components/schemas/Error"}


def test_docs_page_loads_its_assets_locally_under_the_csp(client, store):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "https://" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    # The page's script is a file of ours, not inline: the CSP allows it.
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "<script>" not in html.replace(" ", "")


def test_rate_limited_calls_get_a_429_in_the_error_shape(client, store, settings):
    settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, "api_anon": (2, 60)}
    assert client.get("/api/v1/collections/").status_code == 200
    assert client.get("/api/v1/collections/").status_code == 200
    refused = client.get("/api/v1/collections/")
    assert refused.status_code == 429
    assert refused.json()["error"] == "throttled"
    assert int(refused["Retry-After"]) >= 1
