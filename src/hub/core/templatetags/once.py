"""`{% form_once %}`: the hidden one-time token of a form that creates something (`hub.core.once`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hub.core.once import FIELD, form_once_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_once(context: Any) -> SafeString:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, form_once_token(context["request"])
    )
