"""Fixtures of the inbox tests: the test database shared with a real `efactura sync` child process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hub.inbox.helpers import ALFA, SharedDatabase


@pytest.fixture
def shared_database(tmp_path: Path) -> SharedDatabase:
    return SharedDatabase(tmp_path)


@pytest.fixture
def child_env(hub_sandbox: Any, settings: Any, shared_database: SharedDatabase) -> dict[str, str]:
    """The environment of a real hub process configured like a deployment, on the test's database."""
    base_env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    base_env.update(
        DJANGO_SETTINGS_MODULE="hub.settings",
        DATABASE_URL=shared_database.url,
        EFACTURA_DATA_DIR=str(settings.DATA_DIR),
        EFACTURA_ENCRYPTION_KEYS=",".join(settings.EFACTURA_ENCRYPTION_KEYS),
        EFACTURA_SANDBOX_URL=hub_sandbox.url,
        EFACTURA_ALLOW_TIME_TRAVEL="1",
        ANAF_CLIENT_ID=settings.ANAF_CLIENT_ID,
        ANAF_CLIENT_SECRET=settings.ANAF_CLIENT_SECRET,
        ANAF_REDIRECT_URI=settings.ANAF_REDIRECT_URI,
        ANAF_ENVIRONMENT=settings.ANAF_ENVIRONMENT,
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_URL="memory://",
        LOG_LEVEL="WARNING",
    )
    return base_env


@pytest.fixture
def sync_process(
    child_env: dict[str, str], shared_database: SharedDatabase
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Starts `efactura sync --company ALFA` as a real process configured like a deployment would be.

    `env` adds settings; `publish=False` starts it beside a running one (SQLite: no new copy of the file);
    `cif` syncs another company.
    """
    base_env = child_env
    started: list[subprocess.Popen[str]] = []

    def start(
        *, env: dict[str, str] | None = None, publish: bool = True, cif: str = ALFA
    ) -> subprocess.Popen[str]:
        if publish:
            shared_database.publish()
        process = subprocess.Popen(
            [sys.executable, "-m", "efactura", "sync", "--company", cif],
            env={**base_env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)
