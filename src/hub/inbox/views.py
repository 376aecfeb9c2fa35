"""Inbox pages: the list (per company and across companies), an invoice, its files, exports, sync status."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import anaf
import einvoice
from hub.accounts.decorators import org_view
from hub.accounts.models import Organization, User
from hub.core import clock
from hub.core.downloads import content_disposition
from hub.core.htmx import render_page
from hub.core.panels import panels_for
from hub.core.problems import SyncError, problem_message
from hub.inbox import documents
from hub.inbox.forms import FilterForm, IntervalForm, PreferenceForm, SyncNowForm
from hub.inbox.models import CompanySync, Invoice, MessageState
from hub.inbox.selectors import (
    COUNT_LIMIT,
    bounded_count,
    counted,
    expired_counts,
    invoice_get,
    invoice_page,
    invoices_for,
    ledger_counts,
    preference_for,
    runs_for,
    sync_progress_for,
    sync_states_for,
)
from hub.inbox.services.alarms import at_risk_since
from hub.inbox.services.reading import EN16931, invoice_en16931_check
from hub.inbox.services.rendering import PdfState, pdf_cached, pdf_request
from hub.inbox.services.requests import inbox_sync_request
from hub.inbox.services.scheduling import intervals_for
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.services.access import client_for

PAGE_SIZE = 50
PROGRESS_KEY = "inbox_sync_asked"
PROGRESS_WINDOW = timedelta(minutes=15)  # a request no worker took by then stops being polled
EXPORT_FILE_LIMIT = 2000  # the ZIP and the workbook are built in memory
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


@org_view()
def inbox_list(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    states = sync_states_for(organization)  # by company name: the filter's companies too
    form = FilterForm(
        request.GET or None, organization=organization, companies=[state.company for state in states]
    )
    filters = form.filters()
    total, rows = counted(invoices_for(organization, filters), filters)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    last_page = max(1, -(-min(total.count, COUNT_LIMIT) // PAGE_SIZE))
    page = min(page, last_page)
    invoices = invoice_page(rows, (page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context: dict[str, Any] = {
        "form": form,
        "invoices": invoices,
        "invoice_base": reverse("inbox", kwargs={"slug": organization.slug}),  # each row's link: base + id
        "total": total.count,
        "more": total.more,
        "estimated": total.estimated,
        "page": page,
        "has_previous": page > 1,
        "has_next": page < last_page and (not total.estimated or len(invoices) == PAGE_SIZE),
        "query": urlencode(query),
        **_progress_context(request),
        "sync_problems": [
            (state.company, problem_message(state.last_error)) for state in states if state.last_error
        ],
    }
    return render_page(request, "inbox/list.html", context, fragment="inbox/_table.html")


@org_view()
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_get(_organization(request), invoice_id)
    signature_valid: bool | None = None
    xml_name = signature_name = None
    try:
        opened = documents.contents(invoice)
        xml_name, signature_name = opened.xml_name, opened.signature_name
        if opened.signature is not None:
            signature_valid = einvoice.verify_signature_digest(opened.xml, opened.signature)
    except Exception:  # an unsafe or damaged ZIP is shown as such, never as a crash
        signature_valid = None
    context = {
        "invoice": invoice,
        "parties": {party.role: party for party in invoice.parties.all()},
        "lines": invoice.lines.all(),
        "vat_breakdown": invoice.vat_breakdown.all(),
        "signature_valid": signature_valid,
        "xml_name": xml_name,
        "signature_name": signature_name,
        "can_render": invoice.kind in ("invoice", "credit_note"),
        "panels": panels_for("inbox-invoice", request, invoice),
        **_en16931_context(invoice),
    }
    return render_page(request, "inbox/detail.html", context)


def _en16931_context(invoice: Invoice, findings: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "en16931_offered": invoice.kind in ("invoice", "credit_note") and not invoice.problem,
        "en16931_checked": EN16931 in invoice.validation_rules,
        "en16931_findings": findings,
    }


@org_view()
@require_POST
def invoice_en16931(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """ "Verifică și după EN 16931": run CEN's rules on this document now and show what they find."""
    invoice = invoice_get(_organization(request), invoice_id)
    if invoice.kind not in ("invoice", "credit_note") or invoice.problem:
        message = _("Only a readable invoice or credit note can be checked against EN 16931.")
        return render(request, "hub/error.html", {"message": message}, status=400)
    try:
        findings = invoice_en16931_check(invoice=invoice)
    except einvoice.UnsafeArchive:
        return _unsafe_zip(request)
    if not getattr(request, "htmx", False):
        return redirect("inbox-invoice", slug=_organization(request).slug, invoice_id=invoice.pk)
    context = {"invoice": invoice, **_en16931_context(invoice, findings)}
    return render(request, "inbox/_en16931.html", context)


