"""`{% desk_waiting %}`: the count of invoices waiting for the current user's review, beside a link."""

from __future__ import annotations

from typing import Any

from django import template

from hub.desk.selectors import waiting_for

register = template.Library()


@register.inclusion_tag("desk/_waiting.html", takes_context=True)
def desk_waiting(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    membership = context.get("membership")
    if request is None or membership is None or not request.user.is_authenticated:
        return {"waiting": 0}
    return {"waiting": waiting_for(request.user, membership.organization).count()}
