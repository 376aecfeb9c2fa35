"""Message lists and download: ``listaMesajeFactura``, ``listaMesajePaginatieFactura``, ``descarcare``
(docs/anaf.md §2.3, §2.4, §2.5, daily limits §3).
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import inbox, quotas, responses, signature, traffic
from .clock import BUCHAREST, anaf_minute, anaf_seconds
from .core import Sandbox, rights_of, sandbox_of

PAGED_FIELD = "nu este un numar sau nu are o valoare acceptata de sistem"
# §2.3/§2.4: the lists look back at most 60 days from the request, whatever the download retention
# (``limits.retention_days``, counted from ``data_creare``): the two anchors differ, so a message can be
# listed and no longer served (§2.5).
LIST_DAYS = 60


def _public(entry: dict[str, Any]) -> dict[str, str]:
    created = datetime.fromisoformat(entry["created_at"])
    return {
        "data_creare": anaf_minute(created),
        "cif": entry["cif"],
        "id_solicitare": entry["id_solicitare"],
        "detalii": entry["detalii"],
        "tip": entry["tip"],
        "id": entry["id"],
    }


def _serial(request: Request) -> str:
    grant = getattr(request.state, "grant", None)
    return grant.serial.replace(":", "").upper() if grant is not None else ""


def _rights_error(cif: str, rights: frozenset[str]) -> str | None:
    if not rights:
        return responses.NO_RIGHTS_AT_ALL
    if cif not in rights:
        return f"Nu aveti drept in SPV pentru CIF={cif}"
    return None


async def simple_list(request: Request) -> Response:
    """§2.3: the last ``zile`` days, at most 500 messages."""
    sandbox = sandbox_of(request)
    now = sandbox.now()
    zile, cif, filtru = (request.query_params.get(k) for k in ("zile", "cif", "filtru"))
    if not zile or not cif:
        return responses.bad_request(now, "Parametrii zile si cif sunt obligatorii")
    if not cif.isdigit():
        return responses.eroare(f"CIF introdus= {cif} nu este un numar")
    if not zile.lstrip("-").isdigit():
        return responses.eroare(f"Numarul de zile introdus= {zile} nu este un numar intreg")
    days = int(zile)
    if not 1 <= days <= LIST_DAYS:
        return responses.eroare("Numarul de zile trebuie sa fie intre 1 si 60")
    if filtru is not None and filtru not in inbox.FILTERS:
        return responses.eroare("Valorile acceptate pentru parametrul filtru sunt E, T, P sau R")
    problem = _rights_error(cif, rights_of(request))
    if problem:
        return responses.eroare(problem)
    limit = sandbox.seed.limits.lista_per_cif_per_day
    if quotas.over_daily_limit(sandbox, "lista", cif, limit, now):
        sandbox.persist()
        return responses.eroare(
            f"S-au facut deja {limit} interogari de lista mesaje de catre utilizator in cursul zilei"
        )
    sandbox.persist()
    found = inbox.visible_entries(sandbox, cif, now - timedelta(days=days), now, filtru)
    if not found:
        return responses.eroare(f"Nu exista mesaje in ultimele {days} zile")
    if len(found) > sandbox.seed.limits.page_size:
        return responses.eroare(
            f"Lista de mesaje este mai mare decat numarul de {sandbox.seed.limits.page_size} elemente "
            "permise in pagina. Folositi endpoint-ul cu paginatie."
        )
    return JSONResponse(
        {
            "mesaje": [_public(e) for e in found],
            "serial": _serial(request),
            "cui": cif,
            "titlu": f"Lista Mesaje disponibile din ultimele {days} zile",
        }
    )


def _millis(value: str) -> datetime | None:
    if not value.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


async def paged_list(request: Request) -> Response:
    """§2.4: a window in epoch milliseconds, 500 per page, ``endTime`` not after the sandbox clock."""
    sandbox = sandbox_of(request)
    now = sandbox.now()
    query = request.query_params
    values = {k: query.get(k) for k in ("startTime", "endTime", "cif", "pagina")}
    if not all(values.values()):
        return responses.bad_request(now, "Parametrii startTime, endTime, cif si pagina sunt obligatorii")
    cif, pagina = str(values["cif"]), str(values["pagina"])
    if not cif.isdigit():
        return responses.eroare(f"CIF introdus= {cif} {PAGED_FIELD}")
    start, end = _millis(str(values["startTime"])), _millis(str(values["endTime"]))
    if start is None:
        return responses.eroare(f"startTime = {values['startTime']} {PAGED_FIELD}")
    if end is None:
        return responses.eroare(f"endTime = {values['endTime']} {PAGED_FIELD}")
    if not pagina.isdigit() or int(pagina) < 1:
        return responses.eroare(f"pagina = {pagina} {PAGED_FIELD}")
    filtru = query.get("filtru")
    if filtru is not None and filtru not in inbox.FILTERS:
        return responses.eroare("Valorile acceptate pentru parametrul filtru sunt E, T, P sau R")
    problem = _rights_error(cif, rights_of(request))
    if problem:
        return responses.eroare(problem)
    if start < now - timedelta(days=LIST_DAYS):
        return responses.eroare(
            f"startTime = {anaf_seconds(start)} nu poate fi mai vechi de {LIST_DAYS} de zile fata de "
            "momentul requestului"
        )
    if end <= start:
        return responses.eroare(
            f"endTime = {anaf_seconds(end)} nu poate fi <= startTime = {anaf_seconds(start)}"
        )
    if end > now:
        # Live wording quotes ANAF's own clock (§2.4).
        return responses.eroare(
            f"endTime = {anaf_seconds(end)} nu poate in viitor fata de momentul requestului = "
            f"{anaf_seconds(now)}"
        )
    limit = sandbox.seed.limits.paginatie_per_cif_per_day
    if quotas.over_daily_limit(sandbox, "paginatie", cif, limit, now):
        sandbox.persist()
        return responses.eroare(
            f"S-au facut deja {limit} interogari de lista mesaje de catre utilizator in cursul zilei"
        )
    sandbox.persist()
    found = inbox.visible_entries(sandbox, cif, start, end, filtru)
    if not found:
        return responses.eroare("Nu exista mesaje in intervalul selectat")
    size = sandbox.seed.limits.page_size
    pages = math.ceil(len(found) / size)
    page = int(pagina)
    if page > pages:
        return responses.eroare(
            f"Pagina solicitata {page} este mai mare decat numarul toatal de pagini {pages}"
        )
    chunk = found[(page - 1) * size : page * size]
    return JSONResponse(
        {
            "mesaje": [_public(e) for e in chunk],
            "numar_inregistrari_in_pagina": len(chunk),
            "numar_total_inregistrari_per_pagina": size,
            "numar_total_inregistrari": len(found),
            "numar_total_pagini": pages,
            "index_pagina_curenta": page,
            "serial": _serial(request),
            "cui": cif,
            "titlu": f"Lista Mesaje disponibile din intervalul {anaf_seconds(start)} - {anaf_seconds(end)}",
        }
    )


def _download_error(message: str) -> Response:
    # §2.0/§2.5: download errors sometimes arrive labelled text/plain; the sandbox always does that.
    return responses.eroare(message, responses.DOWNLOAD_TITLE, "text/plain;charset=UTF-8")


async def download(request: Request) -> Response:
    """§2.5: a ZIP with ``{id_incarcare}.xml`` and ``semnatura_{id_incarcare}.xml``."""
    sandbox = sandbox_of(request)
    now = sandbox.now()
    value = request.query_params.get("id")
    if not value:
        return responses.bad_request(now, "Parametrul id este obligatoriu")
    if not value.isdigit():
        return _download_error(f"Id descarcare introdus= {value} nu este un numar intreg")
    document = sandbox.state.documents.get(value.lstrip("0") or "0")
    with sandbox.state.lock:
        owners = {e["cif"] for e in sandbox.state.entries if e["id"] == value}
    if document is None or not owners:
        return _download_error(f"Pentru id={value} nu exista inregistrata nici o factura")
    if not owners & rights_of(request):
        return _download_error("Nu aveti dreptul sa descarcati acesta factura")  # sic (§2.5)
    if now >= inbox.retention_ends(document, sandbox.seed.limits.retention_days):
        # ANAF's text names 60 days; it stays verbatim whatever ``retention_days`` says.
        return _download_error(
            "Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de 60 de zile "
            "in care este disponibil"
        )
    limit = sandbox.seed.limits.descarcare_per_message_per_day
    if quotas.over_daily_limit(sandbox, "descarcare", value, limit, now):
        sandbox.persist()
        return _download_error(
            f"S-au facut deja {limit} descarcari la mesajul cu id_descarcare={value} in cursul zilei"
        )
    sandbox.persist()
    return Response(build_zip(sandbox, document), media_type="application/zip")


def document_bytes(sandbox: Sandbox, document: dict[str, Any]) -> bytes:
    """The XML a document serves: the invoice as uploaded/seeded/generated, or the error report."""
    source = document["source"]
    kind = source["type"]
    if kind == "blob":
        return sandbox.store.get_blob(source["sha256"])
    if kind == "file":
        with open(source["path"], "rb") as handle:
            return handle.read()
    if kind == "errors":
        return responses.error_report(document["index"], document["seller"], source["errors"])
    if kind == "traffic":
        buyer = sandbox.seed.company(document["buyer"])
        return traffic.invoice_xml(
            source["seed"],
            source["n"],
            buyer,
            datetime.fromisoformat(document["created_at"]),
            source.get("credit_ratio", 0.1),
        )
    raise ValueError(f"unknown document source {kind!r}")


def _entry(name: str, created: datetime) -> zipfile.ZipInfo:
    """A ZIP entry stamped with the document's ``data_creare`` (Bucharest wall time, on the sandbox clock),
    never the machine's clock, so every download of a message is the same bytes (as ANAF's are)."""
    local = created.astimezone(BUCHAREST)
    info = zipfile.ZipInfo(
        name, date_time=(local.year, local.month, local.day, local.hour, local.minute, local.second)
    )
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0  # as in ANAF's ZIPs (written by Java): no Unix permission bits
    info.external_attr = 0
    return info


def build_zip(sandbox: Sandbox, document: dict[str, Any]) -> bytes:
    """``semnatura_{index}.xml`` then ``{index}.xml``, ANAF's order; same document, same bytes."""
    index = document["index"]
    data = document_bytes(sandbox, document)
    created = datetime.fromisoformat(document["created_at"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        signed = signature.sign(sandbox.keys, f"{index}.xml", data)
        archive.writestr(_entry(f"semnatura_{index}.xml", created), signed)
        archive.writestr(_entry(f"{index}.xml", created), data)
    return buffer.getvalue()
