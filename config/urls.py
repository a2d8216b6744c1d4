from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.urls import password_reset as wagtail_password_reset_urls
from wagtail.admin.views import account as wagtail_account
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from commerce.core.rls import runs_as_system
from commerce.core.throttle import throttled
from commerce.people import views as people_views
from commerce.stores.admin_scope import ScopedLogEntriesView
from home import views as home_views
from search import views as search_views

# Wagtail's admin password reset finds the account by email before anyone is signed in: its views
# run under the named "password_reset" system context (see commerce/core/rls), and the request
# form shares the storefront's "password_reset" throttle. Django's own admin is not mounted:
# Wagtail's admin is the only back office.
_RESET_THROTTLE = throttled("password_reset", account_field="email")
_admin_password_reset = [
    path(
        str(p.pattern),
        runs_as_system("password_reset")(
            _RESET_THROTTLE(p.callback) if p.name == "wagtailadmin_password_reset" else p.callback
        ),
        name=p.name,
    )
    for p in wagtail_password_reset_urls.urlpatterns
]

urlpatterns = [
    # Wagtail's log-in, behind the storefront's "login" throttle (one budget per account for both).
    path("admin/login/", throttled("login", account_field="username")(wagtail_account.LoginView.as_view())),
    # Wagtail's site history, without other stores' objects for staff limited to some stores.
    path("admin/reports/site-history/", ScopedLogEntriesView.as_view()),
    path("admin/reports/site-history/results/", ScopedLogEntriesView.as_view(results_only=True)),
    path("admin/password_reset/", include(_admin_password_reset)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("api/", include("commerce.api.urls")),
    path("", include("commerce.orders.urls")),
    path("", include("commerce.payments.urls")),
    path("", include("commerce.shipping.urls")),
    path("cart/", include("commerce.cart.urls")),
    path("checkout/", include("commerce.checkout.urls")),
    path("gift-cards/", include("commerce.promotions.urls")),
    path("account/", include("commerce.accounts.urls")),
    path("staff/invitation/<str:token>/", people_views.invitation_accept_view, name="staff_invitation_accept"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.MAGPIE_SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

if settings.MAGPIE_BENCH_BASELINE:  # the benchmark's baseline view B (bench/), never on otherwise
    from bench.views import baseline

    urlpatterns += [path("bench/baseline/<int:site_id>/", baseline, name="bench_baseline")]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
