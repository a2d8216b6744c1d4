from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("account/orders/", views.order_history, name="history"),
    path("account/orders/<str:number>/", views.order_detail, name="detail"),
    path("account/orders/<str:number>/return/", views.order_return_request, name="return_request"),
    path("orders/view/<str:token>/", views.guest_order_detail, name="guest_detail"),
    path("account/signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("account/verify-email/<str:token>/", views.verify_email, name="verify_email"),
]
