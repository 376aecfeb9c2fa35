"""The text of a rendered invoice PDF, page by page, for the render tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from einvoice import Invoice, render_html, render_pdf


def pdf_pages(invoice: Invoice, tmp_path: Path, lang: str = "ro") -> list[str]:
    """The text of each page of the invoice's PDF.

    pdftotext (poppler-utils) reads the PDF bytes themselves; without it, the text comes from the pages
    WeasyPrint laid out for the same HTML.
    """
    pdf = render_pdf(invoice, lang=lang)
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        import weasyprint

        document = weasyprint.HTML(string=render_html(invoice, lang)).render()
        return [
            " ".join(box.text for box in page._page_box.descendants() if hasattr(box, "text"))
            for page in document.pages
        ]
    path = tmp_path / "invoice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def pdf_bytes_text(data: bytes) -> str:
    """The text of a PDF file as served (pypdf reads it: no layout engine involved)."""
    import io

    from pypdf import PdfReader

    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
