"""Bringing an old archive through the browser: upload originals (ANAF ZIPs, XML + signature pairs, or a ZIP
of them), then the run's report; every stored original can be downloaded again from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.accounts.decorators import org_view
from hub.accounts.models import Organization
from hub.desk.archive_import import (
    Source,
    archive_import,
    original_bytes,
    source_from_bytes,
    source_from_path,
    sources_expand,
)
from hub.desk.models import ArchiveImport, ImportedFile, ImportOutcome

MAX_UPLOAD_FILES = 2000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: each is checked as a file, the list is the value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": ".zip,.xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    originals = MultipleFileField(
        label=gettext_lazy("Originals (ZIP, or XML with its signature)"),
        error_messages={"required": gettext_lazy("Choose at least one file.")},
    )

    def clean_originals(self) -> list[Any]:
        chosen: list[Any] = self.cleaned_data["originals"]
        if len(chosen) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                gettext_lazy("At most %(count)d files at once.") % {"count": MAX_UPLOAD_FILES}
            )
        return list(chosen)


def _source(uploaded: UploadedFile) -> Source:
    """A large upload is read from its temporary file when its turn comes, a small one from memory."""
    name = uploaded.name or "upload"
    if isinstance(uploaded, TemporaryUploadedFile):
        return source_from_path(Path(uploaded.temporary_file_path()), name)
    return source_from_bytes(name, uploaded.read())


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


@org_view()
def archive_imports(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    membership = request.membership  # type: ignore[attr-defined]
    form = UploadForm()
    if request.method == "POST":
        if not membership.can_authorize:
            return render(
                request,
                "hub/error.html",
                {"message": _("Only an owner or an accountant may import an archive.")},
                status=403,
            )
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["originals"]
            sources = sources_expand(_source(item) for item in uploaded)
            report = archive_import(
                organization=organization,
                sources=sources,
                source_label=", ".join(item.name for item in uploaded),
                user=request.user,  # type: ignore[arg-type]
            )
            messages.success(
                request,
                _("%(imported)d imported, %(duplicates)d already archived, %(other)d to look at.")
                % {
                    "imported": report.count(ImportOutcome.IMPORTED),
                    "duplicates": report.count(ImportOutcome.DUPLICATE),
                    "other": report.count(ImportOutcome.UNREADABLE) + report.count(ImportOutcome.UNMATCHED),
                },
            )
            return redirect("desk-import", slug=organization.slug, run_id=report.run.pk)
    runs = ArchiveImport.objects.filter(organization=organization).select_related("user")[:50]
    return render(request, "desk/imports.html", {"form": form, "runs": runs})


@org_view()
def archive_import_report(request: HttpRequest, run_id: int) -> HttpResponse:
    organization = _organization(request)
    run = ArchiveImport.objects.filter(organization=organization, pk=run_id).first()
    if run is None:
        raise Http404
    files = list(run.files.select_related("company", "invoice"))
    counts = {
        outcome: sum(1 for item in files if item.outcome == outcome) for outcome in ImportOutcome.values
    }
    return render(request, "desk/import_report.html", {"run": run, "files": files, "counts": counts})


@org_view()
def archive_import_original(request: HttpRequest, run_id: int, file_id: int) -> HttpResponse:
    try:
        row, data = original_bytes(_organization(request), file_id)
    except ImportedFile.DoesNotExist:
        raise Http404 from None
    if row.run_id != run_id:
        raise Http404
    name = row.name.replace("\\", "/").split("/")[-1].split("!")[-1].split(" + ")[0] or "original"
    if data[:2] == b"PK" and not name.lower().endswith(".zip"):
        name = name.rsplit(".", 1)[0] + ".zip"  # a pair is served as the ZIP it is kept as
    kind = "application/zip" if data[:2] == b"PK" else "application/octet-stream"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    return response
