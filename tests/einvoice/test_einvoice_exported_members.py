"""The public API of `einvoice` is exactly these names: adding one is a decision, not an accident."""

from __future__ import annotations

import einvoice

EXPECTED = {
    # the model (einvoice.model)
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Contact",
    "DocumentKind",
    "Invoice",
    "Line",
    "Party",
    "PaymentMeans",
    "Syntax",
    "TaxSubtotal",
    "Totals",
    # errors
    "EInvoiceError",
    "InvalidInvoice",
    "MalformedDocument",
    "UnsafeArchive",
    # read
    "parse",
    "invoice_to_dict",
    "open_anaf_zip",
    "AnafArchive",
    "verify_signature",
    "verify_signature_digest",
    "SignatureVerdict",
    "SignatureFormat",
    # write
    "build_ubl",
    "compute_totals",
    "cif_is_valid",
    "cif_with_check_digit",
    "county_code",
    "sector_code",
    # check and render
    "validate",
    "ValidationReport",
    "Finding",
    "warm_up",
    "render_html",
    "render_pdf",
}


def test_all_lists_exactly_the_public_names() -> None:
    assert set(einvoice.__all__) == EXPECTED
    assert len(einvoice.__all__) == len(EXPECTED)


def test_every_public_name_exists() -> None:
    for name in einvoice.__all__:
        assert getattr(einvoice, name) is not None, name


def test_the_library_logger_is_silent_by_default() -> None:
    import logging

    handlers = logging.getLogger("einvoice").handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)
