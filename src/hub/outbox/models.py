"""Issued invoices on their way to ANAF (`OutgoingInvoice`) and every upload tried for them (`UploadAttempt`).

The state machine (docs/outbox.md):

    invalid                       local validation found errors: never sent
    queued -> sending -> sent -> ok | nok
                  \\-> uncertain -> sent (found at ANAF) | queued (established that nothing arrived)
                  \\-> failed      refused before anything was filed (authorization, rights): resend by hand
                  \\-> nok         refused on the spot by ANAF (XSD, parameters): nothing filed

An upload may leave only from `sending`, claimed by a conditional update; an `uncertain` invoice is never
uploaded again before the reconciliation with ANAF's list of sent messages has decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hub.accounts.models import Company, Organization


class OutgoingState(models.TextChoices):
    INVALID = "invalid", _("Invalid")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    UNCERTAIN = "uncertain", _("Uncertain")
    SENT = "sent", _("Sent, awaiting ANAF")
    OK = "ok", _("Accepted by ANAF")
    NOK = "nok", _("Rejected by ANAF")
    FAILED = "failed", _("Not sent")


# States in which an invoice counts as sent or on its way (the duplicate check looks at these).
IN_FLIGHT = (
    OutgoingState.QUEUED,
    OutgoingState.SENDING,
    OutgoingState.UNCERTAIN,
    OutgoingState.SENT,
    OutgoingState.OK,
)
FINAL = (OutgoingState.OK, OutgoingState.NOK, OutgoingState.INVALID)


class Standard(models.TextChoices):
    UBL = "UBL", "UBL"
    CN = "CN", _("UBL credit note")
    CII = "CII", "CII"
    RASP = "RASP", _("Buyer message (RASP)")


class OutgoingInvoice(models.Model):
    """One issued invoice as received (XML archived byte for byte) and where it stands with ANAF."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="outgoing")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="outgoing")
    created = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, default="ui")  # ui, api, cli
    filename = models.CharField(max_length=255, blank=True)
    xml_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    standard = models.CharField(max_length=4, choices=Standard.choices, default=Standard.UBL)
    extern = models.BooleanField(default=False)
    self_billed = models.BooleanField(default=False)  # ANAF's `autofactura`
    enforcement = models.BooleanField(default=False)  # ANAF's `executare`
    b2c = models.BooleanField(default=False)
    number = models.CharField(max_length=200, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    seller_cif = models.CharField(max_length=20, blank=True)
    buyer_id = models.CharField(max_length=40, blank=True)
    buyer_name = models.CharField(max_length=300, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    total = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    state = models.CharField(max_length=10, choices=OutgoingState.choices, db_index=True)
    errors = models.JSONField(default=list, blank=True)  # local findings or ANAF's errors
    idempotency_key = models.CharField(max_length=200, blank=True)
    deliberate_resend = models.BooleanField(default=False)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    upload_id = models.CharField(max_length=40, blank=True, db_index=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    download_id = models.CharField(max_length=40, blank=True)
    answer_sha256 = models.CharField(max_length=64, blank=True)
    signature_valid = models.BooleanField(null=True, blank=True)
    anaf_state = models.CharField(max_length=40, blank=True)  # stareMesaj's last `stare`
    polls = models.PositiveIntegerField(default=0)
    next_action_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True, db_index=True)  # 5 working days after issue_date
    deadline_warned = models.BooleanField(default=False)  # the near-deadline notice went out
    storno = models.BooleanField(default=False)  # an invoice with negative quantities that cancels another
    reference_number = models.CharField(max_length=200, blank=True)  # BT-25, the invoice a correction names
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )  # the outgoing invoice a credit note or storno corrects (BT-25, same company)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["company", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="outgoing_unique_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["company", "upload_id"],
                condition=~models.Q(upload_id=""),
                name="outgoing_unique_upload_id",
            ),
        )
        indexes = (models.Index(fields=["company", "seller_cif", "number", "issue_date"]),)
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"{self.number or '?'} ({self.state})"

    @property
    def is_amendment(self) -> bool:
        """A credit note or a storno invoice: it corrects the invoice its BT-25 names."""
        return self.standard == Standard.CN or self.storno


class UploadAttempt(models.Model):
    """One upload that left (or may have left) for ANAF, written before the request goes out."""

    invoice = models.ForeignKey(OutgoingInvoice, on_delete=models.CASCADE, related_name="attempts")
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)  # sent, refused, uncertain, failed, found, absent
    upload_id = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("started", "pk")

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.invoice_id}: {self.outcome or 'in progress'}"


class BuyerDecision(models.TextChoices):
    ACCEPT = "accept", pgettext_lazy("buyer decision", "Accepted")
    REFUSE = "refuse", pgettext_lazy("buyer decision", "Refused")


class BuyerMessageDirection(models.TextChoices):
    SENT = "sent", _("Sent to the supplier")  # the company is the buyer
    RECEIVED = "received", _("Received from the customer")  # the company is the seller


class BuyerMessage(models.Model):
    """A buyer message (ANAF's RASP) about one invoice, identified by that invoice's upload index.

    Sent (the company is the buyer): `upload` is the outbox row that carries it to ANAF with standard RASP,
    so it is claimed, attempted, reconciled and polled exactly like an issued invoice; `key` names the
    decision it tells of, and is unique per company, so one decision never sends two messages.
    Received (the company is the seller): the customer's message read from ANAF's list, kept here so that
    Facturi emise shows it beside the invoice it answers. `document_id` is the archived message in
    Facturi primite (the inbox's document id), for a link; the desk fills it in.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="buyer_messages")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="buyer_messages")
    direction = models.CharField(max_length=10, choices=BuyerMessageDirection.choices)
    answers_upload_id = models.CharField(max_length=40, db_index=True, help_text="index_incarcare")
    decision = models.CharField(max_length=10, choices=BuyerDecision.choices, blank=True)
    text = models.TextField()
    key = models.CharField(max_length=200, blank=True)
    upload = models.OneToOneField(
        OutgoingInvoice, null=True, blank=True, on_delete=models.CASCADE, related_name="buyer_message"
    )
    rasp_upload_id = models.CharField(max_length=40, blank=True, help_text="the RASP's own upload index")
    download_id = models.CharField(max_length=40, blank=True)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    created = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["company", "key"], condition=~models.Q(key=""), name="buyer_message_one_per_decision"
            ),
            models.UniqueConstraint(
                fields=["company", "direction", "rasp_upload_id"],
                condition=~models.Q(rasp_upload_id=""),
                name="buyer_message_one_per_rasp",
            ),
        )
        ordering = ("created", "pk")

    def __str__(self) -> str:
        return f"{self.direction} buyer message on {self.answers_upload_id}"
