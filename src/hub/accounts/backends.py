"""Login throttling in front of Django's model backend (django-axes)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ThrottledLogin(AxesStandaloneBackend):  # type: ignore[misc]
    """Axes' lockout check for every login over HTTP; an `authenticate()` without a request (a management
    command, the test client) reaches no one from outside and is left to the model backend."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)  # type: ignore[no-any-return]
