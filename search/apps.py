from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Storefront search"

    def ready(self) -> None:
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
