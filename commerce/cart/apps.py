from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "commerce.cart"
    label = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .session import merge_visitor_cart

        def on_login(sender, request, user, **kwargs) -> None:
            if request is not None and hasattr(request, "session"):
                merge_visitor_cart(request, user)

        user_logged_in.connect(on_login, dispatch_uid="magpie.cart.merge_on_login", weak=False)
