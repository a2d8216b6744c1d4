"""/api/v1/ (the API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from static files)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import account, cart, catalog, staff_customers, staff_orders

app_name = "api"

v1 = [
    path("products/", catalog.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", catalog.ProductDetailView.as_view(), name="product"),
    path("collections/", catalog.CollectionListView.as_view(), name="collections"),
    path("collections/<int:pk>/products/", catalog.CollectionProductsView.as_view(), name="collection_products"),
    path("search/", catalog.SearchView.as_view(), name="search"),
    path("me/orders/", account.MyOrdersView.as_view(), name="my_orders"),
    path("me/orders/<str:number>/", account.MyOrderView.as_view(), name="my_order"),
    path("me/addresses/", account.MyAddressesView.as_view(), name="my_addresses"),
    path("cart/", cart.CartView.as_view(), name="cart"),
    path("cart/lines/", cart.CartLinesView.as_view(), name="cart_lines"),
    path("cart/lines/<int:pk>/", cart.CartLineView.as_view(), name="cart_line"),
    path("cart/discount-codes/", cart.DiscountCodesView.as_view(), name="cart_discount_codes"),
    path("cart/discount-codes/<str:code>/", cart.DiscountCodeView.as_view(), name="cart_discount_code"),
    path("cart/gift-cards/", cart.GiftCardsView.as_view(), name="cart_gift_cards"),
    path("cart/gift-cards/<int:pk>/", cart.GiftCardView.as_view(), name="cart_gift_card"),
]

# Staff: orders and customers (issue 18, api-staff-orders).
staff_orders_urls = [
    path("orders/", staff_orders.StaffOrderListView.as_view(), name="staff_orders"),
    path("orders/<int:pk>/", staff_orders.StaffOrderDetailView.as_view(), name="staff_order"),
    path("orders/<int:pk>/fulfil/", staff_orders.StaffOrderFulfilView.as_view(), name="staff_order_fulfil"),
    path(
        "orders/<int:pk>/fulfilments/<int:fulfilment_id>/ship/",
        staff_orders.StaffFulfilmentShipView.as_view(),
        name="staff_fulfilment_ship",
    ),
    path("orders/<int:pk>/refunds/", staff_orders.StaffOrderRefundView.as_view(), name="staff_order_refund"),
    path("orders/<int:pk>/notes/", staff_orders.StaffOrderNotesView.as_view(), name="staff_order_notes"),
    path("customers/", staff_customers.StaffCustomerListView.as_view(), name="staff_customers"),
    path("customers/<int:pk>/", staff_customers.StaffCustomerDetailView.as_view(), name="staff_customer"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("v1/staff/", include(staff_orders_urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file (?script), so the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
