"""The review of each received invoice (one row beside the inbox's `Invoice`), its audit trail, and each
company's default assignee.

A received invoice starts "to review"; `hub.desk.services` moves it along `TRANSITIONS` and records every
change, assignment and comment as a `ReviewEntry` (who, when, what), never editing or deleting one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company, Organization
from hub.inbox.models import Invoice


class ReviewState(models.TextChoices):
    TO_REVIEW = "to_review", _("To review")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    BOOKED = "booked", _("Booked")


# Which state may follow which: a booked invoice is in the books and stays there.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewState.TO_REVIEW: frozenset({ReviewState.APPROVED, ReviewState.REFUSED, ReviewState.BOOKED}),
    ReviewState.APPROVED: frozenset({ReviewState.BOOKED, ReviewState.REFUSED, ReviewState.TO_REVIEW}),
    ReviewState.REFUSED: frozenset({ReviewState.TO_REVIEW, ReviewState.APPROVED}),
    ReviewState.BOOKED: frozenset(),
}


class InvoiceReview(models.Model):
    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="review")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=ReviewState.choices, default=ReviewState.TO_REVIEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="why it was refused")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()

    class Meta:
        indexes = (
            models.Index(fields=["organization", "state", "assignee"], name="desk_org_state_assignee"),
            models.Index(fields=["company", "state"], name="desk_company_state"),
        )

    def __str__(self) -> str:
        return f"review of {self.invoice_id}: {self.state}"


class EntryKind(models.TextChoices):
    STATE = "state", _("State changed")
    ASSIGN = "assign", _("Assigned")
    COMMENT = "comment", _("Comment")


class ReviewEntry(models.Model):
    """One line of the audit trail: a state change, an assignment or a comment."""

    review = models.ForeignKey(InvoiceReview, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True, help_text="the comment, or the reason of a refusal")

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.kind} on {self.review_id} at {self.at}"


class CompanyDesk(models.Model):
    """Per company: who reviews its received invoices unless someone else is chosen."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="desk")
    default_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"desk of {self.company_id}"


class ExportMapping(models.Model):
    """A saved column layout for the exports (per organization), e.g. the one an accounting program imports:
    `columns` is the ordered list of `{"field": <key of hub.desk.exports.FIELDS>, "header": <its title>}`."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    columns = models.JSONField(default=list)

    class Meta:
        ordering = ("name", "pk")
        constraints = (
            models.UniqueConstraint(fields=["organization", "name"], name="one_export_mapping_name"),
        )

    def __str__(self) -> str:
        return self.name


from hub.desk.archive_models import ArchiveImport, ImportedFile, ImportOutcome  # noqa: E402

__all__ = [
    "TRANSITIONS",
    "ArchiveImport",
    "CompanyDesk",
    "EntryKind",
    "ExportMapping",
    "ImportOutcome",
    "ImportedFile",
    "InvoiceReview",
    "ReviewEntry",
    "ReviewState",
]
