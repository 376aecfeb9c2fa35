"""The backup of docs/operations.md, restored into a fresh database and archive, has every invoice and a
working authorization: the tools named there (sqlite3 `.backup` or pg_dump/pg_restore, tar), run for real."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.inbox.models import Invoice
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)


def _sample() -> str:
    return str(resources.files("anaf_sandbox") / "seeds" / "invoices" / "supplier_invoice.xml")


def _pg_args(settings_dict: dict[str, Any]) -> list[str]:
    args = ["-h", settings_dict["HOST"] or "127.0.0.1", "-p", str(settings_dict["PORT"] or 5432)]
    return [*args, "-U", settings_dict["USER"] or "postgres"]


@pytest.fixture
def restored_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """Where the restore goes: a new SQLite file, or a new PostgreSQL database (dropped afterwards)."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "restored" / "hub.sqlite3"
        target.parent.mkdir()
        yield f"sqlite:///{target}", target
        return
    name = f"efactura_restore_{secrets.token_hex(4)}"
    subprocess.run(["createdb", *_pg_args(settings_dict), name], check=True)
    user, host = (
        settings_dict["USER"] or "postgres",
        (settings_dict["HOST"] or "127.0.0.1").replace("/", "%2F"),
    )
    try:
        yield f"postgres://{user}@{host}:{settings_dict['PORT'] or 5432}/{name}", name
    finally:
        subprocess.run(["dropdb", "--force", *_pg_args(settings_dict), name], check=False)


def test_a_backup_restored_into_a_fresh_database_and_archive_has_everything(
    hub_sandbox: Any,
    authorized: Organization,
    settings: Any,
    tmp_path: Path,
    restored_database: tuple[str, Any],
) -> None:
    from django.db import connection

    hub_sandbox.add_messages(
        *({"cif": ALFA, "direction": "received", "file": _sample(), "age_days": 1 + n} for n in range(3))
    )
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    invoices = Invoice.objects.count()
    assert invoices >= 3

    # Backup (docs/operations.md "Backup and restore"): database, archive, keys.
    backup = tmp_path / "backup"
    backup.mkdir()
    if connection.vendor == "sqlite":
        database_file = connection.settings_dict["NAME"]
        subprocess.run(["sqlite3", database_file, f".backup '{backup / 'hub.sqlite3'}'"], check=True)
    else:
        dump = ["pg_dump", "-Fc", *_pg_args(connection.settings_dict), "-f", str(backup / "hub.dump")]
        subprocess.run([*dump, connection.settings_dict["NAME"]], check=True)
    data_dir = Path(settings.DATA_DIR)
    subprocess.run(
        ["tar", "-C", str(data_dir), "-czf", str(backup / "archive.tar.gz"), "archive"], check=True
    )
    keys = ",".join(settings.EFACTURA_ENCRYPTION_KEYS)

    # Restore on a "new machine": a fresh database and data directory, the same keys.
    url, target = restored_database
    restored_dir = tmp_path / "restored-data"
    restored_dir.mkdir()
    if connection.vendor == "sqlite":
        (backup / "hub.sqlite3").rename(target)
    else:
        restore = ["pg_restore", "--no-owner", *_pg_args(connection.settings_dict), "-d", target]
        subprocess.run([*restore, str(backup / "hub.dump")], check=True)
    subprocess.run(["tar", "-C", str(restored_dir), "-xzf", str(backup / "archive.tar.gz")], check=True)

    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings",
        DATABASE_URL=url,
        EFACTURA_DATA_DIR=str(restored_dir),
        EFACTURA_ENCRYPTION_KEYS=keys,
        EFACTURA_SANDBOX_URL=hub_sandbox.url,
        EFACTURA_ALLOW_TIME_TRAVEL="1",
        ANAF_CLIENT_ID=settings.ANAF_CLIENT_ID,
        ANAF_CLIENT_SECRET=settings.ANAF_CLIENT_SECRET,
        ANAF_REDIRECT_URI=settings.ANAF_REDIRECT_URI,
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_URL="memory://",
        LOG_LEVEL="WARNING",
    )

    def efactura(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "efactura", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert efactura("manage", "migrate", "--noinput", "-v", "0").returncode == 0
    verified = efactura("archive", "verify", "--no-notify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"checked {invoices} ZIPs" in verified.stdout
    counted = efactura(
        "manage", "shell", "-c", "from hub.inbox.models import Invoice; print(Invoice.objects.count())"
    )
    assert counted.stdout.strip().splitlines()[-1] == str(invoices), counted.stderr
    downloads_before = len(hub_sandbox.calls("descarcare"))
    synced = efactura("sync", "--company", ALFA)  # the restored authorization works at ANAF
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert f"{ALFA}: ok" in synced.stdout
    assert "downloaded 0" in synced.stdout  # the restored ledger knows every message
    assert len(hub_sandbox.calls("descarcare")) == downloads_before
