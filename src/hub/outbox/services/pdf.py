"""PDFs of issued invoices: the XML as received, laid out by `einvoice` in the worker under the ceilings of
`hub.documents.rendering`, stored once per XML and language."""

from __future__ import annotations

from hub.documents import archive
from hub.documents.rendering import PdfState, pdf_enqueue, pdf_read, pdf_render, stored_state
from hub.outbox.models import OutgoingInvoice


def _base(invoice: OutgoingInvoice, lang: str) -> str:
    digest = invoice.xml_sha256
    return f"pdf/outgoing/{digest[:2]}/{digest}-{lang}"


def outgoing_pdf(invoice: OutgoingInvoice, lang: str) -> bytes | None:
    return pdf_read(_base(invoice, lang))


def outgoing_pdf_request(invoice: OutgoingInvoice, lang: str) -> PdfState:
    """The PDF's state, enqueueing its render unless it is ready, refused, or already queued."""
    state = stored_state(_base(invoice, lang))
    if state != PdfState.PENDING:
        return state
    from hub.outbox.tasks import outgoing_pdf_render_task  # noqa: PLC0415 (the task module imports this one)

    pdf_enqueue(_base(invoice, lang), lambda: outgoing_pdf_render_task.delay(invoice.pk, lang))
    return stored_state(_base(invoice, lang))  # an eager Celery has rendered it already


def outgoing_pdf_render(*, invoice_id: int, lang: str) -> PdfState:
    invoice = OutgoingInvoice.objects.get(pk=invoice_id)
    return pdf_render(_base(invoice, lang), archive.blob_get(invoice.xml_sha256), lang)
