"""Following a sent invoice to ANAF's answer: `outgoing_poll` on a schedule that fits ANAF's budget of status
calls per message and day (docs/anaf.md §3: 100), then the answer ZIP archived and read.

The schedule (`POLL_DELAYS`): seconds at first (ANAF usually answers within a minute), then minutes, then
hourly, which stays under 40 calls on the first day. `ok` keeps the signed ZIP (signature digest checked);
`nok` keeps the error ZIP and ANAF's errors; "XML cu erori nepreluat de sistem" ends it with that text.
Each outcome is announced once to the organization's webhooks (`invoice.sent.accepted` / `.rejected`), with
the cause and payload the inbox uses too (`core.events.sent_cause`), so archiving the sent message adds none.
"""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta
from typing import Any

from django.db import transaction

import anaf
import einvoice
from hub.core import clock
from hub.core.events import SENT_EVENTS, SentOutcome, sent_cause, sent_invoice_data
from hub.core.problems import SyncError
from hub.documents import archive
from hub.documents.reading import read_zip
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.services import access
from hub.outbox.models import OutgoingInvoice, OutgoingState, Standard
from hub.outbox.services.rasp import buyer_message_announce
from hub.outbox.services.sending import _claim, _save, anaf_finding
from hub.outbox.wording import explained
from hub.webhooks.services import webhook_emit

POLL_DELAYS = (2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800)  # seconds; then every hour
HOURLY = 3600
NOT_TAKEN = "XML cu erori nepreluat de sistem"


def poll_delay(polls: int) -> timedelta:
    """The wait after the `polls`-th answer `in prelucrare`."""
    return timedelta(seconds=POLL_DELAYS[polls] if polls < len(POLL_DELAYS) else HOURLY)


def outgoing_poll(*, invoice_id: int) -> str:
    """Ask ANAF once how a sent invoice stands; returns the state it is in afterwards ("busy": not ours)."""
    invoice = _claim(invoice_id, OutgoingState.SENT)
    if invoice is None:
        return "busy"
    company = invoice.company
    try:
        authorization = access.usable_authorization(company)
    except SyncError as exc:
        _save(invoice, last_error=exc.code, next_action_at=clock.now() + timedelta(minutes=15))
        return invoice.state
    error: anaf.AnafError | None = None
    try:
        with closing(access.client_for(company, authorization)) as client:
            status = client.status(invoice.upload_id)
            if status.is_final:
                _finish(client, invoice, status)
            else:
                _save(
                    invoice,
                    anaf_state=status.state,
                    polls=invoice.polls + 1,
                    next_action_at=clock.now() + poll_delay(invoice.polls),
                    last_error="",
                )
    except anaf.RateLimited as exc:
        error = exc
        later = exc.reset_at or clock.now() + timedelta(hours=1)
        _save(invoice, last_error=code_for(exc), next_action_at=later)
    except anaf.AnafError as exc:
        error = exc
        _save(invoice, last_error=code_for(exc), next_action_at=clock.now() + poll_delay(invoice.polls))
    access.use_report(company=company, authorization_id=authorization.pk, error=error)
    return invoice.state


def _finish(client: anaf.EFacturaClient, invoice: OutgoingInvoice, status: anaf.MessageStatus) -> None:
    now = clock.now()
    if status.state == NOT_TAKEN or not status.download_id:
        with transaction.atomic():
            _save(
                invoice,
                state=OutgoingState.NOK,
                anaf_state=status.state,
                errors=[*invoice.errors, anaf_finding(status.state)],
                finished_at=now,
                next_action_at=None,
            )
            _announce(invoice)
        return
    if not invoice.answer_sha256 or invoice.download_id != status.download_id:
        raw = client.download(status.download_id).raw
        answer_sha256 = archive.blob_put(raw)  # stored before it is read
    else:
        raw, answer_sha256 = archive.blob_get(invoice.answer_sha256), invoice.answer_sha256
    changes: dict[str, Any] = {
        "anaf_state": status.state,
        "download_id": status.download_id,
        "answer_sha256": answer_sha256,
        "finished_at": now,
        "next_action_at": None,
        "last_error": "",
    }
    if status.is_ok:
        changes["state"] = OutgoingState.OK
        changes["signature_valid"] = read_zip(raw).signature_valid
    else:
        changes["state"] = OutgoingState.NOK
        changes["errors"] = [anaf_finding(text) for text in _answer_errors(raw)] or [
            anaf_finding(status.state)
        ]
    with transaction.atomic():
        _save(invoice, **changes)
        _announce(invoice)


def _answer_errors(raw: bytes) -> list[str]:
    try:
        return list(einvoice.open_anaf_zip(raw).errors)
    except einvoice.UnsafeArchive:
        return []


def _announce(invoice: OutgoingInvoice) -> None:
    if invoice.standard == Standard.RASP:  # a buyer message, not an issued invoice
        buyer_message_announce(invoice)
        return
    outcome = {
        OutgoingState.OK: SentOutcome.ACCEPTED,
        OutgoingState.NOK: SentOutcome.REJECTED,
    }.get(OutgoingState(invoice.state))
    if outcome is None:
        return
    company_cif = invoice.company.cif
    webhook_emit(
        organization=invoice.company.organization,
        event=SENT_EVENTS[outcome],
        data=sent_invoice_data(
            company_cif=company_cif,
            upload_id=invoice.upload_id,
            download_id=invoice.download_id,
            outcome=outcome,
            number=invoice.number,
            issue_date=invoice.issue_date.isoformat() if invoice.issue_date else None,
            errors=explained(invoice.errors),
            outgoing_id=invoice.pk,
            invoice_id=None,
        ),
        cause=sent_cause(company_cif=company_cif, upload_id=invoice.upload_id, outcome=outcome),
    )
