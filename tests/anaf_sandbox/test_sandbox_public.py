"""Hello, validare, transformare, VAT lookup, unknown paths and bad tokens (§1.10, §2.6, §2.7, §5.1)."""

from __future__ import annotations

import httpx

from anaf_sandbox.testing import SandboxHandle, running_sandbox, small_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, BUCATARIA, break_rule, make_invoice

VAT = "/api/PlatitorTvaRest/v9/tva"
ONE_CIF = [{"cui": int(ALFA), "data": "2026-01-15"}]


def test_hello_answers_text_with_the_certificate(sandbox: SandboxHandle, api: httpx.Client) -> None:
    response = api.get("/TestOauth/jaxrs/hello", params={"name": "Test Hello App!"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith('Hello, "Test Hello App!"\nheaders=')
    assert f"key=serial_certificate\nval=[{sandbox.default_certificate()['serial']}]" in response.text
    token = api.headers["Authorization"].removeprefix("Bearer ")
    assert token not in response.text


def test_missing_or_garbage_tokens_get_401_with_invalid_token(sandbox: SandboxHandle) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}):
        response = httpx.get(
            f"{sandbox.url}/prod/FCTEL/rest/listaMesajeFactura?zile=1&cif={ALFA}", headers=headers
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_an_unknown_path_gets_403(api: httpx.Client) -> None:
    assert api.get("/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).status_code == 403
    assert api.get("/prod/FCTEL/rest/listaPaginatieMesajeFactura").status_code == 403


def test_validare_says_ok_or_nok_with_messages(api: httpx.Client) -> None:
    ok = api.post(
        "/prod/FCTEL/rest/validare/FACT1", content=make_invoice(), headers={"Content-Type": "text/plain"}
    )
    assert ok.status_code == 200
    assert set(ok.json()) == {"stare", "trace_id"}
    assert ok.json()["stare"] == "ok"
    nok = api.post("/prod/FCTEL/rest/validare/FACT1", content=break_rule(make_invoice())).json()
    assert nok["stare"] == "nok"
    assert nok["Messages"][0]["message"].startswith("E: validari globale  SCHEMATRON   eroare: [BR-CO-16]")
    wrong = api.post("/prod/FCTEL/rest/validare/XYZ", content=make_invoice()).json()
    assert wrong["Messages"] == [
        {"message": "Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"}
    ]


def test_validare_needs_no_token_as_on_webservicesp(sandbox: SandboxHandle) -> None:
    response = httpx.post(f"{sandbox.url}/prod/FCTEL/rest/validare/FACT1", content=make_invoice())
    assert response.json()["stare"] == "ok"


def test_validare_and_transformare_do_not_exist_on_test(api: httpx.Client) -> None:
    for path in ("/test/FCTEL/rest/validare/FACT1", "/test/FCTEL/rest/transformare/FACT1"):
        response = api.post(path, content=make_invoice())
        assert response.status_code == 404
        assert response.json()["error"] == "Not Found"
    missing = api.post("/prod/FCTEL/rest/validare/", content=make_invoice())
    assert missing.status_code == 404
    assert missing.json()["path"] == "/FCTEL/rest/validare/"


def test_transformare_refuses_an_invalid_invoice_unless_told_not_to_validate(api: httpx.Client) -> None:
    refused = api.post("/prod/FCTEL/rest/transformare/FACT1", content=break_rule(make_invoice()))
    assert refused.json()["stare"] == "nok"


def test_vat_lookup_finds_seeded_companies(sandbox: SandboxHandle) -> None:
    response = httpx.post(
        f"{sandbox.url}/api/PlatitorTvaRest/v9/tva",
        json=[
            {"cui": int(ALFA), "data": "2026-01-15"},
            {"cui": int(BUCATARIA), "data": "2026-01-15"},
            {"cui": 1234, "data": "2026-01-15"},
        ],
    )
    assert response.status_code == 200
    body = response.json()
    assert body["notFound"] == [1234]
    first = body["found"][0]
    assert first["date_generale"]["cui"] == int(ALFA)
    assert first["date_generale"]["denumire"] == "Alfa Construcții Ardeal SRL"
    assert first["inregistrare_scop_Tva"]["scpTVA"] is True
    assert isinstance(first["inregistrare_scop_Tva"]["perioade_TVA"], list)
    assert "cod" not in body  # no v8-style wrapper on live v9
    sandbox.advance(1)  # one request a second
    too_many = httpx.post(
        f"{sandbox.url}/api/PlatitorTvaRest/v9/tva", json=[{"cui": 1, "data": "2026-01-15"}] * 101
    )
    assert too_many.status_code == 400


def test_vat_lookup_allows_one_request_a_second_per_client(sandbox: SandboxHandle) -> None:
    assert httpx.post(f"{sandbox.url}{VAT}", json=ONE_CIF).status_code == 200
    refused = httpx.post(f"{sandbox.url}{VAT}", json=ONE_CIF)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["message"].startswith("Prea multe cereri: maximum 1 pe secunda")
    assert httpx.post(f"{sandbox.url}{VAT}", json=ONE_CIF).status_code == 429  # refusals do not count...

    other_address = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=other_address) as neighbour:
        assert neighbour.post(f"{sandbox.url}{VAT}", json=ONE_CIF).status_code == 200  # per client address

    sandbox.advance(1)  # ...and the window runs on the sandbox clock
    assert httpx.post(f"{sandbox.url}{VAT}", json=ONE_CIF).status_code == 200
    assert [c["status"] for c in sandbox.calls(VAT)] == [200, 429, 429, 200, 200]


def test_the_vat_lookup_limit_is_a_seed_setting() -> None:
    seed = small_seed()
    seed.setdefault("limits", {})["vat_requests_per_second"] = 3
    with running_sandbox(seed) as sandbox:
        statuses = [httpx.post(f"{sandbox.url}{VAT}", json=ONE_CIF).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]


def test_transformare_draws_a_pdf(api: httpx.Client) -> None:
    for path in ("/prod/FCTEL/rest/transformare/FACT1", "/prod/FCTEL/rest/transformare/FACT1/DA"):
        response = api.post(path, content=make_invoice(), headers={"Content-Type": "text/plain"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
