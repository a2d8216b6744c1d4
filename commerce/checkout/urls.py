from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("", views.start, name="start"),
    path("contact/", views.contact, name="contact"),
    path("address/", views.address, name="address"),
    path("shipping/", views.shipping, name="shipping"),
    path("review/", views.review, name="review"),
    path("payment/", views.payment, name="payment"),
    path("payment/confirm/", views.confirm, name="confirm"),
    path("thank-you/<str:token>/", views.thank_you, name="thank_you"),
]
