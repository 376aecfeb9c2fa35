"""Quotas (§3) and faults: each limit with ANAF's text, each fault kind, per path, rate or count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from lxml import etree

from anaf_sandbox.testing import SandboxHandle, running_sandbox, scenario_seed, small_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, client_for, make_invoice

HELLO = "/TestOauth/jaxrs/hello"


@pytest.fixture(scope="module")
def tight() -> Iterator[SandboxHandle]:
    """Small limits so each quota is reached in a few calls (the mechanism is the same at ANAF's numbers)."""
    seed = scenario_seed("tight_limits")
    with running_sandbox(seed) as handle:
        yield handle


@pytest.fixture
def tight_api(tight: SandboxHandle) -> Iterator[httpx.Client]:
    tight.reset()
    with client_for(tight) as client:
        yield client


def test_calls_over_the_minute_limit_get_429(tight: SandboxHandle, tight_api: httpx.Client) -> None:
    statuses = [tight_api.get(HELLO).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    tight.advance(61)
    assert tight_api.get(HELLO).status_code == 200


def test_the_default_limit_is_1000_calls_a_minute(sandbox: SandboxHandle, api: httpx.Client) -> None:
    statuses = [api.get(HELLO).status_code for _ in range(1001)]
    assert statuses.count(200) == 1000
    assert statuses[-1] == 429


def test_stare_mesaj_per_message_daily_limit(tight: SandboxHandle, tight_api: httpx.Client) -> None:
    index = etree.fromstring(
        tight_api.post(
            "/prod/FCTEL/rest/upload", params={"standard": "UBL", "cif": ALFA}, content=make_invoice()
        ).content
    ).get("index_incarcare")
    for _ in range(3):
        root = etree.fromstring(
            tight_api.get("/prod/FCTEL/rest/stareMesaj", params={"id_incarcare": index}).content
        )
        assert root.get("stare") is not None
    over = etree.fromstring(
        tight_api.get("/prod/FCTEL/rest/stareMesaj", params={"id_incarcare": index}).content
    )
    assert over[0].get("errorMessage") == "S-au facut deja 3 descarcari de mesaj in cursul zilei"


def test_list_daily_limits_per_cif(tight: SandboxHandle, tight_api: httpx.Client) -> None:
    for _ in range(3):
        assert (
            "Nu exista mesaje"
            in tight_api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).json()[
                "eroare"
            ]
        )
    over = tight_api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).json()
    assert (
        over["eroare"] == "S-au facut deja 3 interogari de lista mesaje de catre utilizator in cursul zilei"
    )
    now = tight.now()
    params = {
        "startTime": str(int((now - timedelta(days=1)).timestamp() * 1000)),
        "endTime": str(int((now - timedelta(seconds=2)).timestamp() * 1000)),
        "cif": ALFA,
        "pagina": "1",
    }
    for _ in range(3):
        tight_api.get("/prod/FCTEL/rest/listaMesajePaginatieFactura", params=params)
    paged = tight_api.get("/prod/FCTEL/rest/listaMesajePaginatieFactura", params=params).json()
    assert paged["eroare"].startswith("S-au facut deja 3 ")


def test_rasp_uploads_per_cif_daily_limit(tight: SandboxHandle, tight_api: httpx.Client) -> None:
    rasp = b'<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" index_incarcare="1" message="ok"/>'

    def send() -> etree._Element:
        return etree.fromstring(
            tight_api.post(
                "/prod/FCTEL/rest/upload", params={"standard": "RASP", "cif": ALFA}, content=rasp
            ).content
        )

    assert [send().get("ExecutionStatus") for _ in range(2)] == ["0", "0"]
    over = send()
    assert (
        over[0].get("errorMessage")
        == f"S-au incarcat deja 2 de mesaje de tip RASP pentru cui={ALFA} in cursul zilei"
    )


@pytest.mark.parametrize(
    ("kind", "status", "marker"),
    [
        ("http_500", 500, "A aparut o eroare tehnica"),
        ("http_502", 502, "Bad Gateway"),
        ("http_504", 504, "Gateway Time-out"),
        ("waf", 200, "The requested URL was rejected. Please consult with your administrator."),
        ("maintenance", 503, "mentenanta"),
    ],
)
def test_each_fault_kind_answers_like_the_real_thing(
    sandbox: SandboxHandle, api: httpx.Client, kind: str, status: int, marker: str
) -> None:
    sandbox.add_faults({"path": "/prod/FCTEL/rest/listaMesajeFactura", "kind": kind, "count": 1})
    faulted = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA})
    assert faulted.status_code == status
    assert marker in faulted.text
    assert api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).status_code == 200
    assert api.get(HELLO).status_code == 200  # other paths untouched
    assert [c.get("fault") for c in sandbox.calls("listaMesajeFactura")] == [kind, None]


def test_a_timeout_holds_the_connection_past_the_client_timeout(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    sandbox.add_faults({"path": "/TestOauth/*", "kind": "timeout", "seconds": 2, "count": 1})
    with pytest.raises(httpx.ReadTimeout):
        api.get(HELLO, timeout=0.5)


def test_slow_answers_late_but_answers(sandbox: SandboxHandle, api: httpx.Client) -> None:
    sandbox.add_faults({"path": HELLO, "kind": "slow", "seconds": 0.6, "count": 1})
    response = api.get(HELLO)
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.6


def test_a_rate_fault_hits_about_that_share_of_calls(sandbox: SandboxHandle, api: httpx.Client) -> None:
    sandbox.add_faults({"path": HELLO, "kind": "http_502", "rate": 0.5})
    statuses = [api.get(HELLO).status_code for _ in range(60)]
    assert 15 <= statuses.count(502) <= 45


def test_faults_can_come_from_the_seed() -> None:
    seed = small_seed()
    seed["faults"] = [{"path": "/anaf-oauth2/v1/token", "kind": "http_504", "count": 1}]
    with running_sandbox(seed) as handle:
        first = httpx.post(f"{handle.url}/anaf-oauth2/v1/token", data={})
        assert first.status_code == 504
        assert httpx.post(f"{handle.url}/anaf-oauth2/v1/token", data={}).status_code == 400


def test_the_waf_can_be_triggered_by_what_the_invoice_contains(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    sandbox.add_faults({"path": "/prod/FCTEL/rest/validare/*", "kind": "waf", "body_contains": ";CP "})
    clean = make_invoice()
    blocked = clean.replace(b"Str. Memorandumului nr. 28", b"Str. Memorandumului nr. 28;CP 400114")
    assert api.post("/prod/FCTEL/rest/validare/FACT1", content=clean).json()["stare"] == "ok"
    rejected = api.post("/prod/FCTEL/rest/validare/FACT1", content=blocked)
    assert rejected.status_code == 200
    assert "The requested URL was rejected" in rejected.text
