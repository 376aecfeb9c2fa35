"""`efactura invoice parse FILE... [--json]`: the read half of the invoice CLI."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .archive import open_anaf_zip
from .errors import EInvoiceError
from .export import invoice_to_dict
from .model import Invoice, Party
from .parse import parse


def register(sub: Any) -> None:
    """Add `parse` to the subparsers of `efactura invoice`."""
    command = sub.add_parser(
        "parse",
        help="read UBL / CII invoices (or ANAF's ZIPs) and print their main terms",
        description="Exit status 0 when every file was read as an invoice, 1 otherwise.",
    )
    command.add_argument("files", nargs="+", metavar="FILE", type=Path)
    command.add_argument("--json", action="store_true", help="one JSON object per file (a list for several)")
    command.set_defaults(func=run_parse)


def run_parse(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    status = 0
    for path in args.files:
        try:
            invoice = parse(_document(path.read_bytes()))
        except OSError as exc:
            error = f"Cannot read the file / Fișierul nu poate fi citit: {exc.strerror or exc}"
        except EInvoiceError as exc:
            error = str(exc)
        else:
            if args.json:
                results.append({"file": str(path), **invoice_to_dict(invoice)})
            else:
                print(_summary(str(path), invoice))
            continue
        status = 1
        if args.json:
            results.append({"file": str(path), "error": error})
        else:
            print(f"{path}: {error}", file=sys.stderr)
    if args.json:
        payload: Any = results[0] if len(results) == 1 else results
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return status


def _document(data: bytes) -> bytes:
    """The XML itself, or the invoice inside a ZIP downloaded from ANAF (docs/anaf.md §2.5)."""
    if not data.startswith(b"PK\x03\x04"):
        return data
    archive = open_anaf_zip(data)
    if archive.kind in ("invoice", "credit_note"):
        return archive.xml
    details = "; ".join(archive.errors or ([archive.message] if archive.message else []))
    what = {"error_report": "an error report", "buyer_message": "a buyer message"}.get(
        archive.kind, "a document of unknown kind" if archive.xml else "no XML document"
    )
    raise EInvoiceError(
        f"The ZIP holds {what}, not an invoice{': ' + details if details else ''}"
        f" / Arhiva nu conține o factură ({archive.kind})"
    )


def _who(party: Party) -> str:
    ids = ", ".join(value for value in (party.vat_id, party.registration_id) if value)
    return f"{party.name or '?'}" + (f" ({ids})" if ids else "")


def _summary(name: str, invoice: Invoice) -> str:
    kind = "credit note" if invoice.kind.value == "credit_note" else "invoice"
    due = f", due {invoice.due_date.isoformat()}" if invoice.due_date else ""
    issued = invoice.issue_date.isoformat() if invoice.issue_date else "?"
    totals = invoice.totals
    payable = f"{totals.payable:f}" if totals.payable is not None else "?"
    tax = f"{totals.tax:f}" if totals.tax is not None else "?"
    syntax = invoice.syntax.value.upper()
    rows = [
        f"{name}: {kind} {invoice.number or '?'} ({syntax}, type {invoice.type_code or '?'})"
        f" issued {issued}{due}",
        f"  seller: {_who(invoice.seller)}",
        f"  buyer:  {_who(invoice.buyer)}",
        f"  {len(invoice.lines)} line(s), amount due {payable} {invoice.currency or ''} (VAT {tax})".rstrip(),
    ]
    rows.extend(f"  warning: {warning}" for warning in invoice.warnings)
    return "\n".join(rows)
