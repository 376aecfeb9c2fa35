"""Sync state per company, the ledger of ANAF messages, sync runs (events), and the invoices read from them.

The ledger follows one rule: a row exists for every message id ANAF ever listed for the company, and its
`state` only moves forward (listed -> stored -> archived, or expired; a ZIP that arrives damaged is kept and
the row waits as `damaged` for a readable download); an archived document is then announced
once (`Invoice.announced_at`). The ZIP itself lives in the archive storage under its sha256
(`hub.documents.archive`); XML and signature are read back from it, never copied.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company, Organization


class CompanySync(models.Model):
    """Where the sync of one company stands: watermark, schedule, claim lease, last outcome."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="inbox_sync")
    interval_minutes = models.PositiveIntegerField(
        _("sync interval (minutes)"), null=True, blank=True, help_text=_("empty: the organization's default")
    )
    tracked_since = models.DateTimeField()
    watermark = models.DateTimeField(null=True, blank=True, help_text="listed completely up to this moment")
    next_sync_at = models.DateTimeField(null=True, blank=True, db_index=True)
    running_until = models.DateTimeField(null=True, blank=True, help_text="the claim's lease lapses then")
    claimed_by = models.CharField(max_length=32, blank=True, help_text="token of the run holding the claim")
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=60, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    swept_at = models.DateTimeField(null=True, blank=True, help_text="last full 60-day comparison with ANAF")
    anaf_listed = models.PositiveIntegerField(
        null=True, blank=True, help_text="messages ANAF listed over its 60 days at the last sweep"
    )
    swept_archived = models.PositiveIntegerField(
        null=True, blank=True, help_text="of those, archived here when the sweep ended"
    )
    swept_found = models.PositiveIntegerField(default=0, help_text="missing here, found by the last sweep")

    def __str__(self) -> str:
        return f"sync of {self.company_id} up to {self.watermark}"


