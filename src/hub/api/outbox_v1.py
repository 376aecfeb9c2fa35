"""API v1, the issued invoice's PDF and buyer messages (ANAF's RASP), registered on `v1.api`.

A buyer message is sent exactly once per `Idempotency-Key`: the key becomes the message's decision key
(`api:<key>`, unique per company, `outbox.services.rasp`), so a retried request gives back the first
message and never uploads a second one.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Query, Schema
from ninja.errors import HttpError

from hub.accounts.models import Company
from hub.api.models import Scope
from hub.api.pagination import cursor_page
from hub.api.v1 import _file, _invoice, _key, _language, api
from hub.desk.buyer_messages import why_not_answerable
from hub.desk.wording import error_message
from hub.documents.rendering import PdfState
from hub.outbox.buyer_messages import buyer_message_summary
from hub.outbox.models import BuyerDecision, BuyerMessage, BuyerMessageDirection
from hub.outbox.selectors import outgoing_get
from hub.outbox.services.pdf import outgoing_pdf, outgoing_pdf_request
from hub.outbox.services.rasp import Answered, BuyerMessageRefused, buyer_message_send

KEY_MAX = 200 - len("api:")


@api.get("/outbox/{invoice_id}/pdf", tags=["files"], response={200: None})
def get_outgoing_pdf(request: HttpRequest, invoice_id: int, lang: str = "ro") -> HttpResponse:
    """The issued invoice laid out as a PDF; `202` (`Retry-After`) while the worker renders it, `422` for an
    invoice too large to render (take the XML)."""
    invoice = outgoing_get(_key(request, Scope.DOWNLOAD).organization, invoice_id)
    lang = "en" if lang == "en" else "ro"
    state = outgoing_pdf_request(invoice, lang)
    data = outgoing_pdf(invoice, lang) if state == PdfState.READY else None
    if data is not None:
        name = f"{invoice.number or invoice.pk}.pdf".replace("/", "-").replace('"', "")
        return _file(data, name, "application/pdf")
    if state == PdfState.PENDING:  # rendered by the worker: ask again
        return JsonResponse({"pdf": "pending"}, status=202, headers={"Retry-After": "5"})
    raise HttpError(422, f"no PDF for this invoice ({state}); download its XML")


class BuyerMessageOut(Schema):
    id: int
    direction: str  # sent (the company is the buyer) or received (the company is the seller)
    company: str
    answers_upload_id: str
    decision: str | None
    text: str
    upload_id: str | None
    state: str
    errors: list[str]
    created: str


class BuyerMessagePage(Schema):
    items: list[BuyerMessageOut]
    next_cursor: int | None


class BuyerMessageQuery(Schema):
    company: int | None = None
    direction: str = ""
    state: str = ""  # a sent message's outbox state (queued, sent, ok, nok, ...) or "received"
    cursor: int | None = None
    limit: int = 100


class BuyerMessageIn(Schema):
    decision: str  # accept or refuse
    reason: str = ""  # required to refuse; the supplier reads it


class BuyerMessageRefusedOut(Schema):
    detail: str


@api.get("/buyer-messages", response=BuyerMessagePage, tags=["buyer messages"])
def list_buyer_messages(request: HttpRequest, query: Query[BuyerMessageQuery]) -> dict[str, Any]:
    """Buyer messages in id order: those the companies sent their suppliers and those their customers sent."""
    key = _key(request, Scope.READ)
    rows = BuyerMessage.objects.filter(organization=key.organization).select_related("company", "upload")
    if query.company is not None:
        rows = rows.filter(company_id=query.company)
    if query.direction:
        if query.direction not in BuyerMessageDirection.values:
            raise HttpError(422, f"direction must be one of {', '.join(BuyerMessageDirection.values)}")
        rows = rows.filter(direction=query.direction)
    if query.state == "received":
        rows = rows.filter(direction=BuyerMessageDirection.RECEIVED)
    elif query.state:
        rows = rows.filter(upload__state=query.state)
    return cursor_page(rows, cursor=query.cursor, limit=query.limit, shape=buyer_message_summary)


@api.post(
    "/invoices/{invoice_id}/buyer-message",
    response={
        200: BuyerMessageOut,
        201: BuyerMessageOut,
        409: BuyerMessageRefusedOut,
        422: BuyerMessageRefusedOut,
    },
    tags=["buyer messages"],
)
def send_buyer_message(
    request: HttpRequest, invoice_id: int, body: BuyerMessageIn, lang: str = ""
) -> tuple[int, dict[str, Any]]:
    """Tell the supplier of a received invoice that it is accepted or refused (with the reason), through ANAF.

    The `Idempotency-Key` header is required: the same key gives back the first message (HTTP 200) and never
    a second upload; another key sends another message. The desk's review of the invoice is not changed.
    """
    key = _key(request, Scope.SEND)
    invoice = _invoice(key, invoice_id)
    idempotency = request.headers.get("Idempotency-Key", "").strip()
    with translation.override(_language(request, lang)):
        if not idempotency or len(idempotency) > KEY_MAX:
            return 422, {"detail": f"send an Idempotency-Key header (1 to {KEY_MAX} characters)"}
        if body.decision not in BuyerDecision.values:
            return 422, {"detail": f"decision must be one of {', '.join(BuyerDecision.values)}"}
        company: Company = invoice.company
        decision_key = f"api:{idempotency}"
        earlier = (
            BuyerMessage.objects.filter(company=company, key=decision_key).select_related("upload").first()
        )
        if earlier is not None:
            if earlier.answers_upload_id != invoice.message.upload_id:
                return 409, {"detail": "this Idempotency-Key was used for a message about another invoice"}
            return 200, buyer_message_summary(earlier)
        code = why_not_answerable(invoice)
        if code:
            return 422, {"detail": error_message(code)}
        try:
            message = buyer_message_send(
                company=company,
                answered=Answered(invoice.message.upload_id, invoice.number, invoice.issue_date),
                decision=body.decision,
                note=body.reason,
                key=decision_key,
                user=key.created_by,
            )
        except BuyerMessageRefused as exc:
            return 422, {"detail": error_message(f"rasp_{exc.code}")}
        return 201, buyer_message_summary(message)
