"""The list's rows and its filter form, written in Python, are the HTML Django's templates write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.template import Context, Template
from django.utils import translation

from hub.accounts.models import Company, Organization
from hub.core.form_html import WidgetHtmlRenderer
from hub.inbox.forms import FilterForm
from hub.inbox.models import Invoice
from hub.inbox.templatetags.inbox_rows import inbox_rows

# The rows as the list's template wrote them, cell by cell, before `{% inbox_rows %}`.
ROWS_TEMPLATE = """{% load i18n %}{% translate "Received" as l_received %}\
{% translate "Company" as l_company %}\
{% translate "Supplier / customer" as l_party %}{% translate "Number" as l_number %}\
{% translate "Issued" as l_issued %}{% translate "Due" as l_due %}{% translate "Total" as l_total %}\
{% translate "State" as l_state %}{% for invoice in invoices %}
    <tr data-invoice="{{ invoice.pk }}">
      <td data-label="{{ l_received }}">{{ invoice.received_at|date:"SHORT_DATETIME_FORMAT" }}</td>
      <td data-label="{{ l_company }}">{{ invoice.company.cif }}</td>
      <td data-label="{{ l_party }}">{% if invoice.direction == "received" %}\
{% firstof invoice.seller_name invoice.seller_cif %}{% else %}\
{% firstof invoice.buyer_name invoice.buyer_cif %} \
<span class="badge">{{ invoice.get_direction_display }}</span>{% endif %}</td>
      <td data-label="{{ l_number }}"><a href="{{ invoice_base }}{{ invoice.pk }}/">\
{% firstof invoice.number invoice.download_id %}</a>{% if invoice.kind != "invoice" %} \
<span class="badge">{{ invoice.get_kind_display }}</span>{% endif %}</td>
      <td data-label="{{ l_issued }}">{{ invoice.issue_date|date:"SHORT_DATE_FORMAT" }}</td>
      <td data-label="{{ l_due }}">{{ invoice.due_date|date:"SHORT_DATE_FORMAT" }}</td>
      <td data-label="{{ l_total }}" class="num">{% if invoice.payable is not None %}\
{{ invoice.payable|floatformat:"2g" }}{% endif %} {{ invoice.currency }}</td>
      <td data-label="{{ l_state }}"><span class="badge {% if invoice.state == 'ok' %}ok\
{% elif invoice.state == 'warnings' %}warn{% else %}bad{% endif %}">\
{{ invoice.get_state_display }}</span></td>
    </tr>
  {% endfor %}"""


def _invoice(pk: int, **fields: Any) -> Invoice:
    created = datetime(2026, 1, 1, tzinfo=UTC)  # given: the default reads the hub's clock (the database)
    company = Company(pk=pk % 3 + 1, cif=fields.pop("cif", "16000015"), name="Firma", created=created)
    values: dict[str, Any] = {
        "direction": "received",
        "kind": "invoice",
        "state": "ok",
        "number": f"FCT-{pk}",
        "issue_date": date(2026, 3, pk % 28 + 1),
        "currency": "RON",
        "seller_name": "Brutăria Ștefănescu SRL",
        "seller_cif": "23456781",
        "payable": Decimal("1234.5"),
        "received_at": datetime(2026, 3, 1, 22, pk % 60, tzinfo=UTC),  # past midnight in Bucharest
    }
    values.update(fields)
    download_id = values.pop("download_id", str(3_000_000_000 + pk))
    invoice = Invoice(pk=pk, company=company, **values)
    invoice.download_id = download_id  # type: ignore[attr-defined]  # as `selectors.invoice_rows` annotates
    return invoice


INVOICES = [
    _invoice(1),
    _invoice(2, issue_date=date(2026, 3, 3)),  # the same issue date as the first
    _invoice(3, direction="sent", buyer_name='Client <b>"Ă&Î"</b> SRL', buyer_cif="RO123"),
    _invoice(4, direction="sent", buyer_name="", buyer_cif="RO999", issue_date=None),
    _invoice(5, kind="credit_note", state="warnings", due_date=date(2026, 5, 31)),
    _invoice(6, kind="error_report", direction="error", state="unreadable", payable=None, number=""),
    _invoice(7, seller_name="", seller_cif="4433", number="A&B/1 <x>", currency=""),
    _invoice(8, state="invalid", payable=Decimal("1234567.5"), currency="EUR"),
    _invoice(9, seller_name="Firma 'ghilimele' & co", payable=Decimal("-12.00")),
    _invoice(10, payable=Decimal("0"), kind="unknown", direction="buyer_message"),
    _invoice(11, number="", download_id=None, seller_name="", seller_cif="", cif="<&>"),
    _invoice(12, state="something-new", kind="something-new", direction="something-new"),
]


@pytest.mark.parametrize("language", ["ro", "en"])
def test_the_rows_are_the_html_of_the_list_template(language: str) -> None:
    base = "/o/a&b/inbox/"
    with translation.override(language):
        expected = Template(ROWS_TEMPLATE).render(Context({"invoices": INVOICES, "invoice_base": base}))
        written = inbox_rows(INVOICES, base)
    assert written == expected
    assert written.count("<tr data-invoice=") == len(INVOICES)
    assert "Client &lt;b&gt;&quot;Ă&amp;Î&quot;&lt;/b&gt; SRL" in written  # escaped as the template escapes


FILTERS = [
    "",
    "q=brut%C4%83ria&company=2",
    "q=a%3Cb%22&supplier=18547290&sort=amount&amount_min=1.000,50&amount_max=5000"
    "&date_from=2026-03-01&date_to=2026-04-01&kind=invoice&direction=received&state=ok",
    "amount_min=abc&date_from=x&company=999&sort=zzz&kind=%3Cscript%3E",
]


@pytest.mark.parametrize("language", ["ro", "en"])
@pytest.mark.parametrize("query", FILTERS, ids=["empty", "search", "every-filter", "invalid"])
def test_the_filter_form_is_the_html_of_djangos_templates(
    language: str, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)  # given: the default reads the hub's clock (the database)
    organization = Organization(pk=1, name="Bench", slug="bench", created=created)
    companies = [
        Company(pk=2, cif="16000015", name="Firma <A> & fiii", created=created),
        Company(pk=3, cif="29000025", name="B", created=created),
    ]
    data = QueryDict(query) if query else None

    def html(renderer: Any) -> str:
        form = FilterForm(data, organization=organization, companies=companies, renderer=renderer)
        form.filters()  # validates: the invalid fields carry their errors (aria-invalid)
        return "".join(f"{field.label_tag()}{field.as_widget()}" for field in form)

    with translation.override(language):
        expected = html(DjangoTemplates())
        monkeypatch.setattr(WidgetHtmlRenderer, "get_template", lambda self, name: pytest.fail(name))
        written = html(WidgetHtmlRenderer())  # no template read: every label and widget written in Python
    assert written == expected
    assert written.count("<select") == 5
    assert written.count("<input") == 6
