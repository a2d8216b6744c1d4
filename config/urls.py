from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.urls import password_reset as wagtail_password_reset_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from commerce.core.rls import runs_as_system
from home import views as home_views
from search import views as search_views

# Wagtail's admin password reset finds the account by email before anyone is signed in: its views
# run under the named "password_reset" system context (see commerce/core/rls). Django's own admin
# is not mounted: Wagtail's admin is the only back office.
_admin_password_reset = [
    path(str(p.pattern), runs_as_system("password_reset")(p.callback), name=p.name)
    for p in wagtail_password_reset_urls.urlpatterns
]

urlpatterns = [
    path("admin/password_reset/", include(_admin_password_reset)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("", include("commerce.orders.urls")),
    path("", include("commerce.payments.urls")),
    path("cart/", include("commerce.cart.urls")),
    path("checkout/", include("commerce.checkout.urls")),
    path("gift-cards/", include("commerce.promotions.urls")),
    path("account/", include("commerce.accounts.urls")),
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

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
