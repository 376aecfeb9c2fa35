"""Helpers of the inbox tests: the sandbox's CIFs, a company by CIF, what the sandbox lists and served, and
the test database shared with a child process (`SharedDatabase`)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from hub.accounts.models import Company, Organization

DOWNLOAD_PATH = "/test/FCTEL/rest/descarcare"
ALFA, BUCATARIA, TESATORIA = "16000015", "29000025", "31500030"  # Ioana's certificate: no rights on 31500030


def company(organization: Organization, cif: str) -> Company:
    return Company.objects.get(organization=organization, cif=cif)


def listed_ids(sandbox: Any, cif: str) -> set[str]:
    """Every message id the sandbox lists for `cif` over the last 60 days (its own paginated API)."""
    calls_before = len(sandbox.calls())
    ids: set[str] = set()
    now = sandbox.now()
    page = 1
    token = sandbox.login()["access_token"]
    while True:
        response = sandbox.http.get(
            "/test/FCTEL/rest/listaMesajePaginatieFactura",
            params={
                "startTime": str(int(now.timestamp() * 1000) - 59 * 86400 * 1000),
                "endTime": str(int(now.timestamp() * 1000) - 1000),
                "cif": cif,
                "pagina": str(page),
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.json()
        ids.update(str(item["id"]) for item in body.get("mesaje", []))
        if page >= int(body.get("numar_total_pagini") or 0):
            break
        page += 1
    assert len(sandbox.calls()) > calls_before
    return ids


def downloads(sandbox: Any) -> list[str]:
    """Download ids of the successful `descarcare` calls, from the sandbox's call log."""
    return [
        call["query"].removeprefix("id=")
        for call in sandbox.calls("/descarcare")
        if call["status"] == 200 and not call.get("fault")
    ]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class SharedDatabase:
    """The test database as a child process can open it (`url`); `publish`/`collect` copy it for SQLite."""

    def __init__(self, tmp_path: Path) -> None:
        from django.db import connection

        self.connection = connection
        settings = connection.settings_dict
        self.file = tmp_path / "shared.sqlite3"
        if connection.vendor == "sqlite":
            self.url = f"sqlite:///{self.file}"
        elif connection.vendor == "postgresql":
            user = settings["USER"] or "postgres"
            password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
            host = quote(settings["HOST"] or "127.0.0.1", safe="")  # a socket directory is percent-encoded
            self.url = f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
        else:
            pytest.fail(f"the hub is tested on SQLite and PostgreSQL, not {connection.vendor}")

    def publish(self) -> None:
        """Before a child starts: the test's writes become visible to it."""
        if self.connection.vendor == "sqlite":
            self.connection.ensure_connection()
            for leftover in (self.file, *(Path(f"{self.file}-{end}") for end in ("journal", "wal", "shm"))):
                leftover.unlink(missing_ok=True)
            with closing(sqlite3.connect(self.file)) as target:
                self.connection.connection.backup(target)

    def collect(self) -> None:
        """After a child ended or was killed: the test sees what it left (SQLite rolls back a hot journal)."""
        if self.connection.vendor == "sqlite":
            self.connection.ensure_connection()
            with closing(sqlite3.connect(self.file)) as source:
                source.backup(self.connection.connection)


def several_pages(seed: dict[str, Any]) -> dict[str, Any]:
    """Several pages per company: 40 messages a page, 10 supplier invoices a day over 12 days, two CIFs."""
    seed["limits"] = {"page_size": 40}
    seed["traffic"] = {
        "invoices_per_company_per_day": 10,
        "days": 12,
        "seed": 3,
        "credit_note_ratio": 0.1,
        "companies": [ALFA, BUCATARIA],
    }
    return seed


def database_url() -> str:
    """The live test database, as a child process opens it (SQLite: the test database is a file)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = quote(settings["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
