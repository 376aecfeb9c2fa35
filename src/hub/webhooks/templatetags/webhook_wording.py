"""`{{ error|delivery_error }}`: a recorded delivery error as a sentence (`hub.webhooks.wording`)."""

from __future__ import annotations

from django import template

from hub.webhooks.wording import delivery_error_message

register = template.Library()
register.filter("delivery_error", delivery_error_message)
