"""Users, organizations (an accounting firm or a business), memberships with roles, companies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from hub.core import clock


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=5, default="ro", choices=[("ro", "Română"), ("en", "English")]
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]
        constraints = (
            # An address belongs to one active person; a change applies only once confirmed by e-mail.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(is_active=True) & ~models.Q(email=""),
                name="one_active_user_per_email",
            ),
        )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner / administrator")
    ACCOUNTANT = "accountant", _("Accountant")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_user"),
        )

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.OWNER

    @property
    def can_authorize(self) -> bool:
        return self.role in {Role.OWNER, Role.ACCOUNTANT}


class Company(models.Model):
    """A company (CIF) whose e-Factura messages the organization handles."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="companies")
    cif = models.CharField("CIF", max_length=12)
    name = models.CharField(_("name"), max_length=200, blank=True)
    created = models.DateTimeField(default=clock.now)  # the hub's clock: the 60-day guardian counts from it

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organization", "cif"], name="one_cif_per_organization"),
        )
        ordering = (
            "name",
            "cif",
        )
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.name or self.cif} ({self.cif})"


class Invitation(models.Model):
    """An owner's offer of a role, sent to an e-mail address; a membership exists only once someone who
    received the link accepts it. Only the token's sha256 is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    language = models.CharField(max_length=5, default="ro")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"
