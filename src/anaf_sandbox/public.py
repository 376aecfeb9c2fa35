"""The services beside e-Factura: ``/TestOauth/jaxrs/hello`` (docs/anaf.md §1.10), the signature check
``/api/validate/signature`` (§2.8), the public VAT lookup ``/api/PlatitorTvaRest/v9/tva`` (§5.1) and the
RO e-Factura register lookup ``/api/registruroefactura/v1/interogare`` (§5.2).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import quotas, signature
from .core import sandbox_of
from .seed import Company

SIGNATURE_VALID = (
    "Fișierele încărcate au fost validate cu succes, din perspectiva autenticității semnăturii aplicate și a "
    "apartenenței acesteia la XML-ul ce reprezintă factura electronică. Documentul factură de tip XML cu "
    "semnătura de validare atașată, este considerat document original din perspectiva legislativă și este "
    "generat prin intermediul sistemului național RO e-Factura."
)
SIGNATURE_INVALID = (
    "Fișierele încărcate NU au putut fi validate cu succes, din perspectiva autenticității semnăturii "
    "aplicate și a apartenenței acesteia la XML-ul ce reprezintă factura electronică. Documentul factură de "
    "tip XML cu semnătura de validare atașată, NU poate fi considerat document original din perspectiva "
    "legislativă și NU este generat prin intermediul sistemului național RO e-Factura."
)
SIGNATURE_BAD_REQUEST = (
    "Eroare tehnică: request incorect. Cauza: cel puțin unul din documente NU a fost încărcat sau NU este un "
    "fisier de tip XML specific facturii electronice."
)
VAT_MAX_CUIS = 100
# §5.1 allows one request a second but gives no wording for a refusal: the sandbox's own (docs/sandbox.md).
VAT_TOO_FAST = "Prea multe cereri: maximum {limit} pe secunda / Too many requests: at most {limit} a second"
# Lookups stamped up to this much early still pass: a client spacing its sends by exactly one second
# arrives with some scheduling jitter.
VAT_JITTER_SECONDS = 0.2
# The sandbox's companies joined the register on this day (v9's ``data_inreg_Reg_RO_e_Factura`` agrees).
REGISTER_ENROLLED = "2022-01-01"


def _masked(value: str) -> str:
    # ANAF echoes the Authorization header shortened ("Bearer 97…3"); never the whole token.
    if value.lower().startswith("bearer ") and len(value) > 12:
        return f"{value[:9]}…{value[-1]}"
    return value


async def hello(request: Request) -> Response:
    """§1.10: text, not JSON; echoes the headers plus the certificate's issuer and serial."""
    grant = request.state.grant
    name = request.query_params.get("name", "")
    lines = [f'Hello, "{name}"', "headers=key=Accept", f"val=[{request.headers.get('accept', '*/*')}]"]
    lines += ["key=Authorization", f"val=[{_masked(request.headers.get('authorization', ''))}]"]
    lines += ["key=issuer", f"val=[{grant.issuer}]", "key=serial_certificate", f"val=[{grant.serial}]"]
    lines += ["key=session-id", f"val=[{grant.jti[:16]}]"]
    return PlainTextResponse("\n".join(lines) + "\n")


async def validate_signature(request: Request) -> Response:
    """§2.8: multipart ``file`` + ``signature``; HTTP 200 ``{"msg": ...}`` for both verdicts."""
    sandbox = sandbox_of(request)
    try:
        form = await request.form()
    except Exception:  # malformed multipart is ANAF's "request incorect"
        return JSONResponse({"msg": SIGNATURE_BAD_REQUEST}, status_code=400)
    parts = [form.get("file"), form.get("signature")]
    if not all(isinstance(p, UploadFile) for p in parts):
        return JSONResponse({"msg": SIGNATURE_BAD_REQUEST}, status_code=400)
    invoice, signed = [await p.read() for p in parts if isinstance(p, UploadFile)]
    if not invoice.lstrip().startswith(b"<") or not signed.lstrip().startswith(b"<"):
        return JSONResponse({"msg": SIGNATURE_BAD_REQUEST}, status_code=400)
    ok = signature.verify(sandbox.keys, invoice, signed)
    return JSONResponse({"msg": SIGNATURE_VALID if ok else SIGNATURE_INVALID})


def _address(prefix: str, company: Company) -> dict[str, str]:
    county = company.county.removeprefix("RO-")
    return {
        f"{prefix}denumire_Strada": company.street,
        f"{prefix}numar_Strada": "",
        f"{prefix}denumire_Localitate": company.city,
        f"{prefix}cod_Localitate": "",
        f"{prefix}denumire_Judet": county,
        f"{prefix}cod_Judet": "",
        f"{prefix}cod_JudetAuto": county,
        f"{prefix}tara": "",
        f"{prefix}detalii_Adresa": "",
        f"{prefix}cod_Postal": company.postal_code,
    }


