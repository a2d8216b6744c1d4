"""Staff and paid orders for the staff orders and customers API tests: the back office's own
fixtures (tests/checkout/conftest.py), so the API is tested with the same roles and orders."""

from tests.checkout.conftest import (  # noqa: F401  (shared fixtures)
    paid_order,
    product,
    ready_checkout,
    roles,
    shipping,
    staff,
    variant,
)
