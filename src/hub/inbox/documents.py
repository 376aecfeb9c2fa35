"""The files of an archived message: the original ZIP, the XML and signature inside it, a rendered PDF.

XML and signature are always read back from the stored ZIP (the one source of truth). PDFs are rendered
in the worker and kept in the archive storage beside the ZIP (`services.rendering`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import einvoice
from hub.core.spreadsheet import csv_lines
from hub.documents import archive
from hub.inbox.models import Invoice


@dataclass
class Contents:
    xml_name: str
    xml: bytes
    signature_name: str | None
    signature: bytes | None


def original_zip(invoice: Invoice) -> bytes:
    return archive.blob_get(invoice.message.zip_sha256)


def zip_name(invoice: Invoice) -> str:
    return f"{invoice.message.download_id}.zip"


def contents(invoice: Invoice) -> Contents:
    opened = einvoice.open_anaf_zip(original_zip(invoice))
    return Contents(
        xml_name=opened.xml_name or f"{invoice.message.download_id}.xml",
        xml=opened.xml,
        signature_name=opened.signature_name,
        signature=opened.signature,
    )


CSV_COLUMNS = (
    "id",
    "company_cif",
    "message_id",
    "direction",
    "kind",
    "state",
    "number",
    "issue_date",
    "due_date",
    "seller_name",
    "seller_cif",
    "buyer_name",
    "buyer_cif",
    "currency",
    "tax_exclusive",
    "tax",
    "payable",
    "received_at",
    "problem",
)


def csv_rows(invoices: Iterable[Invoice]) -> Iterator[str]:
    """CSV lines (UTF-8 text with a header), streamed, through the hub's formula-safe writer."""
    return csv_lines(CSV_COLUMNS, (_csv_cells(invoice) for invoice in invoices))


def _csv_cells(invoice: Invoice) -> list[object]:
    return [
        invoice.pk,
        invoice.company.cif,
        invoice.message.download_id,
        invoice.direction,
        invoice.kind,
        invoice.state,
        invoice.number,
        invoice.issue_date.isoformat() if invoice.issue_date else "",
        invoice.due_date.isoformat() if invoice.due_date else "",
        invoice.seller_name,
        invoice.seller_cif,
        invoice.buyer_name,
        invoice.buyer_cif,
        invoice.currency,
        invoice.tax_exclusive,
        invoice.tax,
        invoice.payable,
        invoice.received_at.isoformat(),
        invoice.problem.replace("\n", " ")[:500],
    ]


def zip_of_originals(invoices: Iterable[Invoice]) -> bytes:
    """One ZIP holding each original ANAF ZIP as `<company cif>/<message id>.zip`, plus the CSV."""
    chosen = list(invoices)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as bundle:
        for invoice in chosen:
            bundle.writestr(f"{invoice.company.cif}/{zip_name(invoice)}", original_zip(invoice))
        bundle.writestr("facturi.csv", "".join(csv_rows(chosen)).encode("utf-8"))
    return output.getvalue()
