"""`efactura demo`: the whole hub on one machine, with the built-in ANAF sandbox.

Starts the sandbox (default seed, state kept in the data dir), migrates a SQLite database in `./var/demo`,
creates the demo organization, users and the sandbox's companies (each with a default assignee at the desk),
then runs the web server and one Celery worker with an embedded beat (SQLite broker). The sandbox serves
45 days of supplier invoices, so last month's purchases journal is full; three issued invoices are written
to `DATA_DIR/facturi-emise/` with `trimite.sh`, the one command that sends them (`efactura.demo_invoices`).
Prints the URL and the login; Ctrl-C stops every child.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen
from zoneinfo import ZoneInfo

CALLBACK_PATH = "/integrations/ro-efactura/oauth/callback/"
DEMO_CLIENT_ID = "efactura-hub-demo"
DEMO_CLIENT_SECRET = "efactura-hub-demo-secret"  # noqa: S105  (the sandbox's public demo app, not a secret)


DEFAULT_PORT, DEFAULT_SANDBOX_PORT = 8000, 8900
# Enough supplier invoices for a whole previous month in the journal, inside ANAF's 60-day lists.
DEMO_TRAFFIC = {"days": 45, "credit_note_ratio": 0.15}


def register(subparsers: Any) -> None:
    """Add the demo subcommand."""
    parser = subparsers.add_parser("demo", help="run the whole hub with the built-in ANAF sandbox")
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="web server port (default 8000)")
    parser.add_argument(
        "--sandbox-port", type=int, default=DEFAULT_SANDBOX_PORT, help="sandbox port (default 8900)"
    )
    parser.add_argument(
        "--advance-days",
        type=float,
        default=0,
        help="while a demo runs: move the hub's and the sandbox's clocks forward, then exit",
    )
    parser.set_defaults(func=run)


def _kept_secret(path: Path, make: Any) -> str:
    """A value generated once and kept in the data dir, so restarts keep sessions and tokens readable."""
    if not path.exists():
        path.write_text(make(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def demo_settings(data_dir: Path, port: int, sandbox_port: int) -> dict[str, str]:
    """The demo's settings, as written to `efactura.env`; secrets stay in their own files (`NAME_FILE`)."""
    from cryptography.fernet import Fernet

    _kept_secret(data_dir / "secret-key", lambda: secrets.token_urlsafe(48))
    _kept_secret(data_dir / "fernet-key", lambda: Fernet.generate_key().decode())
    site = f"http://127.0.0.1:{port}"
    return {
        "EFACTURA_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'hub.sqlite3'}",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{data_dir / 'celery-broker.sqlite3'}",
        "SECRET_KEY_FILE": str(data_dir / "secret-key"),
        "EFACTURA_ENCRYPTION_KEYS_FILE": str(data_dir / "fernet-key"),
        "SITE_URL": site,
        "ANAF_CLIENT_ID": DEMO_CLIENT_ID,
        "ANAF_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "ANAF_REDIRECT_URI": f"{site}{CALLBACK_PATH}",
        "ANAF_ENVIRONMENT": "sandbox",
        "EFACTURA_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
        "EFACTURA_ALLOW_TIME_TRAVEL": "1",
        "EFACTURA_RENEWAL_CRON": "* * * * *",
        "EFACTURA_REMINDER_CRON": "*/5 * * * *",
        "EMAIL_URL": os.environ.get("EMAIL_URL", f"file://{data_dir / 'mail'}"),
    }


def write_config(data_dir: Path, values: dict[str, str]) -> Path:
    """`D/efactura.env`: `EFACTURA_CONFIG=D/efactura.env efactura COMMAND` works from another terminal."""
    path = data_dir / "efactura.env"
    lines = ["# e-Factura Hub demo settings (docs/configuration.md); secrets are in the *_FILE files."]
    lines += [f"{name}={_quoted(value)}" for name, value in values.items()]
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def demo_environment(data_dir: Path, port: int, sandbox_port: int) -> dict[str, str]:
    """The children's environment: this one, without the variables the demo's settings replace."""
    values = demo_settings(data_dir, port, sandbox_port)
    write_config(data_dir, values)
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "EFACTURA_ENCRYPTION_KEYS", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env.update(values, EFACTURA_CONFIG=str(data_dir / "efactura.env"))
    return env


