from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/", views.cart_add, name="add"),
    path("lines/<int:line_id>/", views.cart_update, name="update"),
    path("lines/<int:line_id>/remove/", views.cart_remove, name="remove"),
    path("discount/", views.discount_apply, name="discount_apply"),
    path("discount/remove/", views.discount_remove, name="discount_remove"),
    path("gift-card/", views.gift_card_apply, name="gift_card_apply"),
    path("gift-card/<int:gift_card_id>/remove/", views.gift_card_remove, name="gift_card_remove"),
]
