"""`efactura invoice ...` subcommands: parse (read), validate/render (check) and verify (signatures)."""

from __future__ import annotations

from typing import Any

from . import _cli_check, _cli_read, _cli_verify


def register(subparsers: Any) -> None:
    """Add `efactura invoice` with its subcommands: parse, validate, render, verify."""
    invoice = subparsers.add_parser("invoice", help="read, check and render e-invoices")
    sub = invoice.add_subparsers(dest="invoice_command", metavar="ACTION")
    _cli_read.register(sub)
    _cli_check.register(sub)
    _cli_verify.register(sub)
