"""`efactura invoice ...` subcommands: parse (read) and validate/render (check)."""

from __future__ import annotations

import importlib
from typing import Any

_PARTS = ("einvoice._cli_read", "einvoice._cli_check")


def register(subparsers: Any) -> None:
    """Add `efactura invoice` with the subcommands each part of the library offers."""
    invoice = subparsers.add_parser("invoice", help="read, check and render e-invoices")
    sub = invoice.add_subparsers(dest="invoice_command", metavar="ACTION")
    for name in _PARTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a part not written yet
            if exc.name != name:
                raise
            continue
        module.register(sub)
