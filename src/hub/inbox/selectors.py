"""Reads of the inbox, always scoped by organization (an outsider's id finds nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, F, QuerySet
from django.http import Http404

from hub.accounts.cif import without_ro_prefix
from hub.accounts.models import Company, Organization, User
from hub.core.text import fold
from hub.inbox.models import CompanySync, InboxPreference, Invoice, Message, MessageState, SyncRun

SORTS = {
    "received": ("-received_at", "-id"),
    "-received": ("received_at", "id"),
    "issued": ("-issue_date", "-id"),
    "-issued": ("issue_date", "id"),
    "amount": ("-payable", "-id"),
    "-amount": ("payable", "id"),
    "supplier": ("seller_name", "id"),
    "number": ("number", "id"),
}
COUNT_LIMIT = 10_000  # counts stop here: "more than 10,000" stays fast at any size
NARROW = 2_000  # a search matching at most this many documents is paged among their ids


@dataclass
class Total:
    """How many documents a list has: exact up to `count`; `more` (there are more than `count`) or
    `estimated` (`count` is the database planner's estimate, rounded, when the search matches many)."""

    count: int
    more: bool = False
    estimated: bool = False


@dataclass
class InvoiceFilters:
    company: int | None = None
    q: str = ""
    supplier: str = ""
    date_from: date | None = None
    date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    kind: str = ""
    direction: str = ""
    state: str = ""
    sort: str = "received"


def invoices_for(organization: Organization, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    filters = filters or InvoiceFilters()
    rows = Invoice.objects.filter(organization=organization)
    if filters.company:
        rows = rows.filter(company_id=filters.company)
    if filters.q:
        rows = rows.filter(search__contains=fold(filters.q.strip()))  # the column is folded too
    if filters.supplier:
        rows = rows.filter(seller_cif=without_ro_prefix(filters.supplier))
    if filters.date_from:
        rows = rows.filter(issue_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(issue_date__lte=filters.date_to)
    if filters.amount_min is not None:
        rows = rows.filter(payable__gte=filters.amount_min)
    if filters.amount_max is not None:
        rows = rows.filter(payable__lte=filters.amount_max)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.direction:
        rows = rows.filter(direction=filters.direction)
    if filters.state:
        rows = rows.filter(state=filters.state)
    return rows.order_by(*SORTS.get(filters.sort, SORTS["received"]))


LIST_COLUMNS = (  # what a list row shows (`templatetags.inbox_rows`): not the texts and JSON of the reading
    "direction",
    "kind",
    "state",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "seller_name",
    "seller_cif",
    "buyer_name",
    "buyer_cif",
    "payable",
    "received_at",
    "company__cif",
)


def invoice_rows(rows: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`rows` with the columns a list shows (`LIST_COLUMNS`), in the same query the company's CIF and the
    message's download id (`download_id`, the number's stand-in); a page costs the same at any size."""
    return rows.select_related("company").only(*LIST_COLUMNS).annotate(download_id=F("message__download_id"))


def invoice_page(rows: QuerySet[Invoice], start: int, stop: int) -> list[Invoice]:
    """The rows `start:stop` of `rows` with `invoice_rows`' columns, in one query that walks the offset on
    the ids alone (the order's index) and joins the company and the message for the page's rows only."""
    ids = rows.values("pk")[start:stop]
    return list(invoice_rows(Invoice.objects.filter(pk__in=ids).order_by(*rows.query.order_by)))


def counted(rows: QuerySet[Invoice], filters: InvoiceFilters) -> tuple[Total, QuerySet[Invoice]]:
    """How many `rows` there are (`Total`) and the rows to take a page from.

    A search that matches few documents is the slow case of a substring search (it reads the whole search
    index to find them, then walking the date order finds no early match): the matching ids are read once
    (they are the count), and when they are few the page is ordered among them alone. On PostgreSQL a
    search that matches more than `NARROW` is not counted further: its total is the planner's estimate.
    """
    if filters.q:
        estimates = connections[rows.db].vendor == "postgresql"
        limit = NARROW + 1 if estimates else COUNT_LIMIT + 1
        ids = list(rows.order_by().values_list("pk", flat=True)[:limit])  # the count's one scan
        if len(ids) <= NARROW:
            return Total(len(ids)), Invoice.objects.filter(pk__in=ids).order_by(*rows.query.order_by)
        if estimates:
            return estimated_total(rows), rows
        return Total(min(len(ids), COUNT_LIMIT), more=len(ids) > COUNT_LIMIT), rows
    total, more = bounded_count(rows)
    return Total(total, more=more), rows


def estimated_total(rows: QuerySet[Invoice]) -> Total:
    """PostgreSQL's row estimate for `rows` (EXPLAIN, nothing read), known to be above `NARROW`: rounded to
    two significant digits; "more than `NARROW`" when the estimate is below that."""
    sql, params = rows.order_by().query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if estimate <= NARROW:
        return Total(NARROW, more=True)
    rounded = round(estimate, 2 - len(str(estimate)))
    return Total(rounded, estimated=True)


def bounded_count(rows: QuerySet[Any], limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """The count up to `limit`, and whether there are more."""
    found = rows.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


def invoice_get(organization: Organization, invoice_id: int) -> Invoice:
    invoice = (
        Invoice.objects.select_related("company", "message")
        .filter(organization=organization, pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise Http404("invoice")
    return invoice


def messages_for(
    organization: Organization, *, company_id: int | None = None, state: str = ""
) -> QuerySet[Message]:
    """The organization's ledger in id order, with each message's document when it has one."""
    rows = Message.objects.filter(company__organization=organization).select_related("invoice").order_by("pk")
    if company_id:
        rows = rows.filter(company_id=company_id)
    if state:
        rows = rows.filter(state=state)
    return rows


def sync_states_for(organization: Organization) -> list[CompanySync]:
    """Each company's sync state, by name; a company never synced gets an unsaved blank one (`pk` None).

    A pure read: the row is created by the sync itself (`services.sync.company_sync_state`), not by a view.
    """
    states = []
    for company in organization.companies.select_related("inbox_sync").order_by("name", "cif"):  # one query
        try:
            state = company.inbox_sync
        except CompanySync.DoesNotExist:
            state = CompanySync(company=company)
        state.company = company
        states.append(state)
    return states


def runs_for(organization: Organization, limit: int = 30) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(company__organization=organization).select_related("company")[:limit]


def expired_counts(organization: Organization) -> dict[int, int]:
    """Per company id: the messages lost because ANAF no longer served them when the hub asked."""
    rows = (
        Message.objects.filter(company__organization=organization, state=MessageState.EXPIRED)
        .values("company_id")
        .annotate(lost=Count("pk"))
    )
    return {row["company_id"]: row["lost"] for row in rows}


def ledger_counts(organization: Organization, state: str) -> dict[int, int]:
    """Per company id: how many ledger rows are in `state` (damaged: waiting for a readable download)."""
    rows = (
        Message.objects.filter(company__organization=organization, state=state)
        .values("company_id")
        .annotate(count=Count("pk"))
    )
    return {row["company_id"]: row["count"] for row in rows}


def preference_for(*, user: User, organization: Organization) -> InboxPreference:
    """The user's saved preference, or an unsaved default: reading creates no row, saving the form does."""
    saved = InboxPreference.objects.filter(user=user, organization=organization).first()
    return saved or InboxPreference(user=user, organization=organization)


@dataclass
class CompanyProgress:
    """Where one requested sync stands: waiting for a worker, running (counters so far), or finished."""

    company: Company
    run: SyncRun | None

    @property
    def finished(self) -> bool:
        return self.run is not None and self.run.finished is not None


def sync_progress_for(
    organization: Organization, *, company_ids: list[int], since: datetime
) -> list[CompanyProgress]:
    """For each requested company, its latest run started at or after `since` (None: not started yet)."""
    companies = Company.objects.filter(organization=organization, pk__in=company_ids).order_by("name", "cif")
    latest: dict[int, SyncRun] = {}
    for run in SyncRun.objects.filter(company__in=companies, started__gte=since).order_by("started", "pk"):
        latest[run.company_id] = run
    return [CompanyProgress(company=company, run=latest.get(company.pk)) for company in companies]


def company_lookup(organization: Organization, text: str) -> Company | None:
    """The organization's company named by its CIF (`RO` prefix and spaces ignored), failing that by id."""
    cif = text.strip().upper().removeprefix("RO").strip()
    found = organization.companies.filter(cif=cif).first()
    if found is None and cif.isdigit():
        found = organization.companies.filter(pk=int(cif)).first()
    return found
