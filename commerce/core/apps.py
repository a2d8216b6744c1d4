from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commerce.core"
    label = "commerce_core"
    verbose_name = "Commerce core"
