"""PDFs of archived invoice XML, rendered under a line limit, a time limit and a memory ceiling; shared by
the inbox (received invoices) and the outbox (issued invoices).

A PDF is named by a `base` the caller chooses (`pdf/<sha[:2]>/<sha>-<lang>`), kept in the archive storage as
`<base>.pdf`; a render that hit a ceiling is kept as `<base>.refused` (not tried again) and a render waiting
in the queue as `<base>.queued`. The render runs in a child process (`efactura invoice render`) whose
address space is capped with `RLIMIT_AS` and which is killed past the time limit, so one hostile invoice
cannot take the worker down with it. A web process never lays out a PDF: it enqueues the caller's task
(`pdf_enqueue`).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from hub.documents import archive

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


def stored(name: str) -> bytes | None:
    storage = archive.archive_storage()
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def store(name: str, data: bytes) -> None:
    storage = archive.archive_storage()
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(data))


def pdf_read(base: str) -> bytes | None:
    return stored(f"{base}.pdf")


def stored_state(base: str) -> PdfState:
    """READY when the PDF is stored, the reason when a render was refused, else PENDING."""
    if archive.archive_storage().exists(f"{base}.pdf"):
        return PdfState.READY
    refused = stored(f"{base}.refused")
    return PdfState(refused.decode()) if refused is not None else PdfState.PENDING


def pdf_enqueue(base: str, enqueue: Callable[[], object]) -> None:
    """Call `enqueue` (which queues the render task) unless a render of `base` is queued already."""
    queued = stored(f"{base}.queued")
    if queued is None or time.time() - float(queued.decode() or 0) > QUEUED_FOR:
        store(f"{base}.queued", str(time.time()).encode())
        enqueue()


def pdf_render(base: str, xml: bytes, lang: str) -> PdfState:
    """Render `xml` in a child process under the ceilings; store the PDF, or the reason it was refused."""
    state = stored_state(base)
    if state != PdfState.PENDING:
        return state
    with tempfile.TemporaryDirectory(prefix="efactura-pdf-") as work:
        source, output = Path(work) / "invoice.xml", Path(work) / "invoice.pdf"
        source.write_bytes(xml)
        state = render_bounded(source, output, lang)
        if state == PdfState.READY:
            store(f"{base}.pdf", output.read_bytes())
        else:
            store(f"{base}.refused", state.encode())
            log.warning("PDF %s not rendered: %s", base, state)
    archive.archive_storage().delete(f"{base}.queued")
    return state


# The child caps its own address space before importing anything (no `preexec_fn`: unsafe with threads).
CHILD = (
    "import resource, runpy, sys; ceiling = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling)); sys.argv[0] = 'efactura'; "
    "runpy.run_module('efactura', run_name='__main__')"
)


def render_bounded(source: Path, output: Path, lang: str) -> PdfState:
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
