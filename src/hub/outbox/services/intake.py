"""`outgoing_intake`: take one issued invoice in, archive it as received, check it, queue it once.

The XML is stored content-addressed before anything else (`hub.documents.archive`), so nothing a user sends
is lost, valid or not. An invalid invoice is kept as `invalid` with every finding and never sent. The same
seller, number and issue date already sent or on its way is refused (`DuplicateInvoice`, naming the first)
unless the user says it is a deliberate resend. An idempotency key seen before gives back the first invoice
unchanged, so a retried API call or a double click never queues a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, models, transaction

from hub.accounts.models import Company, User
from hub.core import clock
from hub.documents import archive
from hub.outbox.deadline import deadline_for
from hub.outbox.models import IN_FLIGHT, OutgoingInvoice, OutgoingState, Standard
from hub.outbox.services.checks import examine

MAX_XML_BYTES = 10 * 1024 * 1024  # ANAF's upload limit (docs/anaf.md §2.1)


class DuplicateInvoice(Exception):
    """The same invoice (seller, number, issue date) was sent already or is on its way."""

    def __init__(self, first: OutgoingInvoice) -> None:
        super().__init__(f"already sent as outgoing invoice {first.pk}")
        self.first = first


class IntakeRefused(Exception):
    """Nothing to take in (empty or too large); `code` is worded at the edge."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Intake:
    invoice: OutgoingInvoice
    replayed: bool = False  # the idempotency key was seen before: this is the first call's invoice


def outgoing_intake(
    *,
    company: Company,
    xml: bytes,
    filename: str = "",
    user: User | None = None,
    source: str = "ui",
    extern: bool = False,
    self_billed: bool = False,
    enforcement: bool = False,
    deliberate_resend: bool = False,
    idempotency_key: str | None = None,
    corrects: OutgoingInvoice | None = None,
) -> Intake:
    """Archive, check and (if valid and not a duplicate) queue `xml` for `company`."""
    if idempotency_key:
        earlier = OutgoingInvoice.objects.filter(company=company, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return Intake(earlier, replayed=True)
    if not xml.strip():
        raise IntakeRefused("empty")
    if len(xml) > MAX_XML_BYTES:
        raise IntakeRefused("too_large")
    sha256 = archive.blob_put(xml)
    examined = examine(xml, company_cif=company.cif, self_billed=self_billed)
    if not examined.errors and not deliberate_resend:
        first = duplicate_of(company, examined.seller_cif, examined.number, examined.issue_date)
        if first is not None:
            raise DuplicateInvoice(first)
    state = OutgoingState.INVALID if examined.errors else OutgoingState.QUEUED
    now = clock.now()
    try:
        with transaction.atomic():
            invoice = OutgoingInvoice.objects.create(
                organization=company.organization,
                company=company,
                created=now,
                created_by=user,
                source=source,
                filename=filename[:255],
                xml_sha256=sha256,
                size=len(xml),
                standard=examined.standard,
                extern=extern,
                self_billed=self_billed,
                enforcement=enforcement,
                b2c=examined.b2c,
                number=examined.number[:200],
                issue_date=examined.issue_date,
                seller_cif=examined.seller_cif[:20],
                buyer_id=examined.buyer_id[:40],
                buyer_name=examined.buyer_name[:300],
                currency=examined.currency[:3],
                total=examined.total,
                state=state,
                errors=examined.errors,
                idempotency_key=idempotency_key or "",
                deliberate_resend=deliberate_resend,
                corrects=corrects,
                next_action_at=now if state == OutgoingState.QUEUED else None,
                deadline=deadline_for(examined.issue_date),
                storno=examined.storno,
                reference_number=examined.reference_number[:200],
            )
            amendments_link(invoice)
            if state == OutgoingState.QUEUED:
                from hub.outbox.tasks import outgoing_send_task  # noqa: PLC0415  (tasks import services)

                transaction.on_commit(lambda: outgoing_send_task.delay(invoice.pk), robust=True)
    except IntegrityError:
        # Two calls with the same idempotency key raced: the other one created the row.
        earlier = OutgoingInvoice.objects.filter(company=company, idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return Intake(earlier, replayed=True)
    return Intake(invoice)


def duplicate_of(
    company: Company, seller_cif: str, number: str, issue_date: date | None
) -> OutgoingInvoice | None:
    """The first invoice with this identity that is sent or on its way (a rejected one does not count)."""
    if not number or issue_date is None:
        return None
    return (
        OutgoingInvoice.objects.filter(
            company=company, seller_cif=seller_cif, number=number, issue_date=issue_date, state__in=IN_FLIGHT
        )
        .order_by("created", "pk")
        .first()
    )


def amendments_link(invoice: OutgoingInvoice) -> None:
    """Link a credit note or storno to the invoice its BT-25 names (same company and seller), and an invoice
    to the credit notes and stornos already in the outbox that name it."""
    if (invoice.standard == Standard.CN or invoice.storno) and invoice.reference_number:
        target = (
            OutgoingInvoice.objects.filter(
                company=invoice.company, seller_cif=invoice.seller_cif, number=invoice.reference_number
            )
            .exclude(pk=invoice.pk)
            .order_by(
                # the accepted version first, then the latest one
                models.Case(models.When(state=OutgoingState.OK, then=0), default=1),
                "-created",
                "-pk",
            )
            .first()
        )
        if target is not None:
            invoice.amends = target
            OutgoingInvoice.objects.filter(pk=invoice.pk).update(amends=target)
    if invoice.number and invoice.standard != Standard.CN and not invoice.storno:
        waiting = OutgoingInvoice.objects.filter(
            company=invoice.company,
            seller_cif=invoice.seller_cif,
            reference_number=invoice.number,
            amends__isnull=True,
        ).filter(models.Q(standard=Standard.CN) | models.Q(storno=True))
        waiting.exclude(pk=invoice.pk).update(amends=invoice)


def outgoing_xml(invoice: OutgoingInvoice) -> bytes:
    return archive.blob_get(invoice.xml_sha256)
