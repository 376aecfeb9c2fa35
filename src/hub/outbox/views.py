"""Facturi emise: upload issued invoices (one or many XML files), the list with states and filters, the
detail with the explained errors, every attempt, the correction history and ANAF's answer."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.models import Organization
from hub.core.downloads import content_disposition
from hub.core.htmx import render_page
from hub.core.panels import panels_for
from hub.documents import archive
from hub.documents.rendering import PdfState
from hub.outbox.buyer_messages import with_customer_messages
from hub.outbox.deadline import working_days_left
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.selectors import OutgoingFilters, outgoing_for, outgoing_get, outgoing_history
from hub.outbox.services.deadlines import today, warn_days
from hub.outbox.services.intake import DuplicateInvoice, IntakeRefused, outgoing_intake
from hub.outbox.services.pdf import outgoing_pdf, outgoing_pdf_request
from hub.outbox.wording import attempt_outcome, explained, refusal_message

MAX_FILES = 100


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


@org_view()
def outbox_list(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    companies = list(organization.companies.all())
    company = request.GET.get("company", "")
    state = request.GET.get("state", "")
    filters = OutgoingFilters(
        company=int(company) if company.isdigit() else None,
        state=state if state in OutgoingState.values else "",
        q=request.GET.get("q", "").strip()[:100],
    )
    rows = list(with_customer_messages(outgoing_for(organization, filters))[:200])
    _mark_deadlines(rows)
    context = {
        "rows": rows,
        "companies": companies,
        "states": OutgoingState.choices,
        "filters": filters,
        "can_send": request.membership.can_authorize,  # type: ignore[attr-defined]
        "once": secrets.token_hex(8),  # the same form sent twice (a double click) is taken in once
        "corrects": request.GET.get("corrects", ""),
    }
    return render_page(request, "outbox/list.html", context)


def _mark_deadlines(rows: list[OutgoingInvoice]) -> None:
    """`deadline_left` (working days) on the invoices not yet accepted whose deadline is near or past."""
    on, near = today(), warn_days()
    for row in rows:
        left = None
        if row.deadline and row.state != OutgoingState.OK:
            left = working_days_left(on, row.deadline)
            left = left if left <= max(near, 1) else None
        row.deadline_left = left  # type: ignore[attr-defined]


@org_view(authorize=True)  # sending spends ANAF's budget and files invoices: owners and accountants only
@require_POST
def outbox_upload(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    back = reverse("outbox", kwargs={"slug": organization.slug})
    company = organization.companies.filter(pk=request.POST.get("company") or 0).first()
    if company is None:
        messages.error(request, _("Choose the issuing company."))
        return redirect(back)
    files = request.FILES.getlist("files")[:MAX_FILES]
    if not files:
        messages.error(request, _("Choose at least one XML file."))
        return redirect(back)
    previous = None
    if request.POST.get("corrects", "").isdigit():
        previous = outgoing_get(organization, int(request.POST["corrects"]))
    for upload in files:
        name = upload.name or "factura.xml"
        try:
            intake = outgoing_intake(
                company=company,
                xml=upload.read(),
                filename=name,
                user=request.user,  # type: ignore[arg-type]
                source="ui",
                extern=bool(request.POST.get("extern")),
                self_billed=bool(request.POST.get("autofactura")),
                enforcement=bool(request.POST.get("executare")),
                deliberate_resend=bool(request.POST.get("deliberate_resend")),
                idempotency_key=(request.POST.get("once", "")[:100] + ":" + name)
                if request.POST.get("once")
                else None,
                corrects=previous,
            )
        except IntakeRefused as exc:
            messages.error(request, f"{name}: {refusal_message(exc.code)}")
        except DuplicateInvoice as exc:
            link = reverse("outbox-invoice", kwargs={"slug": organization.slug, "invoice_id": exc.first.pk})
            messages.error(
                request,
                _(
                    "%(name)s: already sent as invoice #%(id)s (%(link)s). Tick 'deliberate resend' to send "
                    "it again."
                )
                % {"name": name, "id": exc.first.pk, "link": link},
            )
        else:
            invoice = intake.invoice
            if invoice.state == OutgoingState.INVALID:
                messages.error(request, _("%(name)s: not sent, it has errors (see below).") % {"name": name})
            else:
                messages.success(request, _("%(name)s: queued for ANAF.") % {"name": name})
    return redirect(back)


def _once(request: HttpRequest, name: str) -> str | None:
    """The form's one-time token with the file name: the same form sent twice takes each file in once."""
    once = request.POST.get("once", "")[:100]
    return f"ui:{once}:{name}"[:200] if once else None


@org_view()
def outbox_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = outgoing_get(_organization(request), invoice_id)
    _mark_deadlines([invoice])
    context = {
        "invoice": invoice,
        "amendments": list(invoice.amendments.order_by("issue_date", "pk")),
        "errors": explained(invoice.errors),
        "attempts": [(attempt, attempt_outcome(attempt.outcome)) for attempt in invoice.attempts.all()],
        "history": outgoing_history(invoice),
        "can_send": request.membership.can_authorize,  # type: ignore[attr-defined]
        "can_correct": invoice.state in (OutgoingState.NOK, OutgoingState.INVALID, OutgoingState.FAILED),
        "panels": panels_for("outbox-invoice", request, invoice),
    }
    return render_page(request, "outbox/detail.html", context)


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response


@org_view()
def outbox_answer(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = outgoing_get(_organization(request), invoice_id)
    if not invoice.answer_sha256:
        return HttpResponse(_("ANAF has not answered yet."), status=404)
    name = f"{invoice.upload_id or invoice.pk}.zip"
    return _file(archive.blob_get(invoice.answer_sha256), name, "application/zip")


@org_view()
def outbox_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = outgoing_get(_organization(request), invoice_id)
    return _file(
        archive.blob_get(invoice.xml_sha256), invoice.filename or f"{invoice.pk}.xml", "application/xml"
    )


@org_view()
def outbox_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The issued invoice as a PDF; while the worker lays it out, a page that polls and then opens it."""
    invoice = outgoing_get(_organization(request), invoice_id)
    lang = "en" if (request.GET.get("lang") or translation.get_language() or "ro").startswith("en") else "ro"
    state = outgoing_pdf_request(invoice, lang)
    polled = bool(getattr(request, "htmx", False))
    data = outgoing_pdf(invoice, lang) if state == PdfState.READY and not polled else None
    if data is not None:
        name = f"{invoice.number or invoice.pk}.pdf".replace("/", "-").replace('"', "")
        response = _file(data, name, "application/pdf")
        response["Content-Disposition"] = content_disposition(name, inline=True)
        return response
    context = {"invoice": invoice, "pdf_state": state, "lang": lang, "poll_url": request.get_full_path()}
    response = render_page(request, "outbox/pdf.html", context, fragment="outbox/_pdf_state.html")
    if state == PdfState.READY and polled:
        response["HX-Redirect"] = request.get_full_path()  # the poll saw it ready: open the PDF
    return response
