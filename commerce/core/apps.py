from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commerce.core"
    label = "commerce_core"
    verbose_name = "Commerce core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import log_context, page_cache, page_routing
        from .rls import checks  # noqa: F401 - registers the database role check
        from .rls.connection import install
        from .rls.receivers import context_after_login, context_after_logout, sync_after_migrate
        from .rls.roles import mark_owner_session
        from .table_stats import sync_after_migrate as table_stats_sync

        connection_created.connect(install, dispatch_uid="magpie_rls_install")
        request_started.connect(page_cache.generations_snapshot_start, dispatch_uid="magpie_generations_start")
        request_finished.connect(page_cache.generations_snapshot_end, dispatch_uid="magpie_generations_end")
        connection_created.connect(mark_owner_session, dispatch_uid="magpie_rls_owner_session")
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="magpie_rls_sync")
        post_migrate.connect(table_stats_sync, sender=self, dispatch_uid="magpie_table_stats_sync")
        # Connected before django.contrib.auth's own receivers (this app is listed first), so the
        # last-login update and the cart merge already run as the user who just signed in.
        user_logged_in.connect(context_after_login, dispatch_uid="magpie_rls_login")
        user_logged_out.connect(context_after_logout, dispatch_uid="magpie_rls_logout")
        log_context.connect()
        page_cache.connect()
        page_routing.connect()
