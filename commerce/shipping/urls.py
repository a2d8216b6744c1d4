from django.urls import path

from . import views

app_name = "shipping"

urlpatterns = [
    path("shipping/shippo/webhook/", views.shippo_webhook, name="shippo_webhook"),
]
