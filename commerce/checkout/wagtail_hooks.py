from django.urls import path
from wagtail import hooks

from .admin_views import order_cancel_view, order_note_view, order_refund_view, order_review
from .return_admin_views import return_refund_view


@hooks.register("register_admin_urls")
def checkout_admin_urls() -> list:
    return [
        path("orders/<int:order_id>/review/", order_review, name="checkout_order_review"),
        path("orders/<int:order_id>/refund/", order_refund_view, name="checkout_order_refund"),
        path("orders/<int:order_id>/cancel/", order_cancel_view, name="checkout_order_cancel"),
        path("orders/<int:order_id>/notes/", order_note_view, name="checkout_order_note"),
        path(
            "orders/<int:order_id>/returns/<int:return_id>/refund/", return_refund_view, name="checkout_return_refund"
        ),
    ]
