"""REST API v1 (django-ninja): companies, authorizations (status only), messages, invoices and their files.

Authentication: `Authorization: Bearer efh_...` (an organization's API key). Each operation needs a scope.
Lists use cursor pagination over the id (stable while new rows arrive); `since` gives incremental pulls.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

import einvoice
from hub.api.models import ApiKey, Scope
from hub.api.pagination import cursor_page
from hub.api.services import api_key_check
from hub.core.downloads import content_disposition
from hub.documents import archive
from hub.inbox import documents
from hub.inbox.models import Invoice, Message
from hub.inbox.selectors import (
    InvoiceFilters,
    company_lookup,
    invoice_get,
    invoices_for,
    messages_for,
    sync_states_for,
)
from hub.inbox.services.rendering import PdfState, pdf_cached, pdf_request
from hub.inbox.services.requests import inbox_sync_request
from hub.inbox.services.scheduling import intervals_for
from hub.inbox.shapes import invoice_summary, invoice_summary_of, invoice_summary_rows
from hub.integrations.ro_efactura.lifetime import AccessStatus
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.ro_efactura.selectors import access_status_of, authorizations_for, served_cifs
from hub.outbox.models import OutgoingInvoice
from hub.outbox.selectors import OutgoingFilters, outgoing_for, outgoing_get, outgoing_history
from hub.outbox.services.intake import DuplicateInvoice, IntakeRefused, outgoing_intake
from hub.outbox.shapes import outgoing_summary
from hub.outbox.wording import refusal_message


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return api_key_check(token)


api = NinjaAPI(
    title="e-Factura Hub API",
    version="1",
    description="Companies, SPV authorization status, e-Factura messages and invoices of one organization.",
    auth=KeyAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _key(request: HttpRequest, scope: str) -> ApiKey:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    if scope not in key.scopes:
        raise HttpError(403, f"this API key lacks the '{scope}' scope")
    return key


class CompanyOut(Schema):
    id: int
    cif: str
    name: str
    last_sync_at: datetime | None
    last_sync_error: str
    listed_until: datetime | None
    next_sync_at: datetime | None
    sync_interval_minutes: int
    sync_interval_adaptive: bool


class AuthorizationOut(Schema):
    status: str
    environment: str
    authorized_at: datetime
    authorized_by: str | None
    access_expires_at: datetime
    reauthorize_by: datetime
    access_ends_at: datetime
    access_ends_because: str
    access_state: str
    certificate_serial: str
    certificate_valid_until: date | None
    last_renewed_at: datetime | None
    serves: list[str]  # CIFs of the companies this authorization serves


class MessageOut(Schema):
    id: int
    company_id: int
    message_id: str
    upload_id: str
    anaf_kind: str
    direction: str
    created_at: datetime | None
    state: str
    invoice_id: int | None


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: int | None


class PartyOut(Schema):
    role: str
    name: str
    vat_id: str
    registration_id: str
    street: str
    city: str
    county: str
    country: str


class LineOut(Schema):
    position: int
    name: str
    quantity: Decimal | None
    unit_code: str
    price: Decimal | None
    net_amount: Decimal | None
    vat_category: str
    vat_rate: Decimal | None


class VatOut(Schema):
    category: str
    rate: Decimal | None
    taxable: Decimal | None
    tax: Decimal | None
    exemption_reason: str


class InvoiceOut(Schema):
    """The shape of `hub.inbox.shapes.invoice_summary`, also the `data` of invoice webhooks."""

    id: int
    company_id: int
    company_cif: str
    message_id: str
    upload_id: str
    direction: str
    kind: str
    state: str
    number: str
    issue_date: date | None
    due_date: date | None
    currency: str
    seller_name: str
    seller_cif: str
    buyer_name: str
    buyer_cif: str
    tax_exclusive: Decimal | None
    tax: Decimal | None
    payable: Decimal | None
    received_at: datetime
    archived_at: datetime
    problem: str
    signature_valid: bool | None


class InvoiceDetail(InvoiceOut):
    warnings: list[str]
    validation_errors: list[dict[str, str]]
    parties: list[PartyOut]
    lines: list[LineOut]
    vat_breakdown: list[VatOut]


class InvoicePage(Schema):
    items: list[InvoiceOut]
    next_cursor: int | None


class InvoiceQuery(Schema):
    company: int | None = None
    q: str = ""
    supplier: str = ""
    date_from: date | None = None
    date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    kind: str = ""
    direction: str = ""
    state: str = ""
    since: datetime | None = None
    cursor: int | None = None
    limit: int = 100


def _invoice_out(invoice: Invoice) -> dict[str, Any]:
    return invoice_summary(invoice)


@api.get("/companies", response=list[CompanyOut], tags=["companies"])
def list_companies(request: HttpRequest) -> list[dict[str, Any]]:
    key = _key(request, Scope.READ)
    states = sync_states_for(key.organization)
    intervals = intervals_for(states)
    return [
        {
            "id": state.company.pk,
            "cif": state.company.cif,
            "name": state.company.name,
            "last_sync_at": state.last_success_at,
            "last_sync_error": state.last_error,
            "listed_until": state.watermark,
            "next_sync_at": state.next_sync_at,
            "sync_interval_minutes": round(intervals[state.company_id] / timedelta(minutes=1)),
            "sync_interval_adaptive": not state.interval_minutes,
        }
        for state in states
    ]


@api.get("/authorizations", response=list[AuthorizationOut], tags=["authorizations"])
def list_authorizations(request: HttpRequest) -> list[dict[str, Any]]:
    """Status only: tokens never leave the server."""
    key = _key(request, Scope.READ)
    return [_authorization_out(row, access_status_of(row)) for row in authorizations_for(key.organization)]


def _authorization_out(row: SpvAuthorization, access: AccessStatus) -> dict[str, Any]:
    return {
        "status": row.status,
        "environment": row.environment,
        "authorized_at": row.authorized_at,
        "authorized_by": str(row.authorized_by) if row.authorized_by else None,
        "access_expires_at": row.access_expires_at,
        "reauthorize_by": access.ends_at,
        "access_ends_at": access.ends_at,
        "access_ends_because": str(access.end.limit),
        "access_state": str(access.state),
        "certificate_serial": row.serial,
        "certificate_valid_until": row.certificate_valid_until,
        "last_renewed_at": row.last_renewed_at,
        "serves": served_cifs(row),
    }


def _message_out(row: Message) -> dict[str, Any]:
    return {
        "id": row.pk,
        "company_id": row.company_id,
        "message_id": row.download_id,
        "upload_id": row.upload_id,
        "anaf_kind": row.anaf_kind,
        "direction": row.direction,
        "created_at": row.created_at,
        "state": row.state,
        "invoice_id": getattr(getattr(row, "invoice", None), "pk", None),
    }


@api.get("/messages", response=MessagePage, tags=["messages"])
def list_messages(
    request: HttpRequest,
    company: int | None = None,
    state: str = "",
    cursor: int | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    key = _key(request, Scope.READ)
    rows = messages_for(key.organization, company_id=company, state=state)
    return cursor_page(rows, cursor=cursor, limit=limit, shape=_message_out)


@api.get("/invoices", response=InvoicePage, tags=["invoices"])
def list_invoices(request: HttpRequest, query: Query[InvoiceQuery]) -> dict[str, Any]:
    """Invoices in archive order (ascending id); pass `next_cursor` back as `cursor` for the next page.
    `since` keeps only documents archived after that moment (incremental pulls)."""
    key = _key(request, Scope.READ)
    filters = InvoiceFilters(
        company=query.company,
        q=query.q,
        supplier=query.supplier,
        date_from=query.date_from,
        date_to=query.date_to,
        amount_min=query.amount_min,
        amount_max=query.amount_max,
        kind=query.kind,
        direction=query.direction,
        state=query.state,
    )
    rows = invoices_for(key.organization, filters)
    if query.since:
        rows = rows.filter(created__gt=query.since)
    return cursor_page(
        invoice_summary_rows(rows),
        cursor=query.cursor,
        limit=query.limit,
        shape=invoice_summary_of,
        id_of=itemgetter(0),  # the summary's first value is the id
    )


def _invoice(key: ApiKey, invoice_id: int) -> Invoice:
    return invoice_get(key.organization, invoice_id)


@api.get("/invoices/{invoice_id}", response=InvoiceDetail, tags=["invoices"])
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice = _invoice(_key(request, Scope.READ), invoice_id)
    return {
        **_invoice_out(invoice),
        "warnings": invoice.warnings,
        "validation_errors": invoice.validation_errors,
        "parties": list(invoice.parties.values()),
        "lines": list(invoice.lines.values()),
        "vat_breakdown": list(invoice.vat_breakdown.values()),
    }


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response


@api.get("/invoices/{invoice_id}/zip", tags=["files"], response={200: None})
def get_invoice_zip(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The original ZIP exactly as ANAF served it (invoice XML + the Ministry's signature)."""
    invoice = _invoice(_key(request, Scope.DOWNLOAD), invoice_id)
    return _file(documents.original_zip(invoice), documents.zip_name(invoice), "application/zip")


