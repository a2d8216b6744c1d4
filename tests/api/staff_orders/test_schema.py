"""The staff orders and customers endpoints in the OpenAPI schema: documented, with the refund's key."""

import pytest
import yaml

pytestmark = [pytest.mark.api, pytest.mark.django_db]


def test_the_staff_endpoints_are_documented_with_their_errors(client, store):
    schema = yaml.safe_load(client.get("/api/schema/?format=json").content)
    paths = schema["paths"]

    assert {
        "/api/v1/staff/orders/",
        "/api/v1/staff/orders/{id}/",
        "/api/v1/staff/orders/{id}/fulfil/",
        "/api/v1/staff/orders/{id}/fulfilments/{fulfilment_id}/ship/",
        "/api/v1/staff/orders/{id}/refunds/",
        "/api/v1/staff/orders/{id}/notes/",
        "/api/v1/staff/customers/",
        "/api/v1/staff/customers/{id}/",
    } <= set(paths)
    refund = paths["/api/v1/staff/orders/{id}/refunds/"]["post"]
    assert {"201", "400", "403", "404"} <= set(refund["responses"])
    assert [p["name"] for p in refund["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    listed = {p["name"] for p in paths["/api/v1/staff/orders/"]["get"]["parameters"]}
    assert {"status", "payment_status", "fulfilment", "returns", "store", "created_since", "q", "page"} <= listed
    assert schema["components"]["schemas"]["Payment"]["properties"]["status"] == {
        "$ref": "#/components/schemas/CardPaymentStatusEnum"
    }
