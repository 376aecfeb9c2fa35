"""Sending exactly once: `outgoing_send`, `outgoing_reconcile` and the recovery of a crashed send.

An upload leaves only from a row this worker moved from `queued` to `sending` by a conditional update (one
row changed, or someone else has it), and only after an `UploadAttempt` row is written: whatever happens next
(a timeout, a 5xx, ANAF's "A aparut o eroare tehnica", a crash after the request left), the attempt is on
record and the invoice becomes `uncertain`, never `queued`. An uncertain invoice is uploaded again only after
`outgoing_reconcile` has looked for it in ANAF's list of sent messages (filter T, from the first uncertain
attempt on) and either linked the upload it found (matched by the invoice inside the answer ZIP) or, once
ANAF's indexing delay has surely passed (`EFACTURA_OUTBOX_SETTLE_MINUTES`), established that nothing arrived.
Errors that prove nothing was filed (our own quota limiter, a refused token, no SPV rights, a connection that
never opened) leave the invoice queued or failed, never uncertain.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import closing
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

import anaf
import einvoice
from anaf.models import MessageFilter
from hub.core import clock
from hub.core.problems import SyncError
from hub.documents import archive
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.services import access
from hub.outbox.models import OutgoingInvoice, OutgoingState, Standard, UploadAttempt
from hub.outbox.services.intake import outgoing_xml

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a send or a check holding longer than this crashed
FIRST_CHECK = timedelta(minutes=1)  # an uncertain upload is looked for first after this
CHECK_EVERY = timedelta(minutes=5)
LIST_MARGIN = timedelta(minutes=10)  # list from this long before the first uncertain attempt
NOTHING_FILED = (anaf.NoSpvRights, anaf.InvalidToken, anaf.ReauthorizationRequired, anaf.WafBlocked)


def settle_time() -> timedelta:
    """How long after an upload ANAF surely lists it (`EFACTURA_OUTBOX_SETTLE_MINUTES`)."""
    return timedelta(minutes=getattr(settings, "EFACTURA_OUTBOX_SETTLE_MINUTES", 20))


def _claim(invoice_id: int, current: str, /, **changes: object) -> OutgoingInvoice | None:
    """The invoice if this worker claimed it in state `current` (a conditional update changing one row)."""
    now = clock.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    changed = (
        OutgoingInvoice.objects.filter(pk=invoice_id, state=current)
        .filter(free)
        .update(claimed_until=now + LEASE, **changes)
    )
    if changed != 1:
        return None
    return OutgoingInvoice.objects.select_related("company__organization").get(pk=invoice_id)


def _save(invoice: OutgoingInvoice, **changes: object) -> None:
    for name, value in changes.items():
        setattr(invoice, name, value)
    invoice.claimed_until = None
    invoice.save(update_fields=[*changes, "claimed_until"])


def outgoing_send(*, invoice_id: int) -> str:
    """Upload one queued invoice; returns the state it ends in (or "busy" if it was not ours to send)."""
    invoice = _claim(invoice_id, OutgoingState.QUEUED, state=OutgoingState.SENDING, next_action_at=None)
    if invoice is None:
        return "busy"
    company = invoice.company
    now = clock.now()
    try:
        authorization = access.usable_authorization(company)
    except SyncError as exc:
        _save(invoice, state=OutgoingState.FAILED, last_error=exc.code)
        return invoice.state
    attempt = UploadAttempt.objects.create(invoice=invoice, started=now)  # on record before the request
    error: anaf.AnafError | None = None
    try:
        with closing(access.client_for(company, authorization)) as client:
            result = client.upload(
                outgoing_xml(invoice),
                company.cif,
                invoice.standard,  # type: ignore[arg-type]
                extern=invoice.extern,
                self_billed=invoice.self_billed,
                enforcement=invoice.enforcement,
                b2c=invoice.b2c,
            )
    except anaf.AnafError as exc:
        error = exc
        _after_error(invoice, attempt, exc)
    else:
        _after_answer(invoice, attempt, result)
    access.use_report(company=company, authorization_id=authorization.pk, error=error)
    return invoice.state


def _after_answer(invoice: OutgoingInvoice, attempt: UploadAttempt, result: anaf.UploadResult) -> None:
    now = clock.now()
    if result.accepted and result.upload_id:
        attempt.outcome, attempt.upload_id = "sent", result.upload_id
        _save(
            invoice,
            state=OutgoingState.SENT,
            upload_id=result.upload_id,
            uploaded_at=now,
            polls=0,
            next_action_at=now,
            last_error="",
        )
    else:  # refused on the spot (XSD, parameters): nothing was filed
        attempt.outcome = "refused"
        _save(
            invoice,
            state=OutgoingState.NOK,
            errors=[anaf_finding(text) for text in result.errors],
            finished_at=now,
            next_action_at=None,
        )
    attempt.finished = now
    attempt.save(update_fields=["outcome", "upload_id", "finished"])


def _after_error(invoice: OutgoingInvoice, attempt: UploadAttempt, exc: anaf.AnafError) -> None:
    now = clock.now()
    code = code_for(exc)
    attempt.finished, attempt.detail = now, f"{exc.__class__.__name__}: {exc}"[:500]
    if isinstance(exc, anaf.RateLimited) or (
        type(exc) in (anaf.TransportError, anaf.Timeout)  # the connection never opened: nothing left
    ):
        reset = getattr(exc, "reset_at", None)
        attempt.outcome = "not_sent"
        _save(
            invoice,
            state=OutgoingState.QUEUED,
            next_action_at=reset if isinstance(reset, datetime) else now + timedelta(minutes=1),
            last_error=code,
        )
    elif isinstance(exc, NOTHING_FILED):
        attempt.outcome = "failed"
        _save(invoice, state=OutgoingState.FAILED, last_error=code, next_action_at=None)
    else:  # the request may have been filed: look before leaping
        attempt.outcome = "uncertain"
        _save(invoice, state=OutgoingState.UNCERTAIN, last_error=code, next_action_at=now + FIRST_CHECK)
    attempt.save(update_fields=["outcome", "finished", "detail"])


def anaf_finding(text: str) -> dict[str, str]:
    return {"rule": "ANAF", "message": text, "value": "", "location": "", "source": "anaf"}


def outgoing_reconcile(*, invoice_id: int) -> str:
    """Decide an uncertain invoice: linked to the upload ANAF holds, requeued, or asked again later."""
    invoice = _claim(invoice_id, OutgoingState.UNCERTAIN)
    if invoice is None:
        return "busy"
    company = invoice.company
    attempts = list(invoice.attempts.all())
    open_attempts = attempts[_last_absent(attempts) + 1 :]
    if not open_attempts:  # nothing may have left since the last "nothing arrived"
        _save(invoice, state=OutgoingState.QUEUED, next_action_at=clock.now())
        return invoice.state
    since = open_attempts[0].started - LIST_MARGIN
    error: anaf.AnafError | None = None
    try:
        authorization = access.usable_authorization(company)
    except SyncError as exc:
        _save(invoice, last_error=exc.code, next_action_at=clock.now() + CHECK_EVERY)
        return invoice.state
    try:
        with closing(access.client_for(company, authorization)) as client:
            found = _find_upload(client, invoice, since)
    except anaf.AnafError as exc:
        error = exc
        _save(invoice, last_error=code_for(exc), next_action_at=clock.now() + CHECK_EVERY)
    else:
        _decide(invoice, open_attempts[-1], found)
    access.use_report(company=company, authorization_id=authorization.pk, error=error)
    return invoice.state


def _last_absent(attempts: list[UploadAttempt]) -> int:
    """Index of the last reconciliation that established nothing arrived (-1: none)."""
    for index in range(len(attempts) - 1, -1, -1):
        if attempts[index].outcome == "absent":
            return index
    return -1


def _find_upload(
    client: anaf.EFacturaClient, invoice: OutgoingInvoice, since: datetime
) -> tuple[anaf.Message, bytes] | None:
    """The sent message at ANAF holding exactly this invoice, with its answer ZIP, or None."""
    taken = set(
        OutgoingInvoice.objects.filter(company=invoice.company)
        .exclude(pk=invoice.pk)
        .exclude(upload_id="")
        .values_list("upload_id", flat=True)
    )
    ours = outgoing_xml(invoice)
    listed: MessageFilter = "R" if invoice.standard == Standard.RASP else "T"  # buyer messages: R
    for message in client.iter_messages(invoice.company.cif, start=since, filter=listed):
        if message.upload_id in taken:
            continue
        downloaded = client.download(message.download_id)
        try:
            opened = einvoice.open_anaf_zip(downloaded.raw)
        except einvoice.UnsafeArchive:
            continue
        if _same_invoice(opened.xml, ours, invoice):
            return message, downloaded.raw
    return None


def _same_invoice(theirs: bytes, ours: bytes, invoice: OutgoingInvoice) -> bool:
    if hashlib.sha256(theirs).digest() == hashlib.sha256(ours).digest():
        return True
    try:
        parsed = einvoice.parse(theirs)
    except einvoice.EInvoiceError:
        return False
    return (parsed.number or "") == invoice.number and parsed.issue_date == invoice.issue_date


@transaction.atomic
def _decide(
    invoice: OutgoingInvoice, attempt: UploadAttempt, found: tuple[anaf.Message, bytes] | None
) -> None:
    now = clock.now()
    if found is not None:
        message, raw = found
        attempt.outcome, attempt.upload_id = "found", message.upload_id
        attempt.save(update_fields=["outcome", "upload_id"])
        _save(
            invoice,
            state=OutgoingState.SENT,
            upload_id=message.upload_id,
            uploaded_at=attempt.started,
            download_id=message.download_id,
            answer_sha256=archive.blob_put(raw),
            polls=0,
            next_action_at=now,
            last_error="",
        )
        return
    if now - attempt.started < settle_time():
        _save(invoice, next_action_at=min(attempt.started + settle_time(), now + CHECK_EVERY))
        return
    UploadAttempt.objects.create(invoice=invoice, started=now, finished=now, outcome="absent")
    _save(invoice, state=OutgoingState.QUEUED, next_action_at=now, last_error="")


def sends_crashed_reap() -> int:
    """A send whose lease lapsed died after its attempt was recorded: the upload may have left."""
    now = clock.now()
    return OutgoingInvoice.objects.filter(state=OutgoingState.SENDING, claimed_until__lt=now).update(
        state=OutgoingState.UNCERTAIN, claimed_until=None, next_action_at=now
    )
