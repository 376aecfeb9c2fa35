"""`{{ warning|reading_warning }}`, `{{ code|sync_problem }}` and `{% document_problem invoice as problem %}`:
recorded texts and codes as sentences."""

from __future__ import annotations

from typing import Any

from django import template

from hub.core.problems import problem_message
from hub.inbox.wording import problem_sentences, warning_message

register = template.Library()
register.filter("reading_warning", warning_message)


@register.filter("sync_problem")
def sync_problem(code: str) -> str:
    """A recorded sync error code as the sentence `core.problems` words it; empty stays empty."""
    return problem_message(code) if code else ""


@register.simple_tag
def document_problem(invoice: Any) -> dict[str, str]:
    """The invoice's recorded problem as {"sentence", "detail"} in the active language."""
    sentence, detail = problem_sentences(invoice.problem, invoice.kind)
    return {"sentence": sentence, "detail": detail}
