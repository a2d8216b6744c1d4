"""Registrations only: the screens live in ``gift_card_admin.py`` and ``admin_views.py``."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import DiscountViewSetGroup, discount_admin_urls
from .gift_card_admin import register_gift_card_admin

# --- Gift cards ---------------------------------------------------------------------------------
register_gift_card_admin()


# --- Discounts: discounts and their codes as snippets; generating codes, downloading them as CSV -
register_snippet(DiscountViewSetGroup)
hooks.register("register_admin_urls", discount_admin_urls)
