"""`efactura sandbox`: serve the ANAF sandbox for people (the demo, manual integration work)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``efactura sandbox`` to the `efactura` parser."""
    parser = subparsers.add_parser(
        "sandbox",
        help="serve a local stand-in for ANAF (OAuth, e-Factura REST, public services)",
        description="Serve the ANAF sandbox: logincert OAuth, /prod|/test/FCTEL/rest, public services, "
        "and its control API under /_sandbox/ (docs/sandbox.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8900, help="port (default 8900)")
    parser.add_argument("--seed", type=Path, help="seed JSON file (default: the built-in default seed)")
    parser.add_argument("--state", type=Path, help="directory where state persists across restarts")
    parser.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .seed import SeedError, load_seed_file

    try:
        seed = load_seed_file(args.seed) if args.seed else None
        app = create_app(seed, args.state)
    except (SeedError, OSError, ValueError) as exc:
        print(f"efactura sandbox: {exc}", file=sys.stderr)
        return 2
    print(f"ANAF sandbox on http://{args.host}:{args.port} (control API: /_sandbox/)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=2)
    return 0
