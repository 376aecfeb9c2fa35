"""`efactura serve|worker|beat|manage`: the hub's processes for real deployments.

Heavy imports (Django, Celery, uvicorn) happen inside the handlers so other subcommands stay fast.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add this package's subcommands to the `efactura` parser."""
    serve = subparsers.add_parser("serve", help="run the web server (uvicorn, Django ASGI + static files)")
    serve.add_argument("--host", default=os.environ.get("EFACTURA_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=None, help="default 8000, or 8443 with --https")
    serve.add_argument(
        "--https", action="store_true", help="serve TLS with a generated self-signed localhost certificate"
    )
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)

    worker = subparsers.add_parser("worker", help="run a Celery worker (tasks: renewal, notifications)")
    worker.add_argument("--beat", action="store_true", help="embed the periodic scheduler (one machine only)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--loglevel", default="INFO")
    worker.set_defaults(func=_worker)

    beat = subparsers.add_parser("beat", help="run the Celery beat scheduler (exactly one per deployment)")
    beat.add_argument("--loglevel", default="INFO")
    beat.set_defaults(func=_beat)

    manage = subparsers.add_parser(
        "manage", help="Django management commands (migrate, createsuperuser, ...)"
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_manage)

    sync = subparsers.add_parser(
        "sync", help="download new e-Factura messages now (all companies or one CIF)"
    )
    sync.add_argument("--company", metavar="CIF", help="only this company (CIF); default: every company")
    sync.set_defaults(func=_sync)

    send = subparsers.add_parser("send", help="send issued invoices (XML files) to ANAF for one company")
    send.add_argument("files", nargs="+", type=Path, metavar="FILE")
    send.add_argument("--company", metavar="CIF", required=True, help="the issuing company's CIF")
    send.add_argument("--organization", metavar="SLUG", help="when the CIF is in several organizations")
    send.add_argument("--wait", action="store_true", help="wait for ANAF's final answer")
    send.add_argument("--json", action="store_true", help="print JSON")
    send.add_argument("--extern", action="store_true", help="ANAF's extern flag")
    send.add_argument("--autofactura", action="store_true", help="self-billed invoice")
    send.add_argument("--executare", action="store_true", help="enforcement (executare silita)")
    send.add_argument("--deliberate-resend", action="store_true", help="send even if sent before")
    send.set_defaults(func=_send)

    archive = subparsers.add_parser("archive", help="the archive of original ANAF ZIPs")
    archive_commands = archive.add_subparsers(dest="archive_command", metavar="ACTION", required=True)
    verify = archive_commands.add_parser(
        "verify", help="re-hash every stored original and re-check its signature digest"
    )
    verify.add_argument("--no-notify", action="store_true", help="print only; raise no event")
    verify.set_defaults(func=_archive_verify)
    importing = archive_commands.add_parser(
        "import", help="import ANAF ZIPs kept by another tool ({id}.zip, {id}.xml + semnatura_{id}.xml)"
    )
    importing.add_argument("paths", nargs="+", metavar="DIR|ZIP")
    importing.add_argument("--organization", metavar="SLUG", help="needed when there are several")
    importing.set_defaults(func=_archive_import)


def _private_files() -> None:
    """Database, archive, broker and key files hold invoices and tokens: only this user may read them."""
    os.umask(0o077)


def _setup() -> None:
    _private_files()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()


def _data_dir() -> Path:
    from django.conf import settings

    path = Path(settings.DATA_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _serve(args: argparse.Namespace) -> int:
    _setup()
    _data_dir()
    import uvicorn

    options: dict[str, Any] = {}
    port = args.port or (8443 if args.https else 8000)
    if args.https:
        from hub.tls import ensure_localhost_certificate

        cert, key = ensure_localhost_certificate(_data_dir() / "tls")
        options.update(ssl_certfile=str(cert), ssl_keyfile=str(key))
    from uvicorn.config import LOGGING_CONFIG

    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config.setdefault("filters", {})["redact_query"] = {"()": "hub.core.logfilters.RedactQueryString"}
    log_config["handlers"]["access"]["filters"] = ["redact_query"]
    uvicorn.run(
        "hub.asgi:application",
        log_config=log_config,
        host=args.host,
        port=port,
        workers=args.workers,
        lifespan="off",
        proxy_headers=True,
        log_level="info",
        **options,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    _setup()
    _data_dir()
    from hub.celery import app

    argv = ["worker", f"--loglevel={args.loglevel}", f"--concurrency={args.concurrency}"]
    if args.beat:
        argv.append("--beat")
    app.worker_main(argv)
    return 0


def _beat(args: argparse.Namespace) -> int:
    _setup()
    _data_dir()
    from hub.celery import app

    app.start(["beat", f"--loglevel={args.loglevel}"])
    return 0


def _manage(args: argparse.Namespace) -> int:
    _private_files()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    from django.core.management import execute_from_command_line

    rest = list(args.args)
    if rest[:1] == ["--"]:
        rest = rest[1:]
    execute_from_command_line(["efactura manage", *rest])
    return 0


def _sync(args: argparse.Namespace) -> int:
    _setup()
    _data_dir()
    from hub.inbox.cli import sync_command

    return sync_command(cif=args.company)


def _send(args: argparse.Namespace) -> int:
    _setup()
    _data_dir()
    from hub.outbox.cli import send_command

    return send_command(
        files=args.files,
        cif=args.company,
        organization=args.organization,
        wait=args.wait,
        as_json=args.json,
        extern=args.extern,
        self_billed=args.autofactura,
        enforcement=args.executare,
        deliberate_resend=args.deliberate_resend,
    )


def _archive_verify(args: argparse.Namespace) -> int:
    _setup()
    from hub.inbox.services.integrity import archive_verify

    report = archive_verify(notify=not args.no_notify)
    for found in report.differences:
        print(f"{found.problem}: message {found.download_id} (organization {found.organization_id})")
    print(
        f"checked {report.checked} ZIPs and {report.signatures} signatures: "
        f"{len(report.differences)} differences / "
        f"verificate {report.checked} arhive și {report.signatures} semnături: "
        f"{len(report.differences)} diferențe"
    )
    return 1 if report.differences else 0


def _archive_import(args: argparse.Namespace) -> int:
    _setup()
    _data_dir()
    from django.core.management import CommandError, call_command

    options = ["--organization", args.organization] if args.organization else []
    try:
        call_command("archive_import", *args.paths, *options)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
