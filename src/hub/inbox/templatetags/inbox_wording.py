"""`{{ warning|reading_warning }}` and `{{ code|sync_problem }}`: recorded texts and codes as sentences."""

from __future__ import annotations

from django import template

from hub.core.problems import problem_message
from hub.inbox.wording import warning_message

register = template.Library()
register.filter("reading_warning", warning_message)


@register.filter("sync_problem")
def sync_problem(code: str) -> str:
    """A recorded sync error code as the sentence `core.problems` words it; empty stays empty."""
    return problem_message(code) if code else ""
