"""Users, organizations (an accounting firm or a business), memberships with roles, companies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=5, default="ro", choices=[("ro", "Română"), ("en", "English")]
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
    created = models.DateTimeField(auto_now_add=True)

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