@api.get("/invoices/{invoice_id}/xml", tags=["files"], response={200: None})
def get_invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(_key(request, Scope.DOWNLOAD), invoice_id)
    try:
        opened = documents.contents(invoice)
    except einvoice.UnsafeArchive:
        raise HttpError(422, "the archive cannot be opened safely; download the original ZIP") from None
    return _file(opened.xml, opened.xml_name, "application/xml")


@api.get("/invoices/{invoice_id}/pdf", tags=["files"], response={200: None})
def get_invoice_pdf(request: HttpRequest, invoice_id: int, lang: str = "ro") -> HttpResponse:
    invoice = _invoice(_key(request, Scope.DOWNLOAD), invoice_id)
    if invoice.kind not in ("invoice", "credit_note"):
        raise HttpError(404, "no PDF for this kind of document")
    lang = "en" if lang == "en" else "ro"
    state = pdf_request(invoice, lang)
    data = pdf_cached(invoice, lang) if state == PdfState.READY else None
    if data is not None:
        return _file(data, f"{invoice.message.download_id}.pdf", "application/pdf")
    if state == PdfState.PENDING:  # rendered by the worker: ask again
        return JsonResponse({"pdf": "pending"}, status=202, headers={"Retry-After": "5"})
    raise HttpError(422, f"no PDF for this document ({state}); download its XML")


