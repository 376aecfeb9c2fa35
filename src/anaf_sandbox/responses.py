"""ANAF's response shapes (docs/anaf.md §2.0-§2.6): XML headers, JSON ``eroare`` bodies, the HTTP 400
``CustomErrorMessage``. One place for the envelopes; the texts live beside the endpoint that says them.
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import quoteattr

from starlette.responses import JSONResponse, Response

from .clock import anaf_minute, anaf_seconds

UPLOAD_NS = "mfp:anaf:dgti:spv:respUploadFisier:v1"
STATUS_NS = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
ERRORS_NS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"  # sic: "Factuta" (§2.5)
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LIST_TITLE = "Lista Mesaje"
DOWNLOAD_TITLE = "Descarcare mesaj"
NO_RIGHTS_AT_ALL = "Nu exista niciun CIF pentru care sa aveti drept in SPV"  # upload and lists (§2.1, §2.3)


def xml(text: str) -> Response:
    return Response(XML_DECLARATION + text, media_type="application/xml")


def upload_ok(now: datetime, index: str) -> Response:
    return xml(
        f'<header xmlns="{UPLOAD_NS}" dateResponse="{anaf_minute(now)}" ExecutionStatus="0" '
        f'index_incarcare="{index}"/>'
    )


def upload_errors(now: datetime, *messages: str) -> Response:
    errors = "".join(f"\n    <Errors errorMessage={quoteattr(m)}/>" for m in messages)
    return xml(
        f'<header xmlns="{UPLOAD_NS}" dateResponse="{anaf_minute(now)}" ExecutionStatus="1">'
        f"{errors}\n</header>"
    )


def status(stare: str, download_id: str | None = None) -> Response:
    download = f' id_descarcare="{download_id}"' if download_id else ""
    return xml(f'<header xmlns="{STATUS_NS}" stare={quoteattr(stare)}{download}/>')


def status_error(message: str) -> Response:
    return xml(f'<header xmlns="{STATUS_NS}">\n    <Errors errorMessage={quoteattr(message)}/>\n</header>')


def eroare(message: str, title: str = LIST_TITLE, media_type: str = "application/json") -> Response:
    """HTTP 200 error body of the list and download endpoints (§2.3-§2.5)."""
    response = JSONResponse({"eroare": message, "titlu": title})
    if media_type != "application/json":
        # §2.0: some JSON error bodies arrive labelled text/plain.
        response.headers["content-type"] = media_type
    return response


def bad_request(now: datetime, message: str) -> Response:
    """HTTP 400 ``CustomErrorMessage`` for a missing parameter (§2.1-§2.5)."""
    body = {"timestamp": anaf_seconds(now), "status": 400, "error": "Bad Request", "message": message}
    return JSONResponse(body, status_code=400)


def error_report(index: str, seller_cif: str, messages: list[str]) -> bytes:
    """The error XML inside a ``nok`` ZIP (§2.5)."""
    errors = "".join(f"\n  <Error errorMessage={quoteattr(m)}/>" for m in messages)
    return (
        f'{XML_DECLARATION}<header xmlns="{ERRORS_NS}" Index_incarcare="{index}" '
        f'Cif_emitent="{seller_cif}">{errors}\n</header>\n'
    ).encode()
