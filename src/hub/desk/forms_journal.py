"""Forms of the purchases journal, the exports and the saved column mappings."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company, Organization
from hub.core import clock
from hub.desk.exports import FIELDS, LAYOUT_LABELS, PRESETS
from hub.desk.models import ExportMapping

DEFAULT_LAYOUT = "company/year/month/supplier"
MAPPING_ROWS_MIN = 8
MAPPING_ROWS_BLANK = 4
MAPPING_COLUMNS_MAX = 60


def _companies(organization: Organization) -> list[tuple[int, str]]:
    return [(c.pk, str(c)) for c in organization.companies.all().order_by("name", "cif")]


def _this_month() -> str:
    today = clock.now().date()
    return f"{today.year:04d}-{today.month:02d}"


class JournalForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), coerce=int)
    month = forms.CharField(
        label=_("Month (by issue date)"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["company"].choices = _companies(organization)  # type: ignore[attr-defined]

    def clean_month(self) -> tuple[int, int]:
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValidationError(_("Choose a month as YYYY-MM, e.g. 2026-11.")) from None
        return year, month

    def clean_company(self) -> Company:
        company = self.organization.companies.filter(pk=self.cleaned_data["company"]).first()
        if company is None:
            raise ValidationError(_("Choose one of the organization's companies."))
        return company


def journal_form(data: QueryDict, organization: Organization) -> JournalForm:
    """Bound to the query, with the first company and this month when the query has none."""
    initial = data.copy()
    if "month" not in initial:
        initial["month"] = _this_month()
    if "company" not in initial:
        first = organization.companies.order_by("name", "cif").first()
        if first is not None:
            initial["company"] = str(first.pk)
    return JournalForm(initial, organization=organization)


FORMATS = (("xlsx", "Excel (XLSX)"), ("csv", "CSV"), ("zip", _("ZIP of the signed originals")))


class ExportForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("Issued from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Issued until"), widget=forms.DateInput(attrs={"type": "date"}))
    file_format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="xlsx")
    mapping = forms.ChoiceField(label=_("Columns"))
    layout = forms.ChoiceField(
        label=_("Folders in the ZIP"),
        choices=list(LAYOUT_LABELS.items()),
        initial=DEFAULT_LAYOUT,
        required=False,
    )
    only_not_booked = forms.BooleanField(label=_("Only invoices not booked yet"), required=False)
    mark_booked = forms.BooleanField(label=_("Mark the exported invoices as booked"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["company"].choices = [("", _("All companies")), *_companies(organization)]  # type: ignore[attr-defined]
        saved = [(f"saved:{m.pk}", m.name) for m in ExportMapping.objects.filter(organization=organization)]
        presets = [(f"preset:{key}", preset.name) for key, preset in PRESETS.items()]
        choices: list[Any] = [(_("Presets"), presets)]
        if saved:
            choices.insert(0, (_("Saved mappings"), saved))
        self.fields["mapping"].choices = choices  # type: ignore[attr-defined]
        if not self.is_bound:
            today = clock.now().date()
            self.initial.setdefault("date_from", today.replace(day=1))
            self.initial.setdefault(
                "date_to", today.replace(day=calendar.monthrange(today.year, today.month)[1])
            )
            self.initial.setdefault("mapping", saved[0][0] if saved else "preset:by_rate")

    def clean_layout(self) -> str:
        return str(self.cleaned_data["layout"] or DEFAULT_LAYOUT)

    def clean_company(self) -> Company | None:
        chosen = self.cleaned_data["company"]
        if chosen is None:
            return None
        company = self.organization.companies.filter(pk=chosen).first()
        if company is None:
            raise ValidationError(_("Choose one of the organization's companies."))
        return company

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


class MappingForm(forms.Form):
    """A name and ordered rows of (position, field, header); rows without a field are dropped."""

    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(
        self, *args: Any, organization: Organization, instance: ExportMapping | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance = instance
        existing = list(instance.columns) if instance else []
        count = max(MAPPING_ROWS_MIN, len(existing) + MAPPING_ROWS_BLANK)
        if self.is_bound:
            posted = sum(1 for key in self.data if key.startswith("field_"))
            count = min(max(count, posted), MAPPING_COLUMNS_MAX)
        field_choices = [("", "—"), *((key, str(field.label)) for key, field in FIELDS.items())]
        self.rows: list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]] = []
        for index in range(count):
            column = existing[index] if index < len(existing) else {}
            self.fields[f"position_{index}"] = forms.IntegerField(
                label=_("Order"), required=False, initial=index + 1, min_value=1, max_value=999
            )
            self.fields[f"field_{index}"] = forms.ChoiceField(
                label=_("Field"), required=False, choices=field_choices, initial=column.get("field", "")
            )
            self.fields[f"header_{index}"] = forms.CharField(
                label=_("Header"), required=False, max_length=100, initial=column.get("header", "")
            )
        if instance and not self.is_bound:
            self.initial["name"] = instance.name
        self.rows = [(self[f"position_{i}"], self[f"field_{i}"], self[f"header_{i}"]) for i in range(count)]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        taken = ExportMapping.objects.filter(organization=self.organization, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("A mapping with this name exists already."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: list[tuple[int, int, dict[str, str]]] = []
        for index, (_position, _field, _header) in enumerate(self.rows):
            key = data.get(f"field_{index}") or ""
            if not key:
                continue
            header = (data.get(f"header_{index}") or "").strip() or str(FIELDS[key].label)
            position = data.get(f"position_{index}") or index + 1
            chosen.append((position, index, {"field": key, "header": header}))
        if not chosen:
            raise ValidationError(_("Choose at least one column."))
        data["columns"] = [column for _p, _i, column in sorted(chosen, key=lambda item: item[:2])]
        return data
