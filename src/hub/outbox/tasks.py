"""Outbox tasks: each takes an id and calls one service. The beat task (every minute) enqueues what is due.

A poll whose next try is less than a minute away is enqueued again with an ETA by the task itself (the
seconds phase of `POLL_DELAYS`); longer waits are left to the beat, so a lost task costs at most a minute.
"""

from __future__ import annotations

from celery import shared_task

from hub.core import clock
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.services.deadlines import deadlines_warn
from hub.outbox.services.following import outgoing_poll
from hub.outbox.services.sending import outgoing_reconcile, outgoing_send, sends_crashed_reap

CHAINED_POLLS = 6  # polls a task chains by itself (the seconds of `POLL_DELAYS`)


@shared_task(expires=3600)
def outgoing_send_task(invoice_id: int) -> str:
    state = outgoing_send(invoice_id=invoice_id)
    if state == OutgoingState.SENT:
        _poll_soon(invoice_id)
    return state


@shared_task(expires=3600)
def outgoing_poll_task(invoice_id: int) -> str:
    state = outgoing_poll(invoice_id=invoice_id)
    if state == OutgoingState.SENT:
        _poll_soon(invoice_id)
    return state


def _poll_soon(invoice_id: int) -> None:
    row = OutgoingInvoice.objects.filter(pk=invoice_id, state=OutgoingState.SENT).first()
    if row is None or row.next_action_at is None or row.polls >= CHAINED_POLLS:
        return
    outgoing_poll_task.apply_async((invoice_id,), eta=row.next_action_at)


@shared_task(expires=3600)
def outgoing_reconcile_task(invoice_id: int) -> str:
    state = outgoing_reconcile(invoice_id=invoice_id)
    if state == OutgoingState.QUEUED:
        outgoing_send_task.delay(invoice_id)
    elif state == OutgoingState.SENT:
        outgoing_poll_task.delay(invoice_id)
    return state


@shared_task(expires=55)
def outbox_due_task() -> int:
    """Beat: crashed sends become uncertain; due sends, checks and polls are enqueued."""
    sends_crashed_reap()
    now = clock.now()
    due = OutgoingInvoice.objects.filter(next_action_at__lte=now).values_list("pk", "state")
    tasks = {
        OutgoingState.QUEUED: outgoing_send_task,
        OutgoingState.UNCERTAIN: outgoing_reconcile_task,
        OutgoingState.SENT: outgoing_poll_task,
    }
    count = 0
    for invoice_id, state in list(due[:500]):
        task = tasks.get(OutgoingState(state))
        if task is not None:
            task.delay(invoice_id)
            count += 1
    return count


@shared_task(expires=55 * 60)
def outbox_deadlines_task() -> int:
    """Beat: announce the issued invoices close to their legal deadline and not yet accepted."""
    return deadlines_warn()


# The child process has its own time limit (EFACTURA_PDF_TIME_LIMIT); these only catch a stuck parent.
@shared_task(soft_time_limit=15 * 60, time_limit=16 * 60)
def outgoing_pdf_render_task(invoice_id: int, lang: str = "ro") -> str:
    from hub.outbox.services.pdf import outgoing_pdf_render  # noqa: PLC0415 (pdf enqueues this task)

    return outgoing_pdf_render(invoice_id=invoice_id, lang=lang)
