"""listaMesajeFactura and listaMesajePaginatieFactura: envelopes, windows, paging, filters (§2.3, §2.4)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

import einvoice
from anaf_sandbox.testing import SandboxHandle, running_sandbox, scenario_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, BUCATARIA, TESATORIA, client_for

SIMPLE = "/prod/FCTEL/rest/listaMesajeFactura"
PAGED = "/prod/FCTEL/rest/listaMesajePaginatieFactura"


@pytest.fixture(scope="module")
def busy() -> Iterator[SandboxHandle]:
    """600 supplier invoices to ALFA over 20 days (30 a day), none to the others."""
    with running_sandbox(scenario_seed("busy_inbox")) as handle:
        yield handle


@pytest.fixture
def busy_api(busy: SandboxHandle) -> Iterator[httpx.Client]:
    busy.reset()
    with client_for(busy) as client:
        yield client


def millis(moment: Any) -> str:
    return str(int(moment.timestamp() * 1000))


def test_the_simple_list_refuses_more_than_500(busy: SandboxHandle, busy_api: httpx.Client) -> None:
    body = busy_api.get(SIMPLE, params={"zile": 60, "cif": ALFA}).json()
    assert body == {
        "eroare": "Lista de mesaje este mai mare decat numarul de 500 elemente permise in pagina. "
        "Folositi endpoint-ul cu paginatie.",
        "titlu": "Lista Mesaje",
    }
    few = busy_api.get(SIMPLE, params={"zile": 2, "cif": ALFA}).json()
    assert few["titlu"] == "Lista Mesaje disponibile din ultimele 2 zile"
    assert few["cui"] == ALFA
    assert few["serial"] == "34000025 69AA10017E0000000 15A".replace(" ", "")
    assert 30 <= len(few["mesaje"]) <= 60
    assert {m["tip"] for m in few["mesaje"]} == {"FACTURA PRIMITA"}
    assert all(len(m["data_creare"]) == 12 and m["id"].startswith("30") for m in few["mesaje"])


def test_paging_over_600_messages(busy: SandboxHandle, busy_api: httpx.Client) -> None:
    now = busy.now()
    params = {"startTime": millis(now - timedelta(days=21)), "endTime": millis(now), "cif": ALFA}
    first = busy_api.get(PAGED, params={**params, "pagina": "1"}).json()
    assert first["numar_total_inregistrari"] == 600
    assert first["numar_total_pagini"] == 2
    assert first["numar_inregistrari_in_pagina"] == 500
    assert first["numar_total_inregistrari_per_pagina"] == 500
    assert first["index_pagina_curenta"] == 1
    second = busy_api.get(PAGED, params={**params, "pagina": "2"}).json()
    assert second["numar_inregistrari_in_pagina"] == 100
    ids = [m["id"] for m in first["mesaje"] + second["mesaje"]]
    assert len(set(ids)) == 600
    third = busy_api.get(PAGED, params={**params, "pagina": "3"}).json()
    assert third["eroare"] == "Pagina solicitata 3 este mai mare decat numarul toatal de pagini 2"


def test_generated_invoices_download_and_validate(busy: SandboxHandle, busy_api: httpx.Client) -> None:
    listed = busy_api.get(SIMPLE, params={"zile": 3, "cif": ALFA}).json()["mesaje"]
    kinds = set()
    for message in listed[:12]:
        archive = busy_api.get("/prod/FCTEL/rest/descarcare", params={"id": message["id"]}).content
        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            xml = opened.read(f"{message['id_solicitare']}.xml")
        assert einvoice.validate(xml, rules="ro").valid
        assert "ț".encode() in xml or "ș".encode() in xml or "ă".encode() in xml
        kinds.add(xml.split(b"<", 3)[2][:10])
    assert b"Invoice xm" in kinds


def test_sixty_day_window_edges(busy: SandboxHandle, busy_api: httpx.Client) -> None:
    busy.set_clock(busy.now().replace(microsecond=0))  # whole seconds: both edges are exact
    now = busy.now()

    def ask(start: Any, end: Any) -> dict[str, Any]:
        body: dict[str, Any] = busy_api.get(
            PAGED, params={"startTime": millis(start), "endTime": millis(end), "cif": ALFA, "pagina": "1"}
        ).json()
        return body

    edge = ask(now - timedelta(days=60) + timedelta(seconds=5), now - timedelta(seconds=5))
    assert "eroare" not in edge
    too_old = ask(now - timedelta(days=60, seconds=5), now - timedelta(seconds=5))
    assert too_old["eroare"].startswith("startTime = ")
    assert too_old["eroare"].endswith("nu poate fi mai vechi de 60 de zile fata de momentul requestului")
    future = ask(now - timedelta(days=1), now + timedelta(seconds=30))
    assert future["eroare"].startswith("endTime = ")
    assert " nu poate in viitor fata de momentul requestului = " in future["eroare"]
    quoted = future["eroare"].rsplit("= ", 1)[1]
    local = now.astimezone(ZoneInfo("Europe/Bucharest"))
    assert quoted[:16] == local.strftime("%d-%m-%Y %H:%M")
    backwards = ask(now - timedelta(days=1), now - timedelta(days=2))
    assert " nu poate fi <= startTime = " in backwards["eroare"]


def test_simple_list_errors(sandbox: SandboxHandle, api: httpx.Client) -> None:
    def eroare(**params: str) -> str:
        return str(api.get(SIMPLE, params=params).json()["eroare"])

    assert eroare(zile="1", cif="aaa") == "CIF introdus= aaa nu este un numar"
    assert eroare(zile="aaa", cif=ALFA) == "Numarul de zile introdus= aaa nu este un numar intreg"
    assert eroare(zile="61", cif=ALFA) == "Numarul de zile trebuie sa fie intre 1 si 60"
    assert (
        eroare(zile="1", cif=ALFA, filtru="X")
        == "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R"
    )
    assert eroare(zile="1", cif=TESATORIA) == f"Nu aveti drept in SPV pentru CIF={TESATORIA}"
    assert eroare(zile="15", cif=BUCATARIA) == "Nu exista mesaje in ultimele 15 zile"
    missing = api.get(SIMPLE, params={"cif": ALFA})
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parametrii zile si cif sunt obligatorii"


def test_paged_list_errors(sandbox: SandboxHandle, api: httpx.Client) -> None:
    now = sandbox.now()
    good = {
        "startTime": millis(now - timedelta(days=1)),
        "endTime": millis(now - timedelta(seconds=1)),
        "cif": ALFA,
    }

    def eroare(**params: str) -> str:
        return str(api.get(PAGED, params={**good, "pagina": "1", **params}).json()["eroare"])

    assert eroare(cif="aaa") == "CIF introdus= aaa nu este un numar sau nu are o valoare acceptata de sistem"
    assert (
        eroare(startTime="aaa") == "startTime = aaa nu este un numar sau nu are o valoare acceptata de sistem"
    )
    assert eroare(pagina="aa") == "pagina = aa nu este un numar sau nu are o valoare acceptata de sistem"
    assert eroare() == "Nu exista mesaje in intervalul selectat"
    assert eroare(cif=TESATORIA) == f"Nu aveti drept in SPV pentru CIF={TESATORIA}"
    missing = api.get(PAGED, params={"cif": ALFA})
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parametrii startTime, endTime, cif si pagina sunt obligatorii"


def test_filters_select_the_message_kind(busy: SandboxHandle, busy_api: httpx.Client) -> None:
    received = busy_api.get(SIMPLE, params={"zile": 1, "cif": ALFA, "filtru": "P"}).json()
    assert received["mesaje"]
    sent = busy_api.get(SIMPLE, params={"zile": 1, "cif": ALFA, "filtru": "T"}).json()
    assert sent["eroare"] == "Nu exista mesaje in ultimele 1 zile"
