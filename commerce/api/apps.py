from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commerce.api"
    label = "api"
    verbose_name = "JSON API"
