"""PDFs of archived received invoices, rendered in the worker under the ceilings of `hub.documents.rendering`.

A web process never lays out a PDF: the first request enqueues `invoice_pdf_render_task` and the page
polls until the PDF is in the archive storage (beside the ZIP, named by the ZIP's sha256 and the language,
so it is rendered once). An invoice over the line limit, or one that hits a ceiling, gets a clear page
offering its XML instead; the outcome is kept, so it is not tried again.
"""

from __future__ import annotations

from hub.documents.rendering import PdfState, max_lines, pdf_enqueue, pdf_read, pdf_render, stored_state
from hub.inbox.documents import contents
from hub.inbox.models import Invoice

__all__ = ["PdfState", "invoice_pdf_render", "pdf_cached", "pdf_request", "pdf_state"]


def _base(invoice: Invoice, lang: str) -> str:
    digest = invoice.message.zip_sha256
    return f"pdf/{digest[:2]}/{digest}-{lang}"


def pdf_cached(invoice: Invoice, lang: str) -> bytes | None:
    return pdf_read(_base(invoice, lang))


def pdf_state(invoice: Invoice, lang: str) -> PdfState:
    """Where the PDF stands, without rendering anything."""
    state = stored_state(_base(invoice, lang))
    if state != PdfState.READY and invoice.lines.count() > max_lines():
        return PdfState.TOO_MANY_LINES
    return state


def pdf_request(invoice: Invoice, lang: str) -> PdfState:
    """The PDF's state, enqueueing its render unless it is ready, refused, or already queued."""
    state = pdf_state(invoice, lang)
    if state != PdfState.PENDING:
        return state
    from hub.inbox.tasks import invoice_pdf_render_task  # noqa: PLC0415 (the task module imports this one)

    pdf_enqueue(_base(invoice, lang), lambda: invoice_pdf_render_task.delay(invoice.pk, lang))
    return pdf_state(invoice, lang)  # an eager Celery (tests, one-process setups) has rendered it already


def invoice_pdf_render(*, invoice_id: int, lang: str) -> PdfState:
    """Render in a child process under the ceilings; store the PDF, or the reason it was refused."""
    invoice = Invoice.objects.select_related("message").get(pk=invoice_id)
    state = pdf_state(invoice, lang)
    if state != PdfState.PENDING:
        return state
    return pdf_render(_base(invoice, lang), contents(invoice).xml, lang)
