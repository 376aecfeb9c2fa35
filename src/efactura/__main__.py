"""Entry point of the `efactura` console script."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each module exposes ``register(subparsers)`` adding its subcommands; each subcommand sets
# ``func`` (taking the parsed namespace, returning an exit code) through ``set_defaults``.
COMMAND_MODULES = (
    "anaf_sandbox.cli",
    "einvoice.cli",
    "anaf.cli",
    "hub.cli",
    "efactura.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="efactura",
        description="e-Factura Hub: ANAF RO e-Factura for businesses and accountants.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
