"""Rows for the security tests: archived invoices written straight into the inbox (no ANAF round trip),
so a test can put hostile text exactly where an export or a header would carry it."""

from __future__ import annotations

import io
import itertools
import zipfile
from decimal import Decimal
from typing import Any

from hub.accounts.models import Company
from hub.core import clock
from hub.documents import archive
from hub.inbox.models import Direction, DocumentKind, Invoice, InvoiceState, Message, MessageState

_ids = itertools.count(5_000_000_001)

UBL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>F-1</ID></Invoice>"""


def anaf_zip(xml_name: str = "5000000001.xml", xml: bytes = UBL) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(xml_name, xml)
        bundle.writestr("semnatura_5000000001.xml", b"<Signature/>")
    return buffer.getvalue()


def invoice_make(company: Company, *, data: bytes | None = None, **fields: Any) -> Invoice:
    """An archived invoice of `company`; `fields` override the parsed values."""
    now = clock.now()
    digest = archive.blob_put(data if data is not None else anaf_zip())
    message = Message.objects.create(
        company=company,
        download_id=str(next(_ids)),
        direction=Direction.RECEIVED,
        created_at=now,
        listed_at=now,
        state=MessageState.ARCHIVED,
        zip_sha256=digest,
        archived_at=now,
    )
    values: dict[str, Any] = {
        "organization": company.organization,
        "company": company,
        "message": message,
        "direction": Direction.RECEIVED,
        "kind": DocumentKind.INVOICE,
        "state": InvoiceState.OK,
        "number": f"F-{message.download_id}",
        "currency": "RON",
        "seller_name": "Furnizor SRL",
        "seller_cif": "RO16000015",
        "buyer_name": company.name,
        "buyer_cif": company.cif,
        "payable": Decimal("119.00"),
        "received_at": now,
        "created": now,
    }
    values.update(fields)
    values["search"] = f"{values['seller_name']} {values['number']}".lower()
    return Invoice.objects.create(**values)
