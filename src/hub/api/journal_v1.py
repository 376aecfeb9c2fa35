"""API v1, the purchases journal, the completeness figures and the exports for accounting (registered on
`v1.api`).

All read (scope `read`); marking the exported invoices as booked is done in the desk's pages or with the
reviews, not here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema
from ninja.errors import HttpError

from hub.accounts.models import Company
from hub.api.models import Scope
from hub.api.v1 import _file, _key, api
from hub.desk.completeness import CompanyCompleteness, Step, completeness_for
from hub.desk.exports import columns_of, export_csv, export_invoices, export_xlsx
from hub.desk.journal import purchases_journal
from hub.desk.services import reviews_open


class JournalQuery(Schema):
    company: int
    month: str  # YYYY-MM, by issue date


class ExportQuery(Schema):
    company: int | None = None
    date_from: date
    date_to: date
    format: str = "csv"  # csv or xlsx
    mapping: str = "preset:all"  # preset:<key> or saved:<id>
    only_not_booked: bool = False


def _company(organization: Any, company_id: int) -> Company:
    company = Company.objects.filter(organization=organization, pk=company_id).first()
    if company is None:
        raise HttpError(404, f"no company {company_id} in this organization")
    return company


def _month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise HttpError(422, "month must be YYYY-MM") from None
    return year, month


@api.get("/journal", tags=["desk"])
def get_purchases_journal(request: HttpRequest, query: Query[JournalQuery]) -> dict[str, Any]:
    """The purchases journal of a company and a month (by issue date); amounts as decimal strings, a
    credit note negative; `columns` name the keys of `amounts` and `totals`."""
    key = _key(request, Scope.READ)
    company = _company(key.organization, query.company)
    year, month = _month(query.month)
    reviews_open(key.organization)
    journal = purchases_journal(company, year, month)
    return {
        "company": {"id": company.pk, "cif": company.cif, "name": company.name},
        "month": f"{year:04d}-{month:02d}",
        "columns": [{"key": column.key, "label": column.label} for column in journal.columns],
        "rows": [
            {
                "invoice_id": row.invoice.pk,
                "number": row.invoice.number,
                "issue_date": row.invoice.issue_date.isoformat() if row.invoice.issue_date else None,
                "kind": row.invoice.kind,
                "supplier_name": row.invoice.seller_name,
                "supplier_cif": row.invoice.seller_cif,
                "currency": row.invoice.currency or "RON",
                "total": str(row.total) if row.total is not None else None,
                "amounts": {key: str(amount) for key, amount in row.amounts.items()},
            }
            for row in journal.rows
        ],
        "totals": {
            currency: {key: str(amount) for key, amount in totals.items()}
            for currency, totals in journal.totals.items()
        },
    }


@api.get("/exports", tags=["desk"], response={200: None})
def get_export(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    """The received invoices issued in the period as CSV (Romanian Excel) or XLSX, by a column mapping."""
    key = _key(request, Scope.READ)
    organization = key.organization
    company = _company(organization, query.company) if query.company is not None else None
    if query.format not in ("csv", "xlsx"):
        raise HttpError(422, "format must be csv or xlsx")
    if query.date_from > query.date_to:
        raise HttpError(422, "date_to is before date_from")
    try:
        title, columns = columns_of(query.mapping, organization)
    except LookupError:
        raise HttpError(404, f"no column mapping {query.mapping!r} in this organization") from None
    invoices = list(
        export_invoices(
            organization,
            company=company,
            date_from=query.date_from,
            date_to=query.date_to,
            only_not_booked=query.only_not_booked,
        )
    )
    name = f"facturi-primite-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}.{query.format}"
    if query.format == "csv":
        return _file(export_csv(invoices, columns), name, "text/csv; charset=utf-8")
    return _file(
        export_xlsx(invoices, columns, title=title),
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class CompletenessQuery(Schema):
    company: int | None = None
    month: str = ""  # YYYY-MM by ANAF's listing date; every month when empty


def _step(step: Step) -> dict[str, Any]:
    return {
        "done": step.done,
        "missing": step.missing,
        "missing_since": step.oldest.isoformat() if step.oldest else None,
    }


def _completeness_out(item: CompanyCompleteness, month: date | None) -> dict[str, Any]:
    return {
        "company": {"id": item.company.pk, "cif": item.company.cif, "name": item.company.name},
        "months": [
            {
                "month": f"{row.month:%Y-%m}",
                "listed": row.listed,
                "archived": _step(row.archived),
                "reviewed": _step(row.reviewed),
                "booked": _step(row.booked),
                "imported": row.imported,
                "refused": row.refused,
                "complete": row.complete,
                "kept_until": row.kept_until.isoformat(),
            }
            for row in item.months
            if month is None or row.month == month
        ],
        "at_risk": [
            {
                "message_id": risk.download_id,
                "created_at": risk.created_at.isoformat(),
                "days_left": risk.days_left,
                "state": risk.state,
                "last_error": risk.last_error,
            }
            for risk in item.at_risk
        ],
        "unlisted_since": item.unlisted_since.isoformat() if item.unlisted_since else None,
        "unlisted_days_left": item.unlisted_days_left,
    }


@api.get("/completeness", tags=["desk"])
def get_completeness(request: HttpRequest, query: Query[CompletenessQuery]) -> dict[str, Any]:
    """Per company and month of the supplier invoices: listed at ANAF, archived, reviewed, booked (each with
    how many are missing and since when), the messages at risk of ANAF's 60 days, and until when kept."""
    key = _key(request, Scope.READ)
    company = _company(key.organization, query.company) if query.company is not None else None
    month = date(*_month(query.month), 1) if query.month else None
    figures = completeness_for(key.organization, company_id=company.pk if company else None)
    return {
        "month": f"{month:%Y-%m}" if month else None,
        "companies": [_completeness_out(item, month) for item in figures],
    }
