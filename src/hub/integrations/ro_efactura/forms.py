"""Forms of the module page: configuration and companies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from hub.accounts.cif import is_valid_cif, normalize_cif
from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.conf import ENVIRONMENTS

MAX_CERTIFICATE_YEARS = 5


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


class CertificateValidityForm(forms.Form):
    """ "Certificatul este valabil până la": optional, checked against the authorization's own date."""

    valid_until = forms.DateField(
        label=_("The certificate is valid until"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter the date as shown in the certificate, e.g. 15.01.2027.")},
    )

    def __init__(self, *args: Any, authorized_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authorized_on = authorized_on

    def clean_valid_until(self) -> date | None:
        value: date | None = self.cleaned_data["valid_until"]
        if value is None:
            return None
        if value < self.authorized_on:
            raise forms.ValidationError(
                _("The certificate was valid when it was used to authorize (%(date)s): check the date."),
                params={"date": formats.date_format(self.authorized_on, "SHORT_DATE_FORMAT")},
            )
        if value > self.authorized_on + timedelta(days=MAX_CERTIFICATE_YEARS * 366):
            raise forms.ValidationError(
                _("Qualified certificates are issued for at most %(years)s years: check the date."),
                params={"years": MAX_CERTIFICATE_YEARS},
            )
        return value
