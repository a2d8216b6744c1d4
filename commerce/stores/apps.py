from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "commerce.stores"
    label = "stores"
    verbose_name = "Stores"
