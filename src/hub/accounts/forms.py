"""The user's own preferences."""

from __future__ import annotations

from django import forms

from hub.accounts.models import User


class PreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = (
            "first_name",
            "last_name",
            "email",
            "language",
        )
