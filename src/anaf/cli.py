"""`efactura anaf hello|list|download|status`: talk to ANAF (or the sandbox) with a token file, for debugging.

The token file is JSON with `access_token` and `refresh_token` (what ANAF's token endpoint returned). With
`--client-id`/`--client-secret` (or `client_id`/`client_secret` in the file, or ANAF_CLIENT_ID/
ANAF_CLIENT_SECRET) an expiring or refused access token is renewed and the rotated pair written back at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from anaf.efactura import EFacturaClient
from anaf.endpoints import AnafEndpoints
from anaf.errors import AnafError, ResponseError
from anaf.models import Message
from anaf.oauth import OAuthClient
from anaf.tokens import TokenProvider, TokenSet

DEFAULT_TOKEN_FILE = "anaf-token.json"  # noqa: S105 (a file name)


class TokenFile:
    """A `TokenStore` on a JSON file; saving keeps the file's other keys and replaces it atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SystemExit(
                f"error: token file {self.path} not found (JSON with access_token, refresh_token)"
            ) from None
        except ValueError as exc:
            raise SystemExit(f"error: token file {self.path} is not JSON: {exc}") from None
        if not isinstance(data, dict) or not data.get("access_token"):
            raise SystemExit(f"error: token file {self.path} has no access_token")
        return data

    def load(self) -> TokenSet | None:
        return TokenSet.from_response(self.read())

    def save(self, tokens: TokenSet) -> None:
        data = {**self.read(), **tokens.as_dict()}
        handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".anaf-token-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
        os.chmod(name, 0o600)
        os.replace(name, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def register(subparsers: Any) -> None:
    """Add `efactura anaf` with its actions."""
    parser = subparsers.add_parser("anaf", help="talk to ANAF e-Factura with a token file (debugging)")
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--token-file", type=Path, default=Path(os.environ.get("ANAF_TOKEN_FILE", DEFAULT_TOKEN_FILE))
    )
    common.add_argument("--env", choices=("prod", "test"), default="prod", help="e-Factura environment")
    common.add_argument(
        "--base-url", help="one URL for every ANAF host, e.g. the sandbox http://127.0.0.1:8900"
    )
    common.add_argument("--client-id", default=os.environ.get("ANAF_CLIENT_ID"))
    common.add_argument("--client-secret", default=os.environ.get("ANAF_CLIENT_SECRET"))
    common.add_argument("--redirect-uri", default=os.environ.get("ANAF_REDIRECT_URI", ""))

    hello = actions.add_parser("hello", parents=[common], help="call the TestOauth hello service")
    hello.set_defaults(func=_hello)

    listing = actions.add_parser("list", parents=[common], help="list the messages of a CIF")
    listing.add_argument("cif")
    listing.add_argument("--days", type=int, default=7, help="how many days back (1-60, default 7)")
    listing.add_argument(
        "--filter", choices=("E", "T", "P", "R"), help="E errors, T sent, P received, R replies"
    )
    listing.add_argument(
        "--simple", action="store_true", help="use listaMesajeFactura (max 500) instead of paging"
    )
    listing.add_argument("--json", action="store_true", help="print JSON lines with ANAF's own fields")
    listing.set_defaults(func=_list)

    download = actions.add_parser("download", parents=[common], help="download a message ZIP byte for byte")
    download.add_argument("download_id")
    download.add_argument("-o", "--output", type=Path, help="where to write the ZIP (default: ID.zip)")
    download.set_defaults(func=_download)

    status = actions.add_parser("status", parents=[common], help="the processing state of an upload")
    status.add_argument("upload_id")
    status.set_defaults(func=_status)


def _client(args: argparse.Namespace) -> EFacturaClient:
    endpoints = AnafEndpoints.sandbox(args.base_url) if args.base_url else AnafEndpoints()
    store = TokenFile(args.token_file)
    data = store.read()
    client_id = args.client_id or data.get("client_id")
    client_secret = args.client_secret or data.get("client_secret")
    token: str | TokenProvider = str(data["access_token"])
    if client_id and client_secret and data.get("refresh_token"):
        redirect_uri = args.redirect_uri or str(data.get("redirect_uri") or "")
        oauth = OAuthClient(str(client_id), str(client_secret), redirect_uri, endpoints)
        token = TokenProvider(oauth, store)
    return EFacturaClient(token, args.env, endpoints)


def _run(args: argparse.Namespace, action: Any) -> int:
    try:
        with _client(args) as client:
            action(client)
    except AnafError as exc:
        print(f"error ({type(exc).__name__}): {exc}", file=sys.stderr)
        if isinstance(exc, ResponseError) and exc.anaf_text and exc.anaf_text not in str(exc):
            print(f"ANAF: {exc.anaf_text}", file=sys.stderr)
        return 1
    return 0


def _hello(args: argparse.Namespace) -> int:
    return _run(args, lambda client: print(client.hello()))


def _print_messages(messages: Iterable[Message], as_json: bool) -> None:
    count = 0
    for message in messages:
        count += 1
        if as_json:
            print(json.dumps(dict(message.raw), ensure_ascii=False))
            continue
        created = f"{message.created:%Y-%m-%d %H:%M}" if message.created else "?"
        ids = f"id={message.download_id:<12} index={message.upload_id:<12}"
        print(f"{created}  {message.kind:<16} {ids} {message.details}")
    if not as_json:
        print(f"{count} message(s)", file=sys.stderr)


def _list(args: argparse.Namespace) -> int:
    def action(client: EFacturaClient) -> None:
        if args.simple:
            _print_messages(client.list_messages(args.cif, args.days, args.filter).messages, args.json)
            return
        start = datetime.now(UTC) - timedelta(days=args.days)
        _print_messages(client.iter_messages(args.cif, start=start, filter=args.filter), args.json)

    return _run(args, action)


def _download(args: argparse.Namespace) -> int:
    def action(client: EFacturaClient) -> None:
        message = client.download(args.download_id)
        output = args.output or Path(f"{args.download_id}.zip")
        output.write_bytes(message.raw)
        files = ", ".join(message.names())
        print(f"{output}: {len(message.raw)} bytes, sha256 {message.sha256}, files: {files}")

    return _run(args, action)


def _status(args: argparse.Namespace) -> int:
    def action(client: EFacturaClient) -> None:
        status = client.status(args.upload_id)
        suffix = f" id_descarcare={status.download_id}" if status.download_id else ""
        print(f"stare={status.state}{suffix}")

    return _run(args, action)
