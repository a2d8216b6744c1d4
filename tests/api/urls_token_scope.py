"""The project's URLs plus one staff-style view with ``token_scope = "orders"`` that answers with
the order ids its request's RLS context lets raw SQL see (no application check at all), so the
tests prove the scope permission and the token's database context without the staff endpoints."""

from django.db import connection
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns


class VisibleOrders(APIView):
    token_scope = "orders"

    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM orders_order ORDER BY id")
            orders = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT id FROM accounts_address ORDER BY id")
            addresses = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT current_setting('app.role', true), current_setting('app.store_ids', true)")
            role, store_ids = cursor.fetchone()
        return Response({"orders": orders, "addresses": addresses, "role": role, "store_ids": store_ids})

    def post(self, request: Request) -> Response:
        return Response({"written": False})


urlpatterns = [path("__token_scope__/", VisibleOrders.as_view()), *project_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
