"""`efactura demo`: the whole hub on one machine (filled in by the hub issue)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the demo subcommand."""
    del subparsers
