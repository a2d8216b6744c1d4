"""Publish is the product editor's main action for a marketer (who may publish); someone without
publish permission keeps Save draft and Submit for moderation (issue 17)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


def footer_names(html: str) -> list[str]:
    return re.findall(r'name="(action-[a-z-]+)"', html)


def test_publish_is_the_main_action_for_a_marketer(marketer_client, store):
    product = ProductPageFactory(store=store, title="Wool hat")
    html = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[product.pk])).content.decode()
    footer = html[html.index('<footer class="footer') :]
    # the main button is rendered first, the dropdown's items (Save draft among them) after it
    assert footer.index('name="action-publish"') < footer.index('class="button action-save')


def test_without_publish_permission_save_draft_and_moderation_remain(client, django_user_model, store):
    product = ProductPageFactory(store=store, title="Wool hat")
    junior = Group.objects.create(name="Junior editor")
    junior.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=junior, page=Page.objects.get(depth=1), permission=Permission.objects.get(codename=codename)
        )
    user = django_user_model.objects.create_user(email="junior@example.com", password="x" * 12, is_staff=True)
    user.groups.add(junior)
    client.force_login(user)

    names = footer_names(client.get(reverse("wagtailadmin_pages:edit", args=[product.pk])).content.decode())

    assert "action-publish" not in names
    assert "action-submit" in names
