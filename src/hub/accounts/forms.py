"""The user's own preferences; a new organization; adding a member and changing a role."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Role, User


class PreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = (
            "first_name",
            "last_name",
            "language",
        )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=150,
        help_text=_("It is used once you follow the confirmation link we send to it."),
    )


class InvitationSignupForm(forms.Form):
    """A password for the account the invited person creates (its address is the invited one)."""

    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        if first:
            password_validation.validate_password(first)
        return data


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organization"), max_length=200)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ACCOUNTANT)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        initial="ro",
        help_text=_("The language of the invitation e-mail."),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
