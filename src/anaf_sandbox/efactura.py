"""e-Factura REST under ``/{prod,test}/FCTEL/rest/``: upload, uploadb2c, stareMesaj, validare, transformare
(docs/anaf.md §2.1, §2.2, §2.6, §2.7, §2.9, §2.10). Lists and download: ``listing.py``.

Both environments share one inbox. An upload is judged at once but stays ``in prelucrare`` for the seed's
``processing.lag_seconds``; its messages carry that moment as ``data_creare`` and only then appear in lists.
Duplicate key (§8.10 is open): seller CIF + invoice number + issue date of an earlier upload that was ``ok``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from einvoice.cif import cif_is_valid

from . import checks, faults, inbox, listing, quotas, rendering, responses
from .core import Sandbox, rights_of, sandbox_of

UPLOAD_LIMIT = 10 * 1024 * 1024
VALIDATE_LIMIT = 5 * 1024 * 1024
STANDARDS = ("UBL", "CN", "CII", "RASP")


def _param_errors(params: dict[str, str], rights: frozenset[str]) -> list[str]:
    """Upload parameter and rights errors, worded as in §2.1."""
    errors = []
    if params["standard"] not in STANDARDS:
        errors.append("Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP")
    cif = params["cif"]
    for name, label in (("extern", "extern"), ("autofactura", "autofacturare"), ("executare", "executare")):
        if name in params and params[name] != "DA":
            errors.append(f"Daca parametrul {label} trebuie completat, valoarea acceptata este DA")
    if not cif.isdigit():
        errors.append(f"CIF introdus= {cif} nu este un numar")
    elif not rights:
        errors.append(responses.NO_RIGHTS_AT_ALL)
    elif cif not in rights:
        errors.append(f"Nu aveti drept in SPV pentru CIF={cif}")
    elif params.get("executare") == "DA":
        errors.append(f"CIF introdus= {cif} nu este inregistrat in Registrul RO e-Factura executari silite")
    return errors


async def upload(request: Request) -> Response:
    sandbox = sandbox_of(request)
    now = sandbox.now()
    params = dict(request.query_params)
    if not params.get("standard") or not params.get("cif"):
        return responses.bad_request(now, "Parametrii standard si cif sunt obligatorii")
    body = await request.body()
    if not body.strip():
        return responses.bad_request(now, "Trebuie sa aveti atasat in request un fisier de tip xml")
    if len(body) > UPLOAD_LIMIT:
        return responses.upload_errors(now, "Marime fisier transmis mai mare de 10 MB.")
    errors = _param_errors(params, rights_of(request))
    if errors:
        return responses.upload_errors(now, *errors)
    standard, cif = params["standard"], params["cif"]
    if standard == "RASP":
        limit = sandbox.seed.limits.rasp_per_cif_per_day
        if quotas.over_daily_limit(sandbox, "rasp", cif, limit, now):
            return responses.upload_errors(
                now, f"S-au incarcat deja {limit} de mesaje de tip RASP pentru cui={cif} in cursul zilei"
            )
    problem = checks.root_problem(body, standard)
    if problem:
        return responses.upload_errors(now, problem)
    if standard == "RASP":
        index = _accept_buyer_message(sandbox, body, cif, now)
    else:
        verdict = await run_in_threadpool(checks.judge, body)
        if verdict.schema_errors:
            return responses.upload_errors(now, verdict.schema_errors[0])
        index = _accept_invoice(
            sandbox,
            body,
            cif=cif,
            standard=standard,
            rule_errors=verdict.nok_errors + faults.rejection(getattr(request.state, "fault", None)),
            now=now,
            self_billed=params.get("autofactura") == "DA",
        )
    sandbox.persist()
    return responses.upload_ok(now, index)


def _accept_invoice(
    sandbox: Sandbox,
    body: bytes,
    *,
    cif: str,
    standard: str,
    rule_errors: list[str],
    now: datetime,
    self_billed: bool = False,
) -> str:
    """Record an upload that passed the schema; its ``ok``/``nok`` messages appear after the lag."""
    facts = checks.facts(body) if standard in ("UBL", "CN") else checks.Facts(None, None, None, None)
    seller = facts.seller_cif or cif
    buyer = facts.buyer_cif or "0"
    ready_at = now + timedelta(seconds=sandbox.seed.processing.lag_seconds)
    index = sandbox.state.new_upload_index()
    errors = list(rule_errors)
    key = f"{seller}|{facts.number}|{facts.issue_date}" if facts.number and facts.issue_date else None
    with sandbox.state.lock:
        earlier = next(
            (u for u in sandbox.state.uploads.values() if key and u.get("key") == key and u["stare"] == "ok"),
            None,
        )
        if earlier is not None:
            day = datetime.fromisoformat(earlier["submitted_at"]).date().isoformat()
            errors.append(
                f"Factura a mai fost transmisa anterior cu index={earlier['index']} si data incarcare={day}"
            )
    upload: dict[str, Any] = {
        "index": index,
        "cif": cif,
        "standard": standard,
        "seller": seller,
        "buyer": buyer,
        "key": key,
        "submitted_at": now.isoformat(),
        "ready_at": ready_at.isoformat(),
        "stare": "nok" if errors else "ok",
    }
    if errors:
        download_id = inbox.add_document(
            sandbox,
            kind="errors",
            source={"type": "errors", "errors": errors},
            index=index,
            seller=seller,
            buyer=buyer,
            created_at=ready_at,
        )
        # §2.1: the ``cif`` parameter gets the error message when the seller cannot be identified.
        owner = seller if cif_is_valid(seller) else cif
        inbox.add_entry(
            sandbox,
            download_id=download_id,
            cif=owner,
            tip=inbox.ERRORS,
            index=index,
            detalii=inbox.error_details(index, self_billed),
            created_at=ready_at,
        )
    else:
        _, download_id = inbox.add_invoice_messages(
            sandbox,
            source={"type": "blob", "sha256": sandbox.store.put_blob(body)},
            seller=seller,
            buyer=buyer,
            created_at=ready_at,
            index=index,
            buyer_sees=sandbox.seed.company(buyer) is not None,
            self_billed=self_billed,
        )
    upload["download_id"] = download_id
    with sandbox.state.lock:
        sandbox.state.uploads[index] = upload
    return index


def _accept_buyer_message(sandbox: Sandbox, body: bytes, cif: str, now: datetime) -> str:
    """A RASP (buyer to seller) message: the seller of the answered invoice sees it (§2.1, §8.8)."""
    index = sandbox.state.new_upload_index()
    ready_at = now + timedelta(seconds=sandbox.seed.processing.lag_seconds)
    answered = checks.rasp_target(body)
    with sandbox.state.lock:
        target = sandbox.state.uploads.get(answered or "")
        seller = target["seller"] if target else cif
        sandbox.state.uploads[index] = {
            "index": index,
            "cif": cif,
            "standard": "RASP",
            "seller": seller,
            "buyer": cif,
            "key": None,
            "submitted_at": now.isoformat(),
            "ready_at": ready_at.isoformat(),
            "stare": "ok",
        }
    download_id = inbox.add_document(
        sandbox,
        kind="invoice",
        source={"type": "blob", "sha256": sandbox.store.put_blob(body)},
        index=index,
        seller=seller,
        buyer=cif,
        created_at=ready_at,
    )
    sandbox.state.uploads[index]["download_id"] = download_id
    detalii = f"Mesaj cumparator cu id_incarcare={index} pentru factura cu id_incarcare={answered}"
    for owner in dict.fromkeys((seller, cif)):
        inbox.add_entry(
            sandbox,
            download_id=download_id,
            cif=owner,
            tip=inbox.BUYER_MESSAGE,
            index=index,
            detalii=detalii,
            created_at=ready_at,
        )
    return index


async def stare_mesaj(request: Request) -> Response:
    """§2.2 with the per-message daily limit of §3."""
    sandbox = sandbox_of(request)
    now = sandbox.now()
    value = request.query_params.get("id_incarcare")
    if not value:
        return responses.bad_request(now, "Parametrul id_incarcare este obligatoriu")
    if not value.isdigit():
        return responses.status_error(f"Id_incarcare introdus= {value} nu este un numar intreg")
    rights = rights_of(request)
    if not rights:
        return responses.status_error("Nu exista niciun CIF petru care sa aveti drept")  # sic (§2.2)
    upload = sandbox.state.uploads.get(value.lstrip("0") or "0")
    if upload is None:
        return responses.status_error(f"Nu exista factura cu id_incarcare= {value}")
    if not {upload["cif"], upload["seller"]} & rights:
        return responses.status_error(f"Nu aveti dreptul de inteorgare pentru id_incarcare= {value}")  # sic
    limit = sandbox.seed.limits.stare_per_message_per_day
    if quotas.over_daily_limit(sandbox, "stare", value, limit, now):
        sandbox.persist()
        return responses.status_error(f"S-au facut deja {limit} descarcari de mesaj in cursul zilei")
    sandbox.persist()
    if now < datetime.fromisoformat(upload["ready_at"]):
        return responses.status("in prelucrare")
    return responses.status(upload["stare"], upload.get("download_id"))


def _validation_body(messages: list[str]) -> JSONResponse:
    trace = str(uuid.uuid4())
    if not messages:
        return JSONResponse({"stare": "ok", "trace_id": trace})
    return JSONResponse({"stare": "nok", "Messages": [{"message": m} for m in messages], "trace_id": trace})


async def _judge_for_service(request: Request) -> tuple[bytes, list[str] | None]:
    """Body and the §2.6 nok messages (None when the standard or size is refused before validation)."""
    standard = request.path_params["standard"]
    body = await request.body()
    if standard not in ("FACT1", "FCN"):
        return body, ["Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"]
    if len(body) > VALIDATE_LIMIT:
        return body, ["Marime fisier transmis mai mare de 5 MB."]
    return body, []


async def validare(request: Request) -> Response:
    body, refused = await _judge_for_service(request)
    if refused:
        return _validation_body(refused)
    verdict = await run_in_threadpool(checks.judge, body)
    return _validation_body(checks.validare_messages(verdict))


async def transformare(request: Request) -> Response:
    """§2.7: PDF of the invoice; ``/DA`` skips validation."""
    body, refused = await _judge_for_service(request)
    if refused:
        return _validation_body(refused)
    if request.path_params.get("novld") != "DA":
        verdict = await run_in_threadpool(checks.judge, body)
        if verdict.schema_errors or verdict.nok_errors:
            return _validation_body(checks.validare_messages(verdict))
    pdf = await run_in_threadpool(rendering.to_pdf, body)
    if pdf is None:
        return _validation_body(["A aparut o eroare tehnica. Cod: 500"])
    return Response(pdf, media_type="application/pdf")


def routes() -> list[Route]:
    prefix = "/{env:str}/FCTEL/rest"
    return [
        Route(f"{prefix}/upload", upload, methods=["POST"]),
        Route(f"{prefix}/uploadb2c", upload, methods=["POST"]),
        Route(f"{prefix}/stareMesaj", stare_mesaj, methods=["GET"]),
        Route(f"{prefix}/listaMesajeFactura", listing.simple_list, methods=["GET"]),
        Route(f"{prefix}/listaMesajePaginatieFactura", listing.paged_list, methods=["GET"]),
        Route(f"{prefix}/descarcare", listing.download, methods=["GET"]),
        Route("/prod/FCTEL/rest/validare/{standard}", validare, methods=["POST"]),
        Route("/prod/FCTEL/rest/transformare/{standard}", transformare, methods=["POST"]),
        Route("/prod/FCTEL/rest/transformare/{standard}/{novld}", transformare, methods=["POST"]),
    ]