class TrigramIndex(GinIndex):
    """A trigram GIN index (`LIKE '%x%'` uses it) on PostgreSQL; a plain index elsewhere.

    SQLite has no GIN: there the substring search scans, and the plain index keeps the schema alike on both
    (SQLite rebuilds tables from the model's indexes, so a PostgreSQL-only index would break it).
    """

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return models.Index(fields=self.fields, name=self.name).create_sql(model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class Direction(models.TextChoices):
    RECEIVED = "received", _("Received")
    SENT = "sent", _("Sent")
    ERROR = "error", _("Errors (rejected)")
    BUYER_MESSAGE = "buyer_message", _("Buyer message")
    OTHER = "other", _("Other")


class MessageState(models.TextChoices):
    LISTED = "listed", _("Listed, not downloaded yet")
    STORED = "stored", _("Downloaded, not read yet")
    ARCHIVED = "archived", _("Archived")
    DAMAGED = "damaged", _("Received damaged, downloaded again later")
    EXPIRED = "expired", _("Expired at ANAF before download")


class Message(models.Model):
    """The ledger: one row per (company, ANAF download id)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="inbox_messages")
    download_id = models.CharField(max_length=40)
    upload_id = models.CharField(max_length=40, blank=True)
    anaf_kind = models.CharField(max_length=80, blank=True, help_text="ANAF's `tip`")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    details = models.TextField(blank=True)
    created_at = models.DateTimeField(null=True, blank=True, help_text="ANAF's `data_creare`")
    listed_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=MessageState.choices, default=MessageState.LISTED)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    zip_size = models.PositiveIntegerField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    damaged_sha256 = models.CharField(
        max_length=64, blank=True, help_text="the last unreadable ZIP received, kept as it came"
    )
    retry_at = models.DateTimeField(null=True, blank=True, help_text="a damaged ZIP is downloaded again then")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["company", "download_id"], name="one_ledger_row_per_message"),
        )
        indexes = (models.Index(fields=["company", "state", "created_at"]),)

    def __str__(self) -> str:
        return f"{self.download_id} ({self.state})"


class SyncOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Completed")
    FAILED = "failed", _("Failed")


class SyncRun(models.Model):
    """One sync of one company: the event recorded for every run, successful or not."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="inbox_runs")
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=SyncOutcome.choices, default=SyncOutcome.RUNNING)
    error = models.CharField(max_length=60, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    listed = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    downloaded = models.PositiveIntegerField(default=0)
    archived = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(
        default=0, help_text="messages ANAF refused this time (retried later)"
    )
    expired = models.PositiveIntegerField(default=0, help_text="messages ANAF no longer serves (lost)")
    trigger = models.CharField(max_length=20, default="schedule")

    class Meta:
        ordering = ("-started", "-pk")

    def __str__(self) -> str:
        return f"sync {self.company_id} {self.started} {self.outcome}"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    ERROR_REPORT = "error_report", _("Error report")
    BUYER_MESSAGE = "buyer_message", _("Buyer message")
    UNKNOWN = "unknown", _("Unknown document")


class InvoiceState(models.TextChoices):
    OK = "ok", _("Valid")
    WARNINGS = "warnings", _("Valid, with warnings")
    INVALID = "invalid", _("Fails validation")
    UNREADABLE = "unreadable", _("Cannot be read")


class Invoice(models.Model):
    """What one archived message holds, read by `einvoice`; a document that fails is kept with its problem."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invoices")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="invoice")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    state = models.CharField(max_length=12, choices=InvoiceState.choices)
    number = models.CharField(max_length=200, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    seller_name = models.CharField(max_length=300, blank=True)
    seller_cif = models.CharField(max_length=40, blank=True)
    buyer_name = models.CharField(max_length=300, blank=True)
    buyer_cif = models.CharField(max_length=40, blank=True)
    tax_exclusive = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    payable = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    received_at = models.DateTimeField(help_text="ANAF's `data_creare` of the message")
    problem = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    validation_errors = models.JSONField(default=list, blank=True)
    validation_warnings = models.JSONField(default=list, blank=True)
    validation_rules = models.JSONField(
        default=list,
        blank=True,
        help_text='rule sets run on the document: "xsd", "cius-ro", "en16931" (empty: none, or not recorded)',
    )
    signature_valid = models.BooleanField(null=True)
    search = models.CharField(max_length=600, blank=True, help_text="lower-case supplier, number, CIFs")
    created = models.DateTimeField()
    announced_at = models.DateTimeField(
        null=True, blank=True, help_text="webhooks and notifications recorded (`services.announce`)"
    )

    class Meta:
        ordering = ("-received_at", "-pk")
        indexes = (
            models.Index(fields=["organization", "-received_at", "-id"], name="inbox_org_received"),
            # A company's list and its count, read from the index alone (the organization is always filtered).
            models.Index(
                fields=["organization", "company", "-received_at", "-id"], name="inbox_org_company_received"
            ),
            models.Index(fields=["organization", "-issue_date", "-id"], name="inbox_org_issued"),
            models.Index(fields=["organization", "-payable", "-id"], name="inbox_org_payable"),
            models.Index(fields=["organization", "seller_cif"], name="inbox_org_seller"),
            TrigramIndex(fields=["search"], opclasses=["gin_trgm_ops"], name="inbox_search_trgm"),
            # SQLite's substring search reads this instead of the table (the organization's rows only).
            models.Index(fields=["organization", "search"], name="inbox_org_search"),
        )

    def __str__(self) -> str:
        return f"{self.seller_name} {self.number}"


class PartyRole(models.TextChoices):
    SELLER = "seller", _("Supplier")
    BUYER = "buyer", _("Customer")
    PAYEE = "payee", _("Payee")


class InvoiceParty(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    name = models.CharField(max_length=300, blank=True)
    vat_id = models.CharField(max_length=40, blank=True)
    registration_id = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    email = models.CharField(max_length=200, blank=True)
    iban = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["invoice", "role"], name="one_party_per_role"),)

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    line_id = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=21, decimal_places=6, null=True, blank=True)
    unit_code = models.CharField(max_length=10, blank=True)
    price = models.DecimalField(max_digits=21, decimal_places=6, null=True, blank=True)
    net_amount = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    vat_category = models.CharField(max_length=5, blank=True)
    vat_rate = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ("position",)

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class InvoiceVat(models.Model):
    """One line of the VAT breakdown (BG-23)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_breakdown")
    category = models.CharField(max_length=5, blank=True)
    rate = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    taxable = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    exemption_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.category} {self.rate}%"


class NotifyMode(models.TextChoices):
    NONE = "none", _("No e-mail")
    EACH = "each", _("One notification per invoice")
    DIGEST = "digest", _("A daily digest")


class InboxPreference(models.Model):
    """Per user and organization: how to hear about new supplier invoices."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    notify = models.CharField(max_length=10, choices=NotifyMode.choices, default=NotifyMode.NONE)
    digest_sent_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["user", "organization"], name="one_inbox_preference"),)

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organization_id}: {self.notify}"
