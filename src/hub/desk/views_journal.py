"""Desk pages of the purchases journal, the exports and the saved column mappings.

Every member reads the journal and exports; marking as booked and changing mappings needs an owner or an
accountant (as every other change on the desk)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.models import Membership, Organization
from hub.desk.exports import (
    PRESETS,
    columns_of,
    export_csv,
    export_invoices,
    export_xlsx,
    export_zip,
    exported_mark_booked,
)
from hub.desk.forms_journal import ExportForm, MappingForm, journal_form
from hub.desk.journal import purchases_journal
from hub.desk.journal_files import journal_pdf, journal_xlsx
from hub.desk.models import ExportMapping
from hub.desk.services import reviews_open
from hub.desk.views import _report
from hub.desk.wording import error_message

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "pdf": "application/pdf",
}


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _organization(request: HttpRequest) -> Organization:
    return _membership(request).organization


def _language() -> str:
    return "en" if (get_language() or "ro").startswith("en") else "ro"


def _attachment(content: bytes, name: str, kind: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view()
def desk_journal(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    form = journal_form(request.GET, organization)
    journal = None
    if form.is_valid():
        reviews_open(organization)
        year, month = form.cleaned_data["month"]
        company = form.cleaned_data["company"]
        journal = purchases_journal(company, year, month)
        stem = f"jurnal-cumparari-{company.cif}-{year:04d}-{month:02d}"
        wanted = request.GET.get("format", "")
        if wanted == "xlsx":
            return _attachment(journal_xlsx(journal, language=_language()), f"{stem}.xlsx", "xlsx")
        if wanted == "pdf":
            return _attachment(journal_pdf(journal, language=_language()), f"{stem}.pdf", "pdf")
    context: dict[str, Any] = {"form": form, "journal": journal}
    if journal is not None:
        context["rows"] = [
            (number, row, [row.amounts.get(column.key) for column in journal.columns])
            for number, row in enumerate(journal.rows, start=1)
        ]
        context["totals"] = [
            (currency, totals, [totals[column.key] for column in journal.columns])
            for currency, totals in journal.totals.items()
        ]
        context["query"] = f"company={journal.company.pk}&month={journal.year:04d}-{journal.month:02d}"
    return render(request, "desk/journal.html", context)


@org_view()
def desk_exports(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    membership = _membership(request)
    if request.method != "POST":
        return _exports_page(request, ExportForm(organization=organization))
    form = ExportForm(request.POST, organization=organization)
    if not form.is_valid():
        return _exports_page(request, form, status=400)
    data = form.cleaned_data
    if data["mark_booked"] and not membership.can_authorize:
        messages.error(request, error_message("no_permission"))
        return _exports_page(request, form, status=403)
    try:
        title, columns = columns_of(data["mapping"], organization)
    except LookupError:
        form.add_error("mapping", _("Choose one of the column mappings."))
        return _exports_page(request, form, status=400)
    invoices = list(
        export_invoices(
            organization,
            company=data["company"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            only_not_booked=data["only_not_booked"],
        )
    )
    if not invoices:
        messages.warning(request, _("No invoice to export in this period with these options."))
        return _exports_page(request, form)
    kind = data["file_format"]
    scope = data["company"].cif if data["company"] else organization.slug
    stem = f"facturi-primite-{scope}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    if kind == "csv":
        content = export_csv(invoices, columns)
    elif kind == "xlsx":
        content = export_xlsx(invoices, columns, title=title)
    else:
        content = export_zip(invoices, data["layout"], csv_columns=columns)
    if data["mark_booked"]:
        _report(request, exported_mark_booked(membership=membership, invoices=invoices))
    return _attachment(content, f"{stem}.{kind}", kind)


def _exports_page(request: HttpRequest, form: ExportForm, status: int = 200) -> HttpResponse:
    organization = _organization(request)
    context = {
        "form": form,
        "mappings": ExportMapping.objects.filter(organization=organization),
        "presets": PRESETS.values(),
    }
    return render(request, "desk/journal_exports.html", context, status=status)


def _mapping(organization: Organization, mapping_id: int) -> ExportMapping:
    mapping = ExportMapping.objects.filter(organization=organization, pk=mapping_id).first()
    if mapping is None:
        raise Http404
    return mapping


@org_view(authorize=True)
def desk_mapping_new(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    preset = PRESETS.get(request.GET.get("preset", ""))
    if request.method == "POST":
        form = MappingForm(request.POST, organization=organization)
        if form.is_valid():
            mapping = ExportMapping.objects.create(
                organization=organization,
                name=form.cleaned_data["name"],
                columns=form.cleaned_data["columns"],
            )
            messages.success(request, _("Column mapping “%(name)s” saved.") % {"name": mapping.name})
            return redirect("desk-exports", slug=organization.slug)
        return render(request, "desk/journal_mapping.html", {"form": form}, status=400)
    template = ExportMapping(name=str(preset.name), columns=preset.as_columns()) if preset else None
    form = MappingForm(organization=organization, instance=template)
    form.instance = None  # a copy of a preset is a new mapping
    return render(request, "desk/journal_mapping.html", {"form": form})


@org_view(authorize=True)
def desk_mapping_edit(request: HttpRequest, mapping_id: int) -> HttpResponse:
    organization = _organization(request)
    mapping = _mapping(organization, mapping_id)
    if request.method == "POST":
        form = MappingForm(request.POST, organization=organization, instance=mapping)
        if form.is_valid():
            mapping.name = form.cleaned_data["name"]
            mapping.columns = form.cleaned_data["columns"]
            mapping.save(update_fields=["name", "columns"])
            messages.success(request, _("Column mapping “%(name)s” saved.") % {"name": mapping.name})
            return redirect("desk-exports", slug=organization.slug)
        return render(request, "desk/journal_mapping.html", {"form": form, "mapping": mapping}, status=400)
    form = MappingForm(organization=organization, instance=mapping)
    return render(request, "desk/journal_mapping.html", {"form": form, "mapping": mapping})


@org_view(authorize=True)
@require_POST
def desk_mapping_delete(request: HttpRequest, mapping_id: int) -> HttpResponse:
    organization = _organization(request)
    mapping = _mapping(organization, mapping_id)
    name = mapping.name
    mapping.delete()
    messages.success(request, _("Column mapping “%(name)s” deleted.") % {"name": name})
    return redirect("desk-exports", slug=organization.slug)
