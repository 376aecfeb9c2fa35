"""The desk's forms: the list's filters, a bulk action, one review's action, a company's default assignee."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Organization
from hub.desk.models import ReviewState
from hub.desk.selectors import UNASSIGNED, ReviewFilters, reviewers_of


def _people(organization: Organization) -> list[tuple[str, str]]:
    return [(str(user.pk), user.get_full_name() or user.username) for user in reviewers_of(organization)]


class ReviewFilterForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("Review state"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    supplier = forms.CharField(label=_("Supplier (name or CIF)"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        companies = organization.companies.all().order_by("name", "cif")
        self.fields["company"].choices = [("", _("All companies")), *((c.pk, str(c)) for c in companies)]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("All states")), *ReviewState.choices]  # type: ignore[attr-defined]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            (UNASSIGNED, _("Nobody")),
            *_people(organization),
        ]

    def filters(self) -> ReviewFilters:
        if not self.is_bound:
            return ReviewFilters()
        self.is_valid()
        data = {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
        return ReviewFilters(**data)


ACTIONS = {
    "approve": ReviewState.APPROVED,
    "refuse": ReviewState.REFUSED,
    "book": ReviewState.BOOKED,
    "reopen": ReviewState.TO_REVIEW,
}


class ActionForm(forms.Form):
    """One action on one or many invoices: a state change, or an assignment (`assign`)."""

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("approve", _("Approve")),
            ("refuse", _("Refuse")),
            ("book", _("Mark as booked")),
            ("reopen", _("Back to review")),
            ("assign", _("Assign to")),
        ],
    )
    reason = forms.CharField(label=_("Reason (for a refusal)"), required=False, max_length=2000)
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    notify_supplier = forms.BooleanField(
        label=_("Send the supplier a message through ANAF (RASP)"),
        required=False,
        help_text=_("With Approve or Refuse: the supplier sees the decision (and the reason) in ANAF's SPV."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *_people(organization)]  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
