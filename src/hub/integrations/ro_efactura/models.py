"""SPV authorizations (tokens encrypted), one-time OAuth states, per-company rights, the audit log.

An organization holds any number of authorizations in use, one per certificate and environment (an
accounting firm's own certificate with powers over many clients, a client's own). Each company is served
by one of them (`CompanyAccess.authorization`); `AuthorizationReach` records which CIFs each one reaches.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company, Organization
from hub.core.crypto import EncryptedTextField
from hub.integrations.ro_efactura.lifetime import AccessEnd, access_end, certificate_end


class AuthorizationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_REAUTHORIZATION = "needs_reauth", _("Needs re-authorization")
    REPLACED = "replaced", _("Replaced by a newer authorization")
    REVOKED = "revoked", _("Revoked")


IN_USE = (AuthorizationStatus.ACTIVE, AuthorizationStatus.NEEDS_REAUTHORIZATION)


class SpvAuthorization(models.Model):
    """One certificate login at ANAF (or the sandbox) and the token pair it keeps renewing."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="spv_authorizations"
    )
    environment = models.CharField(max_length=10)
    status = models.CharField(
        max_length=20, choices=AuthorizationStatus.choices, default=AuthorizationStatus.ACTIVE
    )
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    authorized_at = models.DateTimeField()
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    access_expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField()
    serial = models.CharField(max_length=200, blank=True)
    issuer = models.CharField(max_length=300, blank=True)
    roles = models.JSONField(default=list)
    # Recorded by the user (ANAF's OAuth does not tell it); the access ends with the certificate.
    certificate_valid_until = models.DateField(null=True, blank=True)
    client_id = models.CharField(max_length=200, blank=True)
    last_renewed_at = models.DateTimeField(null=True, blank=True)
    renewal_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=60, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    # Claim for single-flight renewal on databases without row locks (SQLite): set by conditional update.
    renewing_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-authorized_at", "-pk")
        indexes = (models.Index(fields=["status", "access_expires_at"]),)
        constraints = (
            # A new login with the same certificate refreshes its authorization in place.
            models.UniqueConstraint(
                fields=["organization", "environment", "serial"],
                condition=models.Q(status__in=["active", "needs_reauth"]),
                name="ro_efactura_one_authorization_per_certificate",
            ),
        )

    def __str__(self) -> str:
        return f"SPV {self.serial} ({self.status})"

    @property
    def access_end(self) -> AccessEnd:
        """When the access really ends, and why (`lifetime.access_end`)."""
        valid_until = self.certificate_valid_until
        zone = ZoneInfo(settings.TIME_ZONE)
        return access_end(
            authorized_at=self.authorized_at,
            refresh_expires_at=self.refresh_expires_at,
            max_grant_age=timedelta(days=settings.EFACTURA_MAX_GRANT_AGE_DAYS),
            certificate_ends_at=certificate_end(valid_until, zone) if valid_until else None,
        )

    @property
    def reauthorize_by(self) -> datetime:
        """When a new login with the certificate (or with a new certificate) is needed: the access end."""
        return self.access_end.at

    @property
    def services(self) -> list[str]:
        return [role for role in self.roles if role]


class OAuthState(models.Model):
    """A one-time `state` bound to the user and organization that started the authorization."""

    value = models.CharField(max_length=64, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    environment = models.CharField(max_length=10)
    popup = models.BooleanField(default=False)
    created = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"state for {self.user_id}@{self.organization_id}"


class CompanyAccess(models.Model):
    """Which authorization serves a company, and whether ANAF grants it SPV rights for the CIF (a real call).

    `has_rights`, `checked_at`, `error` and `serial` mirror the serving authorization's `AuthorizationReach`.
    """

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="spv_access")
    authorization = models.ForeignKey(
        SpvAuthorization, null=True, blank=True, on_delete=models.SET_NULL, related_name="served"
    )
    has_rights = models.BooleanField(null=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=60, blank=True)
    serial = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.company_id}: {self.has_rights}"


class AuthorizationReach(models.Model):
    """Whether ANAF grants one authorization SPV rights for one company's CIF (the last probe or use)."""

    authorization = models.ForeignKey(SpvAuthorization, on_delete=models.CASCADE, related_name="reach")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="spv_reach")
    has_rights = models.BooleanField(null=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["authorization", "company"], name="ro_efactura_reach_once"),
        )

    def __str__(self) -> str:
        return f"{self.authorization_id} -> {self.company_id}: {self.has_rights}"


class AuditKind(models.TextChoices):
    AUTHORIZATION_STARTED = "authorization_started", _("Authorization started")
    AUTHORIZED = "authorized", _("Authorized with the certificate")
    AUTHORIZATION_FAILED = "authorization_failed", _("Authorization failed")
    RENEWED = "renewed", _("Tokens renewed")
    RENEWAL_FAILED = "renewal_failed", _("Renewal failed (will retry)")
    REAUTHORIZATION_REQUIRED = "reauth_required", _("Renewal refused: re-authorization needed")
    RIGHTS_CHECKED = "rights_checked", _("SPV rights checked")
    CERTIFICATE_RECORDED = "certificate_recorded", _("Certificate validity recorded")
    CONFIGURED = "configured", _("Configuration changed")
    REVOKED = "revoked", _("Authorization revoked; tokens deleted")
    SERVING_CHANGED = "serving_changed", _("Company served by another authorization")


class AuditEvent(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    authorization = models.ForeignKey(SpvAuthorization, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = (
            "-created",
            "-pk",
        )

    def __str__(self) -> str:
        return f"{self.kind} at {self.created}"


class QuotaCounter(models.Model):
    """Calls counted against one of ANAF's budgets (`quota.py`), shared by every process of the hub.

    `budget` names ANAF, the scope, the key (CIF, message) and the window; `bucket` is a slot of a short
    window (a minute's budget counts in 60 slots) or a Romanian calendar day (daily budgets). A row counts for
    nothing after `expires`.
    """

    budget = models.CharField(max_length=300)
    bucket = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)
    expires = models.FloatField()  # epoch seconds

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["budget", "bucket"], name="ro_efactura_quota_counter_unique"),
        )
        indexes = (models.Index(fields=["expires"], name="ro_efactura_quota_expires"),)

    def __str__(self) -> str:
        return f"{self.budget} [{self.bucket}]: {self.calls}"
