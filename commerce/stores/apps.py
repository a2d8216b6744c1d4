from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "commerce.stores"
    label = "stores"
    verbose_name = "Stores"

    def ready(self) -> None:
        from .page_scope import install

        install()  # page permissions of staff limited to some stores apply at their stores' roots
