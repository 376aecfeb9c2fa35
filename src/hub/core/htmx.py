"""One view, one template: an HTMX request gets the page's fragment, a normal request the whole page.

Each page template includes its fragment (`<page>_fragment.html`), so both render from one context.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    is_htmx = bool(getattr(request, "htmx", False))
    if is_htmx and fragment:
        return render(request, fragment, context, status=status)
    return render(request, template, context, status=status)
