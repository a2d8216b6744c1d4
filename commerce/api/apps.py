from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commerce.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from . import auth_schema  # noqa: F401  (registers the Bearer scheme with drf-spectacular)
