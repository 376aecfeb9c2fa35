"""RO e-Factura documents: parse, validate, render and build CIUS-RO UBL / CII invoices. No Django.

What ANAF does with them (ZIPs, signatures, error reports) is in docs/anaf.md; § numbers refer to its
sections.
"""

import logging

from .archive import AnafArchive, open_anaf_zip
from .build import build_ubl
from .cif import cif_is_valid, cif_with_check_digit
from .counties import county_code, sector_code
from .errors import EInvoiceError, InvalidInvoice, MalformedDocument, UnsafeArchive
from .export import invoice_to_dict
from .model import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    Syntax,
    TaxSubtotal,
    Totals,
)
from .parse import parse
from .render import render_html, render_pdf
from .signature import SignatureFormat, SignatureVerdict, verify_signature, verify_signature_digest
from .totals import compute_totals
from .validate import Finding, ValidationReport, validate, warm_up

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Address",
    "AllowanceCharge",
    "AnafArchive",
    "Attachment",
    "Contact",
    "DocumentKind",
    "EInvoiceError",
    "Finding",
    "InvalidInvoice",
    "Invoice",
    "Line",
    "MalformedDocument",
    "Party",
    "PaymentMeans",
    "SignatureFormat",
    "SignatureVerdict",
    "Syntax",
    "TaxSubtotal",
    "Totals",
    "UnsafeArchive",
    "ValidationReport",
    "build_ubl",
    "cif_is_valid",
    "cif_with_check_digit",
    "compute_totals",
    "county_code",
    "invoice_to_dict",
    "open_anaf_zip",
    "parse",
    "render_html",
    "render_pdf",
    "sector_code",
    "validate",
    "verify_signature",
    "verify_signature_digest",
    "warm_up",
]
