from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "commerce.stores"
    label = "stores"
    verbose_name = "Stores"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Store
        from .page_scope import install
        from .selectors import store_changed

        install()  # page permissions of staff limited to some stores apply at their stores' roots
        post_save.connect(store_changed, sender=Store, dispatch_uid="magpie_store_saved")
        post_delete.connect(store_changed, sender=Store, dispatch_uid="magpie_store_deleted")