def _attachment(data: bytes, name: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, inline=inline)
    return response


@org_view()
def invoice_zip(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_get(_organization(request), invoice_id)
    return _attachment(documents.original_zip(invoice), documents.zip_name(invoice), "application/zip")


def _unsafe_zip(request: HttpRequest) -> HttpResponse:
    message = _("This archive cannot be opened safely. Download the original ZIP instead.")
    return render(request, "hub/error.html", {"message": message}, status=422)


@org_view()
def invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_get(_organization(request), invoice_id)
    try:
        opened = documents.contents(invoice)
    except einvoice.UnsafeArchive:
        return _unsafe_zip(request)
    return _attachment(opened.xml, opened.xml_name, "application/xml")


@org_view()
def invoice_signature(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_get(_organization(request), invoice_id)
    try:
        opened = documents.contents(invoice)
    except einvoice.UnsafeArchive:
        return _unsafe_zip(request)
    if opened.signature is None:
        raise Http404("signature")
    return _attachment(opened.signature, opened.signature_name or "semnatura.xml", "application/xml")


@org_view()
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_get(_organization(request), invoice_id)
    if invoice.kind not in ("invoice", "credit_note"):
        raise Http404("pdf")
    if request.GET.get("source") == "anaf":
        return _anaf_pdf(request, invoice)
    lang = "en" if (request.GET.get("lang") or translation.get_language() or "ro").startswith("en") else "ro"
    state = pdf_request(invoice, lang)
    polled = bool(getattr(request, "htmx", False))
    data = pdf_cached(invoice, lang) if state == PdfState.READY and not polled else None
    if data is not None:
        name = f"{invoice.number or invoice.message.download_id}.pdf".replace("/", "-").replace('"', "")
        return _attachment(data, name, "application/pdf", inline=True)
    context = {"invoice": invoice, "pdf_state": state, "lang": lang, "poll_url": request.get_full_path()}
    response = render_page(request, "inbox/pdf.html", context, fragment="inbox/_pdf_state.html")
    if state == PdfState.READY and polled:
        response["HX-Redirect"] = request.get_full_path()  # the poll saw it ready: open the PDF
    return response


def _anaf_pdf(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    """ANAF's own rendering (`transformare`), where ANAF is reachable and the authorization usable."""
    try:
        with client_for(invoice.company) as client:
            standard = "FCN" if invoice.kind == "credit_note" else "FACT1"
            converted = client.to_pdf(documents.contents(invoice).xml, standard, validate=False)
    except (SyncError, anaf.AnafError) as exc:
        code = exc.code if isinstance(exc, SyncError) else code_for(exc)
        messages.error(request, problem_message(code))
        return redirect("inbox-invoice", slug=invoice.organization.slug, invoice_id=invoice.pk)
    if converted.pdf is None:
        messages.error(request, _("ANAF did not convert this document to PDF."))
        return redirect("inbox-invoice", slug=invoice.organization.slug, invoice_id=invoice.pk)
    name = f"{invoice.message.download_id}-anaf.pdf"
    return _attachment(converted.pdf, name, "application/pdf", inline=True)


def _export_rows(request: HttpRequest) -> QuerySet[Invoice]:
    """Exactly the documents the list shows for the same query string (every page of it)."""
    organization = _organization(request)
    form = FilterForm(request.GET or None, organization=organization)
    return invoices_for(organization, form.filters()).select_related("company", "message")


def _language() -> str:
    return "en" if (translation.get_language() or "ro").startswith("en") else "ro"


@org_view()
def export_csv(request: HttpRequest) -> HttpResponse:
    rows = _export_rows(request)
    response = StreamingHttpResponse(
        documents.csv_rows(rows.iterator(chunk_size=1000), language=_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition("facturi.csv")
    return response  # type: ignore[return-value]


def _too_many(request: HttpRequest) -> HttpResponse | None:
    _total, more = bounded_count(_export_rows(request), EXPORT_FILE_LIMIT)
    if not more:
        return None
    messages.error(
        request,
        _("Too many documents for one file (more than %(limit)s). Narrow the filters.")
        % {"limit": EXPORT_FILE_LIMIT},
    )
    return redirect(
        f"{reverse('inbox', kwargs={'slug': _organization(request).slug})}?{request.GET.urlencode()}"
    )


@org_view()
def export_xlsx(request: HttpRequest) -> HttpResponse:
    refused = _too_many(request)
    if refused:
        return refused
    data = documents.xlsx_of(_export_rows(request).iterator(chunk_size=1000), language=_language())
    return _attachment(data, "facturi.xlsx", XLSX)


@org_view()
def export_zip(request: HttpRequest) -> HttpResponse:
    refused = _too_many(request)
    if refused:
        return refused
    data = documents.zip_of_originals(_export_rows(request), language=_language())
    return FileResponse(  # type: ignore[return-value]
        io.BytesIO(data), as_attachment=True, filename="facturi-originale.zip"
    )


@org_view(authorize=True)  # a sync spends ANAF's call budget: owners and accountants only
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    """ "Sincronizează acum": enqueue a sync of one company (or all); the worker runs it."""
    organization = _organization(request)
    form = SyncNowForm(request.POST, organization=organization)
    if not form.is_valid():
        message = " ".join(str(error) for error in form.errors.get("company", []))
        return render(request, "hub/error.html", {"message": message}, status=400)
    chosen = form.cleaned_data["company"]
    queued = inbox_sync_request(
        organization=organization, company_id=chosen.pk if chosen else None, trigger="manual"
    )
    request.session[PROGRESS_KEY] = {
        "organization": organization.pk,
        "companies": queued,
        "since": (clock.now() - timedelta(seconds=1)).isoformat(),
    }
    messages.success(request, _("Sync started. New documents appear here as they are archived."))
    target = request.POST.get("next", "")
    if target.startswith(f"/o/{organization.slug}/"):
        return redirect(target)
    return redirect("inbox", slug=organization.slug)


def _progress_context(request: HttpRequest) -> dict[str, Any]:
    """The progress of the syncs this user asked for last (kept in the session), for the polled fragment."""
    organization = _organization(request)
    asked = request.session.get(PROGRESS_KEY) or {}
    if asked.get("organization") != organization.pk:
        return {"progress": [], "polling": False}
    since = datetime.fromisoformat(asked["since"])
    progress = sync_progress_for(organization, company_ids=asked["companies"], since=since)
    unfinished = any(not row.finished for row in progress)
    return {"progress": progress, "polling": unfinished and clock.now() - since < PROGRESS_WINDOW}


@org_view()
def sync_progress(request: HttpRequest) -> HttpResponse:
    """The polled progress block; it tells the list to refresh itself (`inbox-progress`) on every poll."""
    response = render(request, "inbox/_progress.html", _progress_context(request))
    response["HX-Trigger"] = "inbox-progress"
    return response


@org_view()
def sync_status(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    states = sync_states_for(organization)
    lost = expired_counts(organization)
    damaged = ledger_counts(organization, MessageState.DAMAGED)
    intervals = intervals_for(states)
    now = clock.now()
    risks = [(state, at_risk_since(state)) for state in states]
    rows = [
        {
            "state": state,
            "at_risk_since": at_risk,
            # Aged on the hub's clock (the `timesince` filter reads the wall clock, wrong once time travels).
            "at_risk_age": timesince(at_risk, now=now),
            "lost": lost.get(state.company_id, 0),
            "damaged": damaged.get(state.company_id, 0),
            "error": problem_message(state.last_error) if state.last_error else "",
            "interval": _minutes(intervals[state.company_id]),
            "adaptive": not state.interval_minutes,
            "next_sync_at": state.next_sync_at,
            "form": IntervalForm(
                instance=state,
                prefix=f"c{state.pk}",
                initial={"interval_minutes": _minutes(intervals[state.company_id])},
            ),
        }
        for state, at_risk in risks
    ]
    context = {"rows": rows, "runs": runs_for(organization)}
    return render_page(request, "inbox/sync.html", context)


def _minutes(interval: timedelta) -> int:
    return round(interval / timedelta(minutes=1))


@org_view(admin=True)
@require_POST
def sync_interval(request: HttpRequest, state_id: int) -> HttpResponse:
    organization = _organization(request)
    state = get_object_or_404(CompanySync, pk=state_id, company__organization=organization)
    form = IntervalForm(request.POST, instance=state, prefix=f"c{state.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, _("Sync interval saved."))
    else:
        messages.error(request, _("Between 5 and 1440 minutes."))
    return redirect("inbox-sync-status", slug=organization.slug)


@org_view()
def preferences(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    user = cast(User, request.user)  # `org_view` lets only members in
    preference = preference_for(user=user, organization=organization)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Preferences saved."))
        return redirect("inbox-preferences", slug=organization.slug)
    return render_page(request, "inbox/preferences.html", {"form": form})
