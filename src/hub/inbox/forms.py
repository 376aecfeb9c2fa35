"""Forms of the inbox pages: the list filters (GET), the sync interval, the notification preference."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Company, Organization
from hub.core.form_html import widget_html
from hub.inbox.models import CompanySync, Direction, DocumentKind, InboxPreference, InvoiceState
from hub.inbox.selectors import SORTS, InvoiceFilters

SORT_LABELS = {
    "received": _("Newest received"),
    "-received": _("Oldest received"),
    "issued": _("Newest issue date"),
    "-issued": _("Oldest issue date"),
    "amount": _("Largest amount"),
    "-amount": _("Smallest amount"),
    "supplier": _("Supplier A-Z"),
    "number": _("Number"),
}


def amount_text(text: str) -> str:
    """An amount as typed in Romania or elsewhere, in Python's notation: `1.000,50` and `1000,50` are 1000.50.

    With both separators the last one is the decimal mark; a lone comma is one too; a dot followed by
    exactly three digits (`1.000`) groups thousands, as Romanian writes them.
    """
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal, group = (",", ".") if text.rindex(",") > text.rindex(".") else (".", ",")
        return text.replace(group, "").replace(decimal, ".")
    if text.count(",") == 1:
        return text.replace(",", ".")
    if text.count(".") > 1 or (text.count(".") == 1 and len(text.rsplit(".", 1)[1]) == 3):
        return text.replace(".", "")
    return text.replace(",", "")


class AmountField(forms.DecimalField):
    """A decimal that accepts the Romanian way of writing it (`amount_text`)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = amount_text(value)
        return super().to_python(value)


class FilterForm(forms.Form):
    default_renderer = widget_html  # the list page renders this form on every request
    q = forms.CharField(label=_("Search supplier or number"), required=False, max_length=100)
    company = forms.TypedChoiceField(label=_("Company"), required=False, coerce=int, empty_value=None)
    supplier = forms.CharField(label=_("Supplier CIF"), required=False, max_length=20)
    date_from = forms.DateField(
        label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_min = AmountField(
        label=_("Amount from"), required=False, max_digits=19, decimal_places=2, widget=forms.TextInput
    )
    amount_max = AmountField(
        label=_("Amount up to"), required=False, max_digits=19, decimal_places=2, widget=forms.TextInput
    )
    kind = forms.ChoiceField(label=_("Document"), required=False, choices=[("", "—"), *DocumentKind.choices])
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", "—"), *Direction.choices]
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", "—"), *InvoiceState.choices])
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS]
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        companies: Iterable[Company] | None = None,
        **kwargs: Any,
    ) -> None:
        """`companies`: the organization's companies by name, when the caller has read them already."""
        super().__init__(*args, **kwargs)
        chosen = organization.companies.all().order_by("name", "cif") if companies is None else companies
        self.fields["company"].choices = [("", _("All companies")), *((c.pk, str(c)) for c in chosen)]  # type: ignore[attr-defined]

    def filters(self) -> InvoiceFilters:
        """The filters the list and every export apply: the valid fields (an invalid one is shown, not dropped
        silently into "everything": the page lists its error and the exports follow the same filters)."""
        if not self.is_bound:
            return InvoiceFilters()
        self.is_valid()
        data = {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
        return InvoiceFilters(**data)


class IntervalForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CompanySync
        fields = ("interval_minutes",)
        widgets: ClassVar = {"interval_minutes": forms.NumberInput(attrs={"min": 5, "max": 1440})}

    def clean_interval_minutes(self) -> int | None:
        value = self.cleaned_data.get("interval_minutes")
        if value is not None and not 5 <= value <= 1440:
            raise forms.ValidationError(_("Between 5 and 1440 minutes."))
        return value


class PreferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = InboxPreference
        fields = ("notify",)
        labels: ClassVar = {"notify": _("New supplier invoices")}


class SyncNowForm(forms.Form):
    """ "Sincronizează acum": one company of the organization, or all of them when empty."""

    company: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the organization's companies.")},
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = organization.companies.all()  # type: ignore[attr-defined]
