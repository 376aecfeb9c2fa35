"""A form renderer that writes Django's label, input and select templates in Python.

Django renders every label, widget and option through a template; for a filter form of a dozen fields on a
page that must answer fast, that is several milliseconds. `WidgetHtmlRenderer` builds the same HTML as
Django's own templates (`django/forms/label.html`, `widgets/input.html` and the inputs that include it,
`widgets/select.html`, `widgets/select_option.html`), from the context Django prepares (names, values,
attributes, choices), with the same escaping; any other template is rendered by Django as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs


def _output(value: Any) -> str:
    """`{{ value }}`: localized, then escaped unless already safe (as `render_value_in_context` does)."""
    return str(conditional_escape(localize(template_localtime(value))))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: a safe value stays as it is, any other is escaped."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attributes(attrs: Mapping[str, Any] | None) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        parts.append(f" {_output(name)}" if value is True else f' {_output(name)}="{_formatted(value)}"')
    return "".join(parts)


def _label(context: dict[str, Any]) -> str:
    if not context["use_tag"]:
        return _output(context["label"])
    tag = _output(context["tag"])
    return f"<{tag}{_attributes(context['attrs'])}>{_output(context['label'])}</{tag}>"


def _input(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_output(widget["type"])}" name="{_output(widget["name"])}"{value}'
        f"{_attributes(widget['attrs'])}>"
    )


def _option(option: dict[str, Any]) -> str:
    """`widgets/select_option.html`, with the line end its file ends with (included, so not stripped)."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attributes(option["attrs"])}>'
        f"{_output(option['label'])}</option>\n"
    )


def _select(context: dict[str, Any]) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_output(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_output(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                raise LookupError(option["template_name"])  # rendered by Django instead
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


SELECT_OPTION = "django/forms/widgets/select_option.html"
WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "django/forms/label.html": _label,
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/search.html": _input,
    "django/forms/widgets/select.html": _select,
}


class WidgetHtmlRenderer(DjangoTemplates):
    """Django's template renderer, with the label and the plain widgets written in Python (same HTML)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITERS.get(template_name)
        if write is not None:
            try:
                return write(context).strip()
            except LookupError:
                pass
        return super().render(template_name, context, request=request)


widget_html = WidgetHtmlRenderer()  # one instance: its fallback engine is built once, on first use
