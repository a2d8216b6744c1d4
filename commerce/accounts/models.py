"""Customer identity: the user model (email is the login) and the address book.

Lower floors (cart, orders) reference the user through ``settings.AUTH_USER_MODEL``; this app
never imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        # Logging in is case-insensitive on the email, as is uniqueness.
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address: a customer or a member of staff."""

    username = None
    email = models.EmailField("email address", unique=True)
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the customer confirmed the address through the emailed link."
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        permissions = [
            ("export_customer", "Can export a customer's data"),
            ("anonymise_customer", "Can anonymise a customer"),
            ("invite_staff", "Can invite staff and change their roles and stores"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Address(models.Model):
    """A saved address in a customer's address book."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=120)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    phone = models.CharField(max_length=40, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(is_default=True), name="address_one_default_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city} {self.postal_code}, {self.country}"


class StaffProfile(models.Model):
    """Which stores a member of staff works on. Without a profile, or with ``all_stores``, all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        limit_choices_to={"is_staff": True},
    )
    all_stores = models.BooleanField(
        default=True, help_text="Works on every store. Untick to limit this person to the stores chosen below."
    )
    stores = models.ManyToManyField("stores.Store", blank=True, related_name="staff_profiles")

    class Meta:
        verbose_name = "staff stores"
        verbose_name_plural = "staff stores"

    def __str__(self) -> str:
        return str(self.user)


class StaffInvitation(models.Model):
    """An emailed, single-use, expiring invitation to join the staff with one role and some stores.

    Only a hash of the link's token is stored, so the table alone does not let anyone in.
    """

    email = models.EmailField()
    role = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+")
    stores = models.ManyToManyField("stores.Store", blank=True, related_name="+", help_text="None chosen: every store.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"
