"""`efactura invoice ...` subcommands: parse (read) and validate/render (check)."""

from __future__ import annotations

from typing import Any

from . import _cli_check, _cli_read


def register(subparsers: Any) -> None:
    """Add `efactura invoice` with its subcommands: parse, validate, render."""
    invoice = subparsers.add_parser("invoice", help="read, check and render e-invoices")
    sub = invoice.add_subparsers(dest="invoice_command", metavar="ACTION")
    _cli_read.register(sub)
    _cli_check.register(sub)
