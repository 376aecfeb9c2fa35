"""Entry point of the `efactura` console script."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

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
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="env file with the settings (NAME=value lines); default: $EFACTURA_CONFIG",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config = args.config or os.environ.get("EFACTURA_CONFIG")
    if config:
        from hub.env import ConfigFileMissing, load_config_file

        path = Path(config).expanduser().resolve()
        try:
            load_config_file(path)
        except ConfigFileMissing as exc:
            parser.error(str(exc))
        os.environ["EFACTURA_CONFIG"] = str(path)  # child processes read the same file
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
