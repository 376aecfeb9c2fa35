"""The RO e-Factura register lookup ``/api/registruroefactura/v1/interogare`` (docs/anaf.md §5.2)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import ALFA, BUCATARIA, TESATORIA

REGISTER = "/api/registruroefactura/v1/interogare"
FIELDS = {
    "cui",
    "denumire",
    "adresa",
    "registru",
    "categorie",
    "dataInscriere",
    "dataRenuntare",
    "dataRadiere",
    "dataOptiuneB2G",
    "stare",
}


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """Țesătoria is not in the opt-in register."""
    for company in sandbox_seed["companies"]:
        if company["cif"] == TESATORIA:
            company["efactura_register"] = False
    return sandbox_seed


def _ask(sandbox: SandboxHandle, *cuis: int | str, on: str = "2026-11-02") -> httpx.Response:
    return httpx.post(f"{sandbox.url}{REGISTER}", json=[{"cui": cui, "data": on} for cui in cuis])


def test_it_answers_the_enrolled_companies_and_lists_the_others(sandbox: SandboxHandle) -> None:
    answer = _ask(sandbox, int(ALFA), int(TESATORIA), 18547290)

    assert answer.status_code == 200
    body = answer.json()
    assert body["notFound"] == [int(TESATORIA), 18547290]
    [alfa] = body["found"]
    assert set(alfa) == FIELDS
    assert (alfa["cui"], alfa["denumire"], alfa["registru"]) == (
        int(ALFA),
        "Alfa Construcții Ardeal SRL",
        "RO e-Factura",
    )
    assert alfa["adresa"] == "Str. Memorandumului nr. 28, Cluj-Napoca, RO-CJ"
    assert (alfa["dataInscriere"], alfa["stare"]) == ("2022-01-01", "inregistrat")
    assert alfa["dataRenuntare"] == alfa["dataRadiere"] == ""


def test_the_state_is_at_the_date_asked_about(sandbox: SandboxHandle) -> None:
    [before] = _ask(sandbox, ALFA, on="2021-06-30").json()["found"]

    assert before["stare"] == "neinregistrat"


def test_none_found_is_a_404_with_the_same_shape(sandbox: SandboxHandle) -> None:
    answer = _ask(sandbox, int(TESATORIA), 18547290)

    assert answer.status_code == 404
    assert answer.json() == {"found": [], "notFound": [int(TESATORIA), 18547290]}


def test_bad_requests_and_the_one_a_second_rule(sandbox: SandboxHandle) -> None:
    bad = httpx.post(f"{sandbox.url}{REGISTER}", json=[{"cui": "abc", "data": "2026-11-02"}])
    assert bad.status_code == 400
    time.sleep(1)
    too_many = _ask(sandbox, *range(1, 102))
    assert too_many.status_code == 400
    time.sleep(1)

    assert _ask(sandbox, BUCATARIA).status_code == 200
    refused = _ask(sandbox, BUCATARIA)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    # A separate service: the VAT lookup has its own second.
    vat = httpx.post(f"{sandbox.url}/api/PlatitorTvaRest/v9/tva", json=[{"cui": ALFA, "data": "2026-11-02"}])
    assert vat.status_code == 200
