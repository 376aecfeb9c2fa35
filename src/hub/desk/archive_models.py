"""Imports of an old archive (`hub.desk.archive_import`): one `ArchiveImport` per run, one `ImportedFile` per
original it read, with what became of it. An original that could not be read or matched no company is still
stored (its `sha256` names the blob in the archive storage) and listed here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company, Organization
from hub.desk.import_wording import reason_text, signature_text
from hub.inbox.models import Invoice


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    DUPLICATE = "duplicate", _("Already archived")
    UNREADABLE = "unreadable", _("Unreadable")
    UNMATCHED = "unmatched", _("No matching company")


class ArchiveImport(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=300, help_text="what was imported: paths, or the uploaded names")
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-started", "-pk")

    def __str__(self) -> str:
        return f"import {self.pk} of {self.organization_id} at {self.started}"


class ImportedFile(models.Model):
    run = models.ForeignKey(ArchiveImport, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=500, help_text="the file's name (and path) as read")
    sha256 = models.CharField(max_length=64, blank=True, help_text="the stored original")
    size = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=ImportOutcome.choices)
    reason = models.CharField(
        max_length=20,
        blank=True,
        help_text="why it was not imported, or what to know (a code, worded by `hub.desk.import_wording`)",
    )
    signature = models.CharField(max_length=10, blank=True, help_text="matches, mismatch or missing")
    params = models.JSONField(default=dict, blank=True, help_text="the details the wording names")
    anaf_id = models.CharField(max_length=40, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}"

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason, self.params)

    @property
    def signature_text(self) -> str:
        return signature_text(self.signature, self.params)
