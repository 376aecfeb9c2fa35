"""The inbox's side of importing an old archive: originals kept by another tool become ledger rows and
invoices exactly as synced ones do (content-addressed storage, `read_zip`, `invoice_upsert`).

An original is an ANAF ZIP as `descarcare` served it, or the extracted pair `{id}.xml` + `semnatura_{id}.xml`,
which `original_from_pair` puts back into a ZIP of its own (fixed names and times, so the same pair always
gives the same bytes and the same sha256). The ledger row of an imported original has no `created_at`
(ANAF's `data_creare` is not in the ZIP) unless ANAF listed the message here before; only such a listed
message is announced (webhooks, notifications), an old one is not.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from hub.accounts.models import Company, Organization
from hub.core import clock
from hub.documents import archive
from hub.documents.reading import Reading
from hub.inbox.models import Invoice, Message, MessageState
from hub.inbox.services.reading import invoice_upsert

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP can hold: no import date leaks into the bytes
IMPORTED = "imported from an archive"  # the ledger row's `details`


def original_from_pair(document_name: str, document: bytes, signature_name: str, signature: bytes) -> bytes:
    """The ZIP of an extracted pair, its two files byte for byte under their own names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in ((document_name, document), (signature_name, signature)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class Archived:
    """An original already archived for the organization, and how it was recognised."""

    message: Message
    by: str  # "sha256" or "anaf_id"


def archived_original(
    organization: Organization, *, sha256: str, anaf_ids: set[str], upload_ids: set[str]
) -> Archived | None:
    """The organization's archived message with these bytes, or else with one of `anaf_ids` (the file's
    name: a download or an upload id, whichever the other tool used) as either id, or one of `upload_ids`
    (the names inside the ZIP) as its upload id; None if none is archived here."""
    archived = Message.objects.filter(
        company__organization=organization, state=MessageState.ARCHIVED
    ).select_related("company")
    found = archived.filter(zip_sha256=sha256).first()
    if found is not None:
        return Archived(found, "sha256")
    if anaf_ids or upload_ids:
        found = archived.filter(Q(download_id__in=anaf_ids) | Q(upload_id__in=anaf_ids | upload_ids)).first()
        if found is not None:
            return Archived(found, "anaf_id")
    return None


def listed_unarchived(organization: Organization, *, anaf_ids: set[str]) -> Message | None:
    """The organization's ledger row ANAF listed under one of these download ids that the sync could not
    archive (damaged, expired, not downloaded yet): an old archive may hold what the hub missed."""
    if not anaf_ids:
        return None
    return (
        Message.objects.filter(company__organization=organization, download_id__in=anaf_ids)
        .exclude(state=MessageState.ARCHIVED)
        .select_related("company")
        .first()
    )


def _received_at(issue_date: date | None) -> datetime:
    if issue_date is None:
        return clock.now()
    return timezone.make_aware(datetime.combine(issue_date, time(12)))


def original_import(
    *,
    company: Company,
    download_id: str,
    upload_id: str,
    direction: str,
    data: bytes,
    reading: Reading,
) -> Invoice:
    """Store the original, put it on the company's ledger (filling the row ANAF listed under that id, if
    the sync could not archive it) and write its invoice; returns the invoice."""
    digest = archive.blob_put(data)
    now = clock.now()
    message = Message.objects.filter(company=company, download_id=download_id).first()
    if message is None and upload_id:
        message = (
            Message.objects.filter(company=company, upload_id=upload_id)
            .exclude(state=MessageState.ARCHIVED)
            .first()
        )
    listed_here = message is not None
    if message is None:
        message = Message.objects.create(
            company=company,
            download_id=download_id,
            upload_id=upload_id[:40],
            direction=direction,
            details=IMPORTED,
            listed_at=now,
            state=MessageState.STORED,
            zip_sha256=digest,
            zip_size=len(data),
            downloaded_at=now,
        )
    else:
        Message.objects.filter(pk=message.pk).update(
            zip_sha256=digest, zip_size=len(data), state=MessageState.STORED, downloaded_at=now
        )
        message.zip_sha256, message.zip_size, message.state = digest, len(data), MessageState.STORED
    message.company = company
    invoice = invoice_upsert(message=message, reading=reading)
    if not listed_here:
        # An old original is no news: webhooks and notifications are for what arrives now. A message ANAF
        # listed here is announced by the next sync like any other (`services.announce`).
        Invoice.objects.filter(pk=invoice.pk, announced_at__isnull=True).update(announced_at=now)
    if message.created_at is None:
        issue_date = reading.invoice.issue_date if reading.invoice else None
        invoice.received_at = _received_at(issue_date if isinstance(issue_date, date) else None)
        Invoice.objects.filter(pk=invoice.pk).update(received_at=invoice.received_at)
    return invoice