class SyncOut(Schema):
    queued: list[int]


@api.post("/sync", response=SyncOut, tags=["companies"])
def start_sync(request: HttpRequest, company: str = "") -> dict[str, Any]:
    """Enqueue a sync of one company (`company`: its CIF, with or without `RO`, or its id) or of all of them;
    a company the organization does not have is a 404, never an empty success."""
    key = _key(request, Scope.SYNC)
    company_id: int | None = None
    if company:
        found = company_lookup(key.organization, company)
        if found is None:
            raise HttpError(404, f"no company {company!r} in this organization")
        company_id = found.pk
    return {"queued": inbox_sync_request(organization=key.organization, company_id=company_id, trigger="api")}


class OutgoingErrorOut(Schema):
    rule: str
    message: str
    value: str
    location: str
    source: str
    explanation: str


class OutgoingOut(Schema):
    id: int
    url: str
    company: str
    state: str
    number: str
    issue_date: date | None
    standard: str
    b2c: bool
    extern: bool
    self_billed: bool
    enforcement: bool
    buyer_id: str
    buyer_name: str
    total: Decimal | None
    currency: str
    upload_id: str | None
    download_id: str | None
    created: datetime
    finished_at: datetime | None
    corrects: int | None
    deadline: date | None
    storno: bool
    reference_number: str | None
    amends: int | None
    amended_by: list[int]
    errors: list[OutgoingErrorOut]


class OutgoingDetail(OutgoingOut):
    signature_valid: bool | None
    attempts: list[dict[str, Any]]
    history: list[int]


class OutgoingPage(Schema):
    items: list[OutgoingOut]
    next_cursor: int | None


class DuplicateOut(Schema):
    detail: str
    first: OutgoingOut


class RefusedOut(Schema):
    detail: str


class SendQuery(Schema):
    company: str  # CIF (with or without RO) or id
    extern: bool = False
    autofactura: bool = False
    executare: bool = False
    deliberate_resend: bool = False
    corrects: int | None = None  # the rejected invoice this one corrects
    lang: str = ""


class OutboxQuery(Schema):
    company: int | None = None
    state: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    since: datetime | None = None
    cursor: int | None = None
    limit: int = 100
    lang: str = ""