def _default_seed() -> dict[str, Any]:
    text = (resources.files("anaf_sandbox") / "seeds" / "default.json").read_text(encoding="utf-8")
    seed: dict[str, Any] = json.loads(text)
    return seed


def _seed_file(data_dir: Path, redirect_uri: str) -> Path:
    """The default seed, with this demo's callback URL registered (it differs when --port is not 8000)."""
    seed = _default_seed()
    seed["traffic"].update(DEMO_TRAFFIC)
    uris = seed["apps"][0]["redirect_uris"]
    if redirect_uri not in uris:
        uris.append(redirect_uri)
    path = data_dir / "sandbox-seed.json"
    path.write_text(json.dumps(seed, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _seed_companies() -> list[str]:
    return [f"{company['cif']}={company['name']}" for company in _default_seed()["companies"]]


def _bucharest_today() -> date:
    return datetime.now(ZoneInfo("Europe/Bucharest")).date()


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a child process exited early (code {process.returncode}): {process.args!r}")
        try:
            with urlopen(url, timeout=2):  # noqa: S310  (loopback URL built above)
                return
        except (URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in reversed(children):
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def time_travel_hint(args: argparse.Namespace) -> str:
    """The command that moves this demo's clocks: the same data dir and ports, or it reaches another demo."""
    hint = f"efactura demo --data-dir {shlex.quote(str(args.data_dir.resolve()))}"
    if args.port != DEFAULT_PORT:
        hint += f" --port {args.port}"
    if args.sandbox_port != DEFAULT_SANDBOX_PORT:
        hint += f" --sandbox-port {args.sandbox_port}"
    return f"{hint} --advance-days 81"


def run(args: argparse.Namespace) -> int:
    from efactura.demo_invoices import demo_outbox_files, send_script

    data_dir = args.data_dir.resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = demo_environment(data_dir, args.port, args.sandbox_port)
    password = _kept_secret(data_dir / "demo-password", lambda: secrets.token_urlsafe(9))
    efactura = [sys.executable, "-m", "efactura"]
    if args.advance_days:
        command = [*efactura, "manage", "clock", "--advance-days", str(args.advance_days), "--sandbox"]
        return subprocess.run(command, env=env, check=False).returncode
    children: list[subprocess.Popen[bytes]] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background (SIGINT ignored)
    try:
        sandbox = subprocess.Popen(
            [
                *efactura,
                "sandbox",
                "--seed",
                str(_seed_file(data_dir, env["ANAF_REDIRECT_URI"])),
                "--host",
                "127.0.0.1",
                "--port",
                str(args.sandbox_port),
                "--state",
                str(data_dir / "sandbox"),
            ],
            env=env,
        )
        children.append(sandbox)
        _wait_for(f"http://127.0.0.1:{args.sandbox_port}/_sandbox/clock", sandbox)
        subprocess.run([*efactura, "manage", "migrate", "--noinput", "-v", "0"], env=env, check=True)
        companies = [item for company in _seed_companies() for item in ("--company", company)]
        subprocess.run(
            [*efactura, "manage", "demo_setup", "--password", password, *companies], env=env, check=True
        )
        issued = data_dir / "facturi-emise"
        demo_outbox_files(issued, _bucharest_today())
        script = send_script(issued, sys.executable, Path(env["EFACTURA_CONFIG"]))
        web = subprocess.Popen([*efactura, "serve", "--port", str(args.port)], env=env)
        children.append(web)
        children.append(subprocess.Popen([*efactura, "worker", "--beat", "--concurrency", "1"], env=env))
        _wait_for(f"http://127.0.0.1:{args.port}/login/", web)
        print(
            "\n"
            f"  e-Factura Hub demo:  http://127.0.0.1:{args.port}/\n"
            f"  Login: proprietar / {password}   (accountant: contabil / {password})\n"
            f"  ANAF sandbox:        http://127.0.0.1:{args.sandbox_port}/  (certificate PIN 1234)\n"
            f"  E-mails are written to {env['EMAIL_URL']}\n"
            f"  Time travel (another terminal): {time_travel_hint(args)}\n"
            f"  Other commands on this demo: EFACTURA_CONFIG={env['EFACTURA_CONFIG']} efactura sync\n"
            f"  Facturi emise (after authorizing): sh {shlex.quote(str(script))}\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("a child process stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
        return 0
    finally:
        _stop(children)
