"""The project's URLs plus one view that writes a row its visitor's RLS context may not insert."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def refused_write(request: HttpRequest) -> HttpResponse:
    from commerce.orders.models import Order
    from commerce.stores.models import Store

    # An anonymous visitor inserting someone's order: the policies refuse the new row. Like every
    # service, the write has its own transaction (a savepoint under the test's).
    with transaction.atomic():
        Order.objects.create(
            store=Store.objects.get(), number="X1", email="rls@example.com", currency="USD", subtotal=1, total=1
        )
    return HttpResponse("written")


urlpatterns = [path("__rls_refusal__/", refused_write), *project_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
