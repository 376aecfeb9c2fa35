"""The errors of the e-invoice library.

    EInvoiceError
    ├── MalformedDocument   not well-formed XML, a DTD/entity declaration, or no invoice root at all
    ├── InvalidInvoice      the builder refuses a model missing what CIUS-RO requires
    └── UnsafeArchive       an ANAF ZIP over the size, ratio or entry-count limits, or not a ZIP

A document that parses but is not a clean invoice is not an error: `parse` records warnings instead.
Messages carry English and Romanian, because they reach users unchanged.
"""

from __future__ import annotations


class EInvoiceError(Exception):
    """Root of every error raised by `einvoice`."""


class MalformedDocument(EInvoiceError):
    """The bytes are not a well-formed, safe XML invoice document (UBL Invoice/CreditNote or CII)."""


class InvalidInvoice(EInvoiceError):
    """The model lacks what CIUS-RO requires, so no UBL is built from it."""


class UnsafeArchive(EInvoiceError):
    """The ZIP is not one we open: not a ZIP, too big, too many entries, or compressed suspiciously well."""
