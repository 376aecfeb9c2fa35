"""Forms of the module page: configuration and companies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.accounts.cif import is_valid_cif, normalize_cif
from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.conf import ENVIRONMENTS


class ConfigurationForm(forms.Form):
    environment = forms.ChoiceField(label=_("Environment"), choices=list(ENVIRONMENTS.items()))
    sync_interval_minutes = forms.IntegerField(
        label=_("Download new messages every (minutes)"), min_value=5, max_value=24 * 60
    )
    notify_user_ids = forms.ModelMultipleChoiceField(
        label=_("Also send e-mails to"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Administrators and the person who authorized always receive them."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["notify_user_ids"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(memberships__organization=organization).order_by("username")


class CompanyForm(forms.Form):
    cif = forms.CharField(label="CIF", max_length=14)
    name = forms.CharField(label=_("Company name"), max_length=200, required=False)

    def clean_cif(self) -> str:
        value = str(self.cleaned_data["cif"])
        if not is_valid_cif(value):
            raise forms.ValidationError(_("This is not a valid Romanian CIF (check digit)."))
        return normalize_cif(value)