def _outgoing_out(row: OutgoingInvoice) -> dict[str, Any]:
    return {**outgoing_summary(row), "url": reverse("api-v1:get_outgoing", kwargs={"invoice_id": row.pk})}


def _language(request: HttpRequest, lang: str) -> str:
    return "en" if (lang or getattr(request, "LANGUAGE_CODE", "ro")).startswith("en") else "ro"


@api.post(
    "/outbox",
    response={
        200: OutgoingOut,
        201: OutgoingOut,
        404: RefusedOut,
        409: DuplicateOut,
        422: OutgoingOut,
        400: RefusedOut,
    },
    tags=["outbox"],
)
def send_outgoing(request: HttpRequest, query: Query[SendQuery]) -> tuple[int, dict[str, Any]]:
    """Take in one issued invoice: the request body is its XML (UBL invoice, UBL credit note or CII).

    Send an `Idempotency-Key` header to make retries safe: the same key for the same company gives back the
    first answer's invoice (HTTP 200) and never a second upload. 201: queued for ANAF (or already on its
    way); 422: kept but invalid, with every error explained, not sent; 409: the same seller, number and
    issue date was sent already (`first`), unless `deliberate_resend`.
    """
    key = _key(request, Scope.SEND)
    with translation.override(_language(request, query.lang)):
        found = company_lookup(key.organization, query.company)
        if found is None:
            return 404, {"detail": f"no company {query.company!r} in this organization"}
        previous = outgoing_get(key.organization, query.corrects) if query.corrects else None
        try:
            intake = outgoing_intake(
                company=found,
                xml=request.body,
                source="api",
                extern=query.extern,
                self_billed=query.autofactura,
                enforcement=query.executare,
                deliberate_resend=query.deliberate_resend,
                idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:200] or None,
                corrects=previous,
            )
        except IntakeRefused as exc:
            return 400, {"detail": str(refusal_message(exc.code))}
        except DuplicateInvoice as exc:
            return 409, {
                "detail": "this invoice (seller, number, issue date) was sent already",
                "first": _outgoing_out(exc.first),
            }
        invoice = OutgoingInvoice.objects.select_related("company").get(pk=intake.invoice.pk)
        body = _outgoing_out(invoice)
    if intake.replayed:
        return 200, body
    return (422 if invoice.state == "invalid" else 201), body


@api.get("/outbox", response=OutgoingPage, tags=["outbox"])
def list_outgoing(request: HttpRequest, query: Query[OutboxQuery]) -> dict[str, Any]:
    """Issued invoices in intake order (ascending id), with the same cursor as `/invoices`; `since` keeps
    only those taken in after that moment."""
    key = _key(request, Scope.READ)
    filters = OutgoingFilters(
        company=query.company, state=query.state, q=query.q, date_from=query.date_from, date_to=query.date_to
    )
    rows = outgoing_for(key.organization, filters)
    if query.since:
        rows = rows.filter(created__gt=query.since)
    with translation.override(_language(request, query.lang)):
        return cursor_page(rows, cursor=query.cursor, limit=query.limit, shape=_outgoing_out)


@api.get("/outbox/{invoice_id}", response=OutgoingDetail, tags=["outbox"], url_name="get_outgoing")
def get_outgoing(request: HttpRequest, invoice_id: int, lang: str = "") -> dict[str, Any]:
    key = _key(request, Scope.READ)
    invoice = outgoing_get(key.organization, invoice_id)
    with translation.override(_language(request, lang)):
        return {
            **_outgoing_out(invoice),
            "signature_valid": invoice.signature_valid,
            "attempts": [
                {"started": a.started.isoformat(), "outcome": a.outcome, "upload_id": a.upload_id}
                for a in invoice.attempts.all()
            ],
            "history": [row.pk for row in outgoing_history(invoice)],
        }


@api.get("/outbox/{invoice_id}/answer", tags=["files"], response={200: None})
def get_outgoing_answer(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """ANAF's answer ZIP as archived: the signed invoice (`ok`) or the error report (`nok`)."""
    invoice = outgoing_get(_key(request, Scope.DOWNLOAD).organization, invoice_id)
    if not invoice.answer_sha256:
        raise HttpError(404, "ANAF has not answered yet")
    name = f"{invoice.upload_id or invoice.pk}.zip"
    return _file(archive.blob_get(invoice.answer_sha256), name, "application/zip")
