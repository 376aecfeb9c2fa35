"""Settings from the environment, the hub clock, the CIF check."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.cif import is_valid_cif
from hub.core import clock
from hub.env import email_settings_from_url, env_secret


def test_settings_import_with_no_environment_at_all(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "import hub.settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL[:12])"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "sqla+sqlite:"]


def test_a_sqlite_connection_is_set_up_for_several_processes(tmp_path: Path) -> None:
    """WAL, synchronous=NORMAL, the busy timeout from EFACTURA_SQLITE_BUSY_TIMEOUT, BEGIN IMMEDIATE."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        "EFACTURA_SQLITE_BUSY_TIMEOUT": "7",
    }
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    print(*(c.execute(f'pragma {name}').fetchone()[0] for name in "
        "('journal_mode', 'synchronous', 'busy_timeout')), connection.transaction_mode)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["wal", "1", "7000", "IMMEDIATE"]


def test_settings_follow_the_environment(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    keys = tmp_path / "keys"
    keys.write_text("new-key, old-key\n")
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DATABASE_URL": "postgres://hub@db.internal:5432/hub",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
        "ANAF_CLIENT_SECRET_FILE": str(secret),
        "EMAIL_URL": "submission://mailer:p%40ss@smtp.example.ro",
        "EFACTURA_RENEWAL_LEAD_DAYS": "5",
        "EFACTURA_RENEWAL_CRON": "0 3 * * *",
        "EFACTURA_ENCRYPTION_KEYS_FILE": str(keys),
    }
    code = (
        "import hub.settings as s; d = s.DATABASES['default'];"
        "print(d['HOST'], s.CELERY_BROKER_URL, s.ANAF_CLIENT_SECRET, s.EMAIL_HOST_PASSWORD, s.EMAIL_PORT,"
        " s.EFACTURA_RENEWAL_LEAD_DAYS, s.CELERY_BEAT_SCHEDULE['renew-due-authorizations']['schedule'].hour,"
        " '|'.join(s.EFACTURA_ENCRYPTION_KEYS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "db.internal",
        "redis://127.0.0.1:6379/3",
        "from-a-file",
        "p@ss",
        "587",
        "5",
        "{3}",
        "new-key|old-key",
    ]


def test_email_urls() -> None:
    assert email_settings_from_url("smtp://127.0.0.1:2525")["EMAIL_PORT"] == 2525
    assert email_settings_from_url("smtps://u:p@mail.ro")["EMAIL_USE_SSL"] is True
    assert "console" in str(email_settings_from_url("console://")["EMAIL_BACKEND"])
    with pytest.raises(ValueError, match="unsupported"):
        email_settings_from_url("ftp://x")


def test_env_secret_prefers_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s").write_text("  file-value \n")
    monkeypatch.setenv("X_SECRET", "env-value")
    assert env_secret("X_SECRET") == "env-value"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "s"))
    assert env_secret("X_SECRET") == "file-value"


@pytest.mark.django_db
def test_the_hub_clock_moves_only_when_allowed(settings: Any) -> None:
    before = clock.now()
    clock.advance(timedelta(days=81))
    assert clock.now() - before >= timedelta(days=81)
    settings.EFACTURA_ALLOW_TIME_TRAVEL = False
    assert clock.now() - before < timedelta(minutes=1)
    with pytest.raises(clock.TimeTravelDisabled):
        clock.advance(timedelta(days=1))


@pytest.mark.parametrize(
    ("cif", "valid"), [("16000015", True), ("RO 29000025", True), ("16000016", False), ("x", False)]
)
def test_cif_check_digit(cif: str, valid: bool) -> None:
    assert is_valid_cif(cif) is valid