def vat_record(company: Company, on: str) -> dict[str, Any]:
    """One ``found[]`` item of §5.1 for a seeded company."""
    address = ", ".join(p for p in (company.street, company.city, company.county) if p)
    return {
        "date_generale": {
            "cui": int(company.cif),
            "data": on,
            "denumire": company.name,
            "adresa": address,
            "nrRegCom": company.registration,
            "telefon": "",
            "fax": "",
            "codPostal": company.postal_code,
            "act": "",
            "stare_inregistrare": "INREGISTRAT din data 01.03.2012",
            "data_inregistrare": "2012-03-01",
            "cod_CAEN": "",
            "iban": "",
            "statusRO_e_Factura": company.efactura_register,
            "organFiscalCompetent": "",
            "forma_de_proprietate": "",
            "forma_organizare": "PERSOANA JURIDICA",
            "forma_juridica": "",
            "data_inreg_Reg_RO_e_Factura": REGISTER_ENROLLED if company.efactura_register else "",
        },
        "inregistrare_scop_Tva": {
            "scpTVA": company.vat_payer,
            "perioade_TVA": (
                [
                    {
                        "data_inceput_ScpTVA": "2012-03-01",
                        "data_sfarsit_ScpTVA": "",
                        "data_anul_imp_ScpTVA": "",
                        "mesaj_ScpTVA": "",
                    }
                ]
                if company.vat_payer
                else []
            ),
        },
        "inregistrare_RTVAI": {
            "dataInceputTvaInc": "",
            "dataSfarsitTvaInc": "",
            "dataActualizareTvaInc": "",
            "dataPublicareTvaInc": "",
            "tipActTvaInc": "",
            "statusTvaIncasare": False,
        },
        "stare_inactiv": {
            "dataInactivare": "",
            "dataReactivare": "",
            "dataPublicare": "",
            "dataRadiere": "",
            "statusInactivi": False,
        },
        "inregistrare_SplitTVA": {
            "dataInceputSplitTVA": "",
            "dataAnulareSplitTVA": "",
            "statusSplitTVA": False,
        },
        "adresa_sediu_social": _address("s", company),
        "adresa_domiciliu_fiscal": _address("d", company),
    }


def _too_fast(request: Request, service: str) -> Response | None:
    """The 429 of the public services' one request a second per client address (§5.1), or None."""
    sandbox = sandbox_of(request)
    limit = sandbox.seed.limits.vat_requests_per_second
    client = request.client.host if request.client is not None else "unknown"
    window = 1.0 - VAT_JITTER_SECONDS
    wait = quotas.over_rate_limit(sandbox, f"{service}:{client}", limit, window, sandbox.now())
    if wait is None:
        return None
    return JSONResponse(
        {"cod": 429, "message": VAT_TOO_FAST.format(limit=limit)},
        status_code=429,
        headers={"Retry-After": "1"},
    )


async def _queries(request: Request) -> list[tuple[int, str]] | Response:
    """``[{"cui": N, "data": "YYYY-MM-DD"}]`` as (cui, ISO date) pairs, or the 400 answer."""
    try:
        body = json.loads(await request.body())
        queries = [(int(item["cui"]), date.fromisoformat(str(item["data"])).isoformat()) for item in body]
    except (ValueError, TypeError, KeyError) as exc:
        return JSONResponse({"cod": 400, "message": f"Cerere incorecta: {exc}"}, status_code=400)
    if len(queries) > VAT_MAX_CUIS:
        return JSONResponse(
            {"cod": 400, "message": f"Numarul maxim de CUI-uri dintr-o cerere este {VAT_MAX_CUIS}"},
            status_code=400,
        )
    return queries


async def vat_lookup(request: Request) -> Response:
    """§5.1 v9: ``[{"cui": N, "data": "YYYY-MM-DD"}]``, at most 100, answer ``found`` and ``notFound``.

    One request a second per client address (``limits.vat_requests_per_second``) on the sandbox clock; a
    faster one gets HTTP 429 with ``Retry-After`` and does not count.
    """
    refused = _too_fast(request, "vat")
    if refused is not None:
        return refused
    queries = await _queries(request)
    if isinstance(queries, Response):
        return queries
    sandbox = sandbox_of(request)
    found, not_found = [], []
    for cui, on in queries:
        company = sandbox.seed.company(str(cui))
        if company is None:
            not_found.append(cui)
        else:
            found.append(vat_record(company, on))
    return JSONResponse({"found": found, "notFound": not_found})


def register_record(company: Company, on: str) -> dict[str, Any]:
    """One ``found[]`` item of the RO e-Factura register (§5.2) for a company enrolled on 2022-01-01."""
    address = ", ".join(p for p in (company.street, company.city, company.county) if p)
    return {
        "cui": int(company.cif),
        "denumire": company.name,
        "adresa": address,
        "registru": "RO e-Factura",
        "categorie": "PJ",
        "dataInscriere": REGISTER_ENROLLED,
        "dataRenuntare": "",
        "dataRadiere": "",
        "dataOptiuneB2G": "",
        "stare": "inregistrat" if on >= REGISTER_ENROLLED else "neinregistrat",
    }


async def register_lookup(request: Request) -> Response:
    """§5.2: the same request as the VAT lookup; the seeded companies with ``efactura_register``.

    HTTP 404 with ``{"found": [], "notFound": [...]}`` when none of the CUIs is in the register.
    """
    refused = _too_fast(request, "registru")
    if refused is not None:
        return refused
    queries = await _queries(request)
    if isinstance(queries, Response):
        return queries
    sandbox = sandbox_of(request)
    found, not_found = [], []
    for cui, on in queries:
        company = sandbox.seed.company(str(cui))
        if company is None or not company.efactura_register:
            not_found.append(cui)
        else:
            found.append(register_record(company, on))
    return JSONResponse({"found": found, "notFound": not_found}, status_code=200 if found else 404)


def routes() -> list[Route]:
    return [
        Route("/TestOauth/jaxrs/hello", hello, methods=["GET"]),
        Route("/api/validate/signature", validate_signature, methods=["POST"]),
        Route("/api/PlatitorTvaRest/v9/tva", vat_lookup, methods=["POST"]),
        Route("/api/registruroefactura/v1/interogare", register_lookup, methods=["POST"]),
    ]
