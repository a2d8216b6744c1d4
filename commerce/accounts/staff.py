"""Who is staff, in one place: a user is staff exactly when they are a superuser or belong to a
group that opens the admin (the four roles do; so does any group an owner makes with "Can access
Wagtail admin"). Every screen that changes someone's groups — Wagtail's Users screen, the staff
invitation — ends in :func:`staff_access_apply`, which keeps ``is_staff`` (what the log-in form and
the RLS context read) and the ``StaffProfile`` (which stores they act for) in step, and writes
Wagtail's audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.log_actions import log

from commerce.core.locking import locked

from .models import StaffProfile, User
from .roles import ACCESS_ADMIN

# action → (label in the site history, message); registered by ``wagtail_hooks``.
STAFF_ACTIONS: dict[str, tuple[str, str]] = {
    "magpie.staff.access": ("Change staff access", "Staff roles, stores or status changed"),
    "magpie.staff.invite": ("Invite staff", "Staff invited"),
    "magpie.staff.invitation_accepted": ("Accept staff invitation", "Staff invitation accepted"),
    "magpie.customer.export": ("Export customer data", "Customer data exported"),
    "magpie.customer.anonymise": ("Anonymise customer", "Customer anonymised"),
    "magpie.customer.note": ("Add customer note", "Customer note added"),
}

ALL_STORES = None  # a store choice of "every store"


def staff_groups() -> Any:
    """The groups that make their members staff (those granting access to the admin)."""
    app_label, codename = ACCESS_ADMIN.split(".")
    return Group.objects.filter(permissions__content_type__app_label=app_label, permissions__codename=codename)


def has_staff_role(user: User) -> bool:
    return bool(user.is_superuser or staff_groups().filter(pk__in=user.groups.all()).exists())


def staff_store_choice(user: User) -> list[int] | None:
    """The stores ``user`` acts for as the profile says: ``None`` for every store."""
    profile = StaffProfile.objects.filter(user=user).prefetch_related("stores").first()
    if profile is None or profile.all_stores:
        return ALL_STORES
    return sorted(store.pk for store in profile.stores.all())


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "stores": staff_store_choice(user) if user.is_staff else [],
    }


@transaction.atomic
def staff_access_apply(
    *,
    user: User,
    actor: Any,
    groups: Iterable[Group] | None = None,
    store_ids: Iterable[int] | None = ALL_STORES,
    keep_stores: bool = False,
    before: dict[str, Any] | None = None,
) -> User:
    """Make ``user``'s staff status follow their groups and record which stores they act for.

    ``groups``: the new groups (``None``: keep the ones already saved, e.g. by a ModelForm's
    ``save_m2m``). ``store_ids``: the stores they act for; ``None`` or empty means every store;
    ``keep_stores`` leaves the profile as it is. ``before``: the snapshot taken before the caller
    changed anything, for the audit entry. Writes one ``magpie.staff.access`` entry when anything
    changed.
    """
    locked(User.objects.filter(pk=user.pk)).values_list("pk", flat=True).first()
    before = before or _snapshot(user)
    if groups is not None:
        user.groups.set(groups)
    is_staff = has_staff_role(user)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    if not is_staff:
        StaffProfile.objects.filter(user=user).delete()
    elif not keep_stores:
        chosen = sorted(set(store_ids or ()))
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.all_stores = not chosen
        profile.save(update_fields=["all_stores"])
        profile.stores.set(chosen)
    after = _snapshot(user)
    if after != before:
        log(
            instance=user,
            action="magpie.staff.access",
            user=actor if getattr(actor, "is_authenticated", False) else None,
            data={"email": user.email, "before": before, "after": after},
        )
    return user


def staff_access_snapshot(user: User) -> dict[str, Any]:
    """What :func:`staff_access_apply` compares against; take it before changing a user."""
    if user.pk is None:
        return {"roles": [], "is_staff": False, "is_active": user.is_active, "stores": []}
    return _snapshot(user)
