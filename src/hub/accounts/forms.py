"""The user's own preferences; a new organization; adding a member and changing a role."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Role, User


class PreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = (
            "first_name",
            "last_name",
            "email",
            "language",
        )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organization"), max_length=200)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ACCOUNTANT)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        initial="ro",
        help_text=_("Used only for a person without an account yet."),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
