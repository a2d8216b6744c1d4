"""Staff invitations: an owner invites someone by email with one role and some stores; the emailed
link is single-use, expires after ``MAGPIE_STAFF_INVITATION_DAYS`` and sets the password.

The link carries a random token; the table keeps only its SHA-256, so a leaked table (or backup)
lets nobody in. Accepting locks the invitation row, so two clicks at once accept it once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from commerce.core.exceptions import CommerceError
from commerce.core.rls import runs_as_system

from .models import StaffInvitation, User
from .staff import staff_access_apply, staff_access_snapshot, staff_groups


class InvitationInvalid(CommerceError):
    """The link is unknown, used or expired; ``reason`` says which, for the page."""

    def __init__(self, reason: str) -> None:
        messages = {
            "unknown": "This invitation link is not valid. Ask the store owner for a new invitation.",
            "used": "This invitation has already been accepted. Sign in to the admin instead.",
            "expired": "This invitation has expired. Ask the store owner to send a new one.",
        }
        super().__init__(messages[reason], code=f"invitation_{reason}")
        self.reason = reason


@dataclass(frozen=True)
class SentInvitation:
    invitation: StaffInvitation
    url: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_days() -> int:
    return int(getattr(settings, "MAGPIE_STAFF_INVITATION_DAYS", 7))


@transaction.atomic
def staff_invite(*, email: str, role: Group, store_ids: Iterable[int], actor: Any, base_url: str) -> SentInvitation:
    """Create the invitation and email its link (after commit). ``store_ids`` empty: every store."""
    email = User.objects.normalize_email(email).strip()
    if not staff_groups().filter(pk=role.pk).exists():
        raise CommerceError("Choose a staff role.", field="role")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.is_staff and existing.is_active:
        raise CommerceError(
            "This person is already on the staff: change their roles on the Users screen.", field="email"
        )
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=invitation_days()),
    )
    invitation.stores.set(sorted(set(store_ids)))
    url = base_url.rstrip("/") + reverse("staff_invitation_accept", kwargs={"token": token})
    log(
        instance=invitation,
        action="magpie.staff.invite",
        user=invitation.invited_by,
        data={"email": email, "role": role.name, "stores": sorted(set(store_ids))},
    )
    context = {"url": url, "role": role.name, "days": invitation_days(), "invited_by": invitation.invited_by}
    subject = render_to_string("accounts/email/staff_invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/staff_invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return SentInvitation(invitation=invitation, url=url)


def _usable(invitation: StaffInvitation | None) -> StaffInvitation:
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    return invitation


@runs_as_system("staff_invitation")
def invitation_for_token(token: str) -> StaffInvitation:
    """The invitation the link names (read only); raises InvitationInvalid."""
    return _usable(StaffInvitation.objects.select_related("role").filter(token_hash=_hash(token)).first())


@runs_as_system("staff_invitation")
@transaction.atomic
def invitation_accept(*, token: str, password: str, first_name: str, last_name: str) -> User:
    """Accept once: create (or take over) the account with that email, set its password, give it
    the role and stores. Raises InvitationInvalid for a used, expired or unknown link and
    ValidationError for a rejected password; nothing changes in either case."""
    invitation = _usable(
        StaffInvitation.objects.select_for_update().select_related("role").filter(token_hash=_hash(token)).first()
    )
    first_name, last_name = first_name.strip(), last_name.strip()
    user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    candidate = user or User(email=invitation.email)
    candidate.first_name, candidate.last_name = first_name or candidate.first_name, last_name or candidate.last_name
    password_validation.validate_password(password, candidate)
    if not candidate.first_name:
        raise ValidationError({"first_name": "Enter your first name."})
    before = staff_access_snapshot(candidate)
    candidate.set_password(password)
    candidate.is_active = True
    if candidate.email_verified_at is None:
        candidate.email_verified_at = timezone.now()  # the link proved the address
    candidate.save()
    groups = [*candidate.groups.all(), invitation.role] if user else [invitation.role]
    staff_access_apply(
        user=candidate,
        actor=candidate,
        groups=groups,
        store_ids=list(invitation.stores.values_list("pk", flat=True)),
        before=before,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = candidate
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log(instance=invitation, action="magpie.staff.invitation_accepted", user=candidate, data={"email": candidate.email})
    return candidate
