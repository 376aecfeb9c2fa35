"""`efactura sandbox`: serve the ANAF sandbox for people (the demo, manual integration work)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

CONTROL_TOKEN_ENV = "EFACTURA_SANDBOX_CONTROL_TOKEN"  # noqa: S105  (a variable name, not a secret)


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
    parser.add_argument(
        "--control-token-file",
        type=Path,
        help="file holding the token that /_sandbox/ then requires as 'Authorization: Bearer ...' "
        f"(or set {CONTROL_TOKEN_ENV})",
    )
    parser.set_defaults(func=serve)


def _control_token(args: argparse.Namespace) -> str | None:
    if args.control_token_file is not None:
        return args.control_token_file.read_text(encoding="utf-8").strip() or None
    return os.environ.get(CONTROL_TOKEN_ENV, "").strip() or None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .seed import SeedError, load_seed_file

    try:
        seed = load_seed_file(args.seed) if args.seed else None
        token = _control_token(args)
        # Message files of the control API come from the seed's folder only.
        files_dir = args.seed.resolve().parent if args.seed else None
        app = create_app(seed, args.state, files_dir=files_dir, control_token=token)
    except (SeedError, OSError, ValueError) as exc:
        print(f"efactura sandbox: {exc}", file=sys.stderr)
        return 2
    guarded = "needs the control token" if token else "open to anyone who can connect"
    print(
        f"ANAF sandbox on http://{args.host}:{args.port} (control API /_sandbox/: {guarded})", file=sys.stderr
    )
    if token is None and not _is_loopback(args.host):
        print(
            f"efactura sandbox: warning: listening on {args.host} without a control token; anyone reaching "
            f"it can move the clock and inject messages (set {CONTROL_TOKEN_ENV})",
            file=sys.stderr,
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=2)
    return 0
