"""Fixtures of the inbox tests (imported by the test modules: a sub-folder conftest would clash)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from conftest import authorize_over_http, login
from hub.accounts.models import Company, Organization, User
from hub.integrations.ro_efactura.models import SpvAuthorization

ALFA, BUCATARIA, TESATORIA = "16000015", "29000025", "31500030"  # Ioana's certificate: no rights on 31500030


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """Several pages per company: 40 messages a page, 10 supplier invoices a day over 12 days, two CIFs."""
    sandbox_seed["limits"] = {"page_size": 40}
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 10,
        "days": 12,
        "seed": 3,
        "credit_note_ratio": 0.1,
        "companies": [ALFA, BUCATARIA],
    }
    return sandbox_seed


@pytest.fixture
def authorized(hub_sandbox: Any, active_module: Organization, owner: User) -> Organization:
    response = authorize_over_http(login(owner), active_module, hub_sandbox)
    assert response.status_code in (200, 302), response.content[:300]
    assert SpvAuthorization.objects.filter(organization=active_module).exists()
    return active_module


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
