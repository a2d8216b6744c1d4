"""/api/v1/ (the API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from static files)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import (
    account,
    addresses,
    cart,
    catalog,
    checkout,
    staff_customers,
    staff_discounts,
    staff_gift_cards,
    staff_inventory,
    staff_orders,
    staff_token,
)

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

# API tokens (issue 18): the calling token describes itself.
staff_token_urls = [
    path("token/", staff_token.TokenInfoView.as_view(), name="staff_token"),
]

# --- staff: inventory, discounts, gift cards (issue 18, api-staff-catalog) ---
staff_inventory_urls = [
    path("inventory/levels/", staff_inventory.StockLevelsView.as_view(), name="staff_inventory_levels"),
    path("inventory/locations/", staff_inventory.StockLocationsView.as_view(), name="staff_inventory_locations"),
    path("inventory/adjustments/", staff_inventory.StockAdjustmentsView.as_view(), name="staff_inventory_adjustments"),
    path("inventory/transfers/", staff_inventory.StockTransfersView.as_view(), name="staff_inventory_transfers"),
    path(
        "inventory/variants/<int:variant_id>/movements/",
        staff_inventory.VariantMovementsView.as_view(),
        name="staff_inventory_variant_movements",
    ),
]
staff_discounts_urls = [
    path("discounts/", staff_discounts.DiscountsView.as_view(), name="staff_discounts"),
    path("discounts/<int:pk>/", staff_discounts.DiscountView.as_view(), name="staff_discount"),
    path(
        "discounts/<int:pk>/deactivate/",
        staff_discounts.DiscountDeactivateView.as_view(),
        name="staff_discount_deactivate",
    ),
    path("discounts/<int:pk>/publish/", staff_discounts.DiscountPublishView.as_view(), name="staff_discount_publish"),
    path("discounts/<int:pk>/codes/", staff_discounts.DiscountCodesView.as_view(), name="staff_discount_codes"),
    path(
        "discounts/<int:pk>/codes/generate/",
        staff_discounts.DiscountCodesGenerateView.as_view(),
        name="staff_discount_codes_generate",
    ),
    path(
        "discounts/<int:pk>/codes/<int:code_id>/disable/",
        staff_discounts.DiscountCodeDisableView.as_view(),
        name="staff_discount_code_disable",
    ),
    path(
        "discounts/<int:pk>/codes/<int:code_id>/enable/",
        staff_discounts.DiscountCodeEnableView.as_view(),
        name="staff_discount_code_enable",
    ),
]
staff_gift_cards_urls = [
    path("gift-cards/", staff_gift_cards.GiftCardsView.as_view(), name="staff_gift_cards"),
    path("gift-cards/<int:pk>/", staff_gift_cards.GiftCardView.as_view(), name="staff_gift_card"),
    path(
        "gift-cards/<int:pk>/disable/", staff_gift_cards.GiftCardDisableView.as_view(), name="staff_gift_card_disable"
    ),
    path("gift-cards/<int:pk>/enable/", staff_gift_cards.GiftCardEnableView.as_view(), name="staff_gift_card_enable"),
    path(
        "gift-cards/<int:pk>/adjustments/",
        staff_gift_cards.GiftCardAdjustmentsView.as_view(),
        name="staff_gift_card_adjustments",
    ),
]
# --- end staff: inventory, discounts, gift cards ---

urlpatterns = [
    path("v1/", include(v1 + checkout_paths)),
    path("v1/staff/", include(staff_token_urls)),
    path("v1/staff/", include(staff_inventory_urls)),
    path("v1/staff/", include(staff_discounts_urls)),
    path("v1/staff/", include(staff_gift_cards_urls)),
    path("v1/staff/", include(staff_orders_urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file (?script), so the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
