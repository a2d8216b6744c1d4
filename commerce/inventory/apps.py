from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "commerce.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from . import invalidation

        invalidation.connect()
