from django.urls import path

from . import views

app_name = "gift_cards"

urlpatterns = [
    path("balance/", views.balance_check, name="balance"),
]
