from django.urls import path
from wagtail import hooks

from .admin_views import order_review


@hooks.register("register_admin_urls")
def checkout_admin_urls() -> list:
    return [path("orders/<int:order_id>/review/", order_review, name="checkout_order_review")]
