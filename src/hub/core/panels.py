"""Sections an upper app adds to a page of a lower one, which may not import it (the apps are layered).

A lower app's view asks `panels_for(page, request, obj)` and shows what comes back; an upper app registers a
provider for that page in its `AppConfig.ready`. A provider returns the section's HTML, or "" for none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[HttpRequest, Any], str]
_providers: dict[str, dict[str, Provider]] = defaultdict(dict)


def panel_register(page: str, name: str, provider: Provider) -> None:
    """Show `provider`'s section on `page` (registering the same name again replaces it)."""
    _providers[page][name] = provider


def panels_for(page: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    """The sections the registered providers give for `obj` on `page`, in registration order."""
    sections = (provider(request, obj) for provider in _providers.get(page, {}).values())
    return [mark_safe(html) for html in sections if html]  # noqa: S308  (rendered templates, escaped there)
