"""/api/v1/ (the API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from static files)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import account, addresses, cart, catalog, checkout

app_name = "api"

v1 = [
    path("products/", catalog.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", catalog.ProductDetailView.as_view(), name="product"),
    path("collections/", catalog.CollectionListView.as_view(), name="collections"),
    path("collections/<int:pk>/products/", catalog.CollectionProductsView.as_view(), name="collection_products"),
    path("search/", catalog.SearchView.as_view(), name="search"),
    path("me/orders/", account.MyOrdersView.as_view(), name="my_orders"),
    path("me/orders/<str:number>/", account.MyOrderView.as_view(), name="my_order"),
    path("cart/", cart.CartView.as_view(), name="cart"),
    path("cart/lines/", cart.CartLinesView.as_view(), name="cart_lines"),
    path("cart/lines/<int:pk>/", cart.CartLineView.as_view(), name="cart_line"),
    path("cart/discount-codes/", cart.DiscountCodesView.as_view(), name="cart_discount_codes"),
    path("cart/discount-codes/<str:code>/", cart.DiscountCodeView.as_view(), name="cart_discount_code"),
    path("cart/gift-cards/", cart.GiftCardsView.as_view(), name="cart_gift_cards"),
    path("cart/gift-cards/<int:pk>/", cart.GiftCardView.as_view(), name="cart_gift_card"),
]

# Checkout of the session's cart, and the customer's address book writes (issue 18, api-checkout).
checkout_paths = [
    path("checkout/", checkout.CheckoutView.as_view(), name="checkout"),
    path("checkout/contact/", checkout.ContactView.as_view(), name="checkout_contact"),
    path("checkout/shipping-address/", checkout.ShippingAddressView.as_view(), name="checkout_shipping_address"),
    path("checkout/shipping-rates/", checkout.ShippingRatesView.as_view(), name="checkout_shipping_rates"),
    path("checkout/shipping-method/", checkout.ShippingMethodView.as_view(), name="checkout_shipping_method"),
    path("checkout/payment/setup/", checkout.PaymentSetupView.as_view(), name="checkout_payment_setup"),
    path("checkout/payment/pay/", checkout.PaymentPayView.as_view(), name="checkout_payment_pay"),
    path("checkout/payment/confirm/", checkout.PaymentConfirmView.as_view(), name="checkout_payment_confirm"),
    path("me/addresses/", addresses.MyAddressesView.as_view(), name="my_addresses"),
    path("me/addresses/<int:pk>/", addresses.MyAddressView.as_view(), name="my_address"),
    path("me/addresses/<int:pk>/default/", addresses.MyDefaultAddressView.as_view(), name="my_address_default"),
]

urlpatterns = [
    path("v1/", include(v1 + checkout_paths)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file (?script), so the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
