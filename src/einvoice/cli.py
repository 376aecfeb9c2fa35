"""`efactura` subcommands offered by `einvoice`."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add this package's subcommands to the `efactura` parser."""
    del subparsers
