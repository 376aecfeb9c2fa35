"""Download retention and the lists' 60 days are separate rules (docs/anaf.md §2.3-§2.5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from anaf_sandbox.testing import SandboxHandle, running_sandbox, small_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, client_for, make_invoice

EXPIRED = (
    "Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de 60 de zile in care este disponibil"
)


def _millis(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def _paged(api: httpx.Client, start: datetime, end: datetime) -> dict[str, Any]:
    params = {"startTime": _millis(start), "endTime": _millis(end), "cif": ALFA, "pagina": "1"}
    body: dict[str, Any] = api.get("/prod/FCTEL/rest/listaMesajePaginatieFactura", params=params).json()
    return body


@pytest.fixture
def short_retention() -> Iterator[SandboxHandle]:
    seed = small_seed()
    seed["limits"] = {"retention_days": 30}
    with running_sandbox(seed) as sandbox:
        yield sandbox


def test_a_message_past_retention_is_listed_but_no_longer_served(short_retention: SandboxHandle) -> None:
    sandbox = short_retention
    xml = make_invoice(seller="18547290", buyer=ALFA, number="OLD-1").decode()
    [old] = sandbox.add_messages({"cif": ALFA, "direction": "received", "xml": xml, "age_days": 40})
    [fresh] = sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "xml": xml.replace("OLD-1", "NEW-1"), "age_days": 10}
    )
    now = sandbox.now()

    with client_for(sandbox) as api:
        listed = _paged(api, now - timedelta(days=59), now - timedelta(seconds=1))
        simple = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 60, "cif": ALFA}).json()
        stale = api.get("/prod/FCTEL/rest/descarcare", params={"id": old["id"]})
        served = api.get("/prod/FCTEL/rest/descarcare", params={"id": fresh["id"]})

    assert {m["id"] for m in listed["mesaje"]} == {old["id"], fresh["id"]}
    assert {m["id"] for m in simple["mesaje"]} == {old["id"], fresh["id"]}
    assert stale.json() == {"eroare": EXPIRED, "titlu": "Descarcare mesaj"}
    assert served.headers["content-type"] == "application/zip"


@pytest.mark.parametrize("retention_days", [30, 90])
def test_the_list_window_stays_60_days_whatever_the_retention(retention_days: int) -> None:
    seed = small_seed()
    seed["limits"] = {"retention_days": retention_days}
    with running_sandbox(seed) as sandbox, client_for(sandbox) as api:
        now = sandbox.now()
        within = _paged(api, now - timedelta(days=59, hours=23), now - timedelta(seconds=1))
        beyond = _paged(api, now - timedelta(days=60, minutes=1), now - timedelta(seconds=1))
        simple = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 61, "cif": ALFA}).json()

    assert within["eroare"] == "Nu exista mesaje in intervalul selectat"
    assert beyond["eroare"].endswith("nu poate fi mai vechi de 60 de zile fata de momentul requestului")
    assert simple["eroare"] == "Numarul de zile trebuie sa fie intre 1 si 60"
