"""PDFs of archived invoices, rendered in the worker under a line limit, a time limit and a memory ceiling.

A web process never lays out a PDF: the first request enqueues `invoice_pdf_render_task` and the page
polls until the PDF is in the archive storage (beside the ZIP, named by the ZIP's sha256 and the language,
so it is rendered once). The worker renders in a child process (`efactura invoice render`) whose address
space is capped with `RLIMIT_AS` and which is killed past the time limit, so one hostile invoice cannot
take the worker down with it. An invoice over the line limit, or one that hits a ceiling, gets a clear page
offering its XML instead; the outcome is kept (`.refused`), so it is not tried again.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import time
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from hub.documents import archive
from hub.inbox.documents import contents
from hub.inbox.models import Invoice

log = logging.getLogger(__name__)
QUEUED_FOR = 15 * 60  # a render queued longer ago than this was lost with its worker: queue it again
TOO_LARGE_EXIT = 3  # `efactura invoice render --max-lines` refused it


class PdfState(StrEnum):
    READY = "ready"
    PENDING = "pending"
    TOO_MANY_LINES = "too_many_lines"
    TOO_SLOW = "too_slow"
    TOO_BIG = "too_big"  # the memory ceiling
    FAILED = "failed"


def max_lines() -> int:
    return int(getattr(settings, "EFACTURA_PDF_MAX_LINES", 5000))


def time_limit() -> float:
    return float(getattr(settings, "EFACTURA_PDF_TIME_LIMIT", 120))


def memory_limit_mb() -> int:
    return int(getattr(settings, "EFACTURA_PDF_MEMORY_MB", 1536))


def _name(invoice: Invoice, lang: str, suffix: str) -> str:
    digest = invoice.message.zip_sha256
    return f"pdf/{digest[:2]}/{digest}-{lang}.{suffix}"


def _read(name: str) -> bytes | None:
    storage = archive.archive_storage()
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def _write(name: str, data: bytes) -> None:
    storage = archive.archive_storage()
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(data))


def pdf_cached(invoice: Invoice, lang: str) -> bytes | None:
    return _read(_name(invoice, lang, "pdf"))


def pdf_state(invoice: Invoice, lang: str) -> PdfState:
    """Where the PDF stands, without rendering anything."""
    if archive.archive_storage().exists(_name(invoice, lang, "pdf")):
        return PdfState.READY
    if invoice.lines.count() > max_lines():
        return PdfState.TOO_MANY_LINES
    refused = _read(_name(invoice, lang, "refused"))
    if refused is not None:
        return PdfState(refused.decode())
    return PdfState.PENDING


def pdf_request(invoice: Invoice, lang: str) -> PdfState:
    """The PDF's state, enqueueing its render unless it is ready, refused, or already queued."""
    state = pdf_state(invoice, lang)
    if state != PdfState.PENDING:
        return state
    queued = _read(_name(invoice, lang, "queued"))
    if queued is None or time.time() - float(queued.decode() or 0) > QUEUED_FOR:
        _write(_name(invoice, lang, "queued"), str(time.time()).encode())
        from hub.inbox.tasks import invoice_pdf_render_task  # noqa: PLC0415 (the task module imports this one)

        invoice_pdf_render_task.delay(invoice.pk, lang)
    return pdf_state(invoice, lang)  # an eager Celery (tests, one-process setups) has rendered it already


def invoice_pdf_render(*, invoice_id: int, lang: str) -> PdfState:
    """Render in a child process under the ceilings; store the PDF, or the reason it was refused."""
    invoice = Invoice.objects.select_related("message").get(pk=invoice_id)
    state = pdf_state(invoice, lang)
    if state != PdfState.PENDING:
        return state
    with tempfile.TemporaryDirectory(prefix="efactura-pdf-") as work:
        source, output = Path(work) / "invoice.xml", Path(work) / "invoice.pdf"
        source.write_bytes(contents(invoice).xml)
        state = _render_bounded(source, output, lang)
        if state == PdfState.READY:
            _write(_name(invoice, lang, "pdf"), output.read_bytes())
        else:
            _write(_name(invoice, lang, "refused"), state.encode())
            log.warning("PDF of invoice %s not rendered: %s", invoice_id, state)
    archive.archive_storage().delete(_name(invoice, lang, "queued"))
    return state


# The child caps its own address space before importing anything (no `preexec_fn`: unsafe with threads).
CHILD = (
    "import resource, runpy, sys; ceiling = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling)); sys.argv[0] = 'efactura'; "
    "runpy.run_module('efactura', run_name='__main__')"
)


def _render_bounded(source: Path, output: Path, lang: str) -> PdfState:
    ceiling = memory_limit_mb() * 1024 * 1024
    command = [sys.executable, "-c", CHILD, str(ceiling), "invoice", "render", str(source), "-o", str(output)]
    command += ["--lang", lang, "--max-lines", str(max_lines())]
    try:
        finished = subprocess.run(command, capture_output=True, timeout=time_limit(), check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child
        return PdfState.TOO_SLOW
    if finished.returncode == 0 and output.exists():
        return PdfState.READY
    if finished.returncode == TOO_LARGE_EXIT:
        return PdfState.TOO_MANY_LINES
    errors = finished.stderr.decode(errors="replace")
    if "MemoryError" in errors or "Cannot allocate memory" in errors or finished.returncode < 0:
        return PdfState.TOO_BIG
    log.warning("PDF render failed (exit %s): %s", finished.returncode, errors[-500:])
    return PdfState.FAILED
