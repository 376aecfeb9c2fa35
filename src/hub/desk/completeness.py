"""Completeness of each company's supplier invoices, month by month: listed at ANAF, archived here, reviewed,
booked; what is missing at each step and since when; the messages that could leave ANAF's 60 days
unarchived; and until when each month's originals are kept.

"Listed" counts the inbox's ledger rows ANAF listed (`Message.created_at` is ANAF's `data_creare`, which
gives the month); an original brought by the archive importer was never listed here and counts as archived
only, in the month of its invoice's date. Everything is read scoped to one organization.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hub.accounts.models import Company, Organization
from hub.core import clock
from hub.desk.models import InvoiceReview, ReviewState
from hub.inbox.models import CompanySync, Direction, Message, MessageState
from hub.inbox.services.alarms import ALARM_DAYS, ANAF_KEEPS, at_risk_since

RETENTION_YEARS = 10  # Legea contabilității 82/1991, art. 25: from the end of the financial year
NOT_ARCHIVED = (MessageState.LISTED, MessageState.STORED, MessageState.DAMAGED)


@dataclass
class Step:
    """One step of one month: how many reached it, how many are missing and the oldest of those."""

    done: int = 0
    missing: int = 0
    oldest: datetime | None = None

    def add_missing(self, count: int, oldest: datetime | None) -> None:
        self.missing += count
        if oldest is not None and (self.oldest is None or oldest < self.oldest):
            self.oldest = oldest


@dataclass
class MonthRow:
    month: date  # the first day of the month
    listed: int = 0
    archived: Step = field(default_factory=Step)
    reviewed: Step = field(default_factory=Step)
    booked: Step = field(default_factory=Step)
    imported: int = 0  # archived from an old archive, never listed here
    refused: int = 0  # reviewed, and never to be booked

    @property
    def kept_until(self) -> date:
        return retention_until(self.month)

    @property
    def complete(self) -> bool:
        return not (self.archived.missing or self.reviewed.missing or self.booked.missing)


@dataclass(frozen=True)
class AtRisk:
    """A listed message not archived yet, past the guardian's first alarm."""

    download_id: str
    created_at: datetime
    days_left: int
    state: str
    last_error: str


@dataclass
class CompanyCompleteness:
    company: Company
    months: list[MonthRow]
    at_risk: list[AtRisk]
    unlisted_since: datetime | None  # the guardian's bound: ANAF may hold messages unseen since then
    unlisted_days_left: int | None


def retention_until(month: date) -> date:
    """Originals of `month` are kept until the end of the tenth year after that month's financial year."""
    return date(month.year + RETENTION_YEARS, 12, 31)


def _month(moment: datetime | date | None) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    return moment.replace(day=1)


def _days_left(since: datetime, now: datetime) -> int:
    return max(0, math.ceil((since + ANAF_KEEPS - now) / timedelta(days=1)))


def completeness_for(
    organization: Organization, *, company_id: int | None = None
) -> list[CompanyCompleteness]:
    """Per company of the organization (or only `company_id`), its months, newest first."""
    companies = list(organization.companies.all().order_by("name", "cif"))
    if company_id is not None:
        companies = [company for company in companies if company.pk == company_id]
    ids = [company.pk for company in companies]
    rows: dict[tuple[int, date], MonthRow] = {}

    def row(company: int, month: date | None) -> MonthRow | None:
        if month is None:
            return None
        return rows.setdefault((company, month), MonthRow(month=month))

    received = Message.objects.filter(company_id__in=ids, direction=Direction.RECEIVED)
    for item in (
        received.filter(created_at__isnull=False)
        .annotate(month=TruncMonth("created_at"))
        .values("company_id", "month")
        .annotate(
            listed=Count("pk"),
            archived=Count("pk", filter=Q(state=MessageState.ARCHIVED)),
            missing=Count("pk", filter=Q(state__in=NOT_ARCHIVED)),
            oldest=Min("created_at", filter=Q(state__in=NOT_ARCHIVED)),
        )
    ):
        target = row(item["company_id"], _month(item["month"]))
        if target is None:
            continue
        target.listed += item["listed"]
        target.archived.done += item["archived"]
        target.archived.add_missing(item["missing"], item["oldest"])
        # expired at ANAF before download: listed, never to be archived here, and missing for good
        expired = item["listed"] - item["archived"] - item["missing"]
        target.archived.add_missing(expired, None)

    reviews = InvoiceReview.objects.filter(
        organization=organization, company_id__in=ids, invoice__direction=Direction.RECEIVED
    )
    for item in (
        reviews.annotate(month=TruncMonth("invoice__received_at"))
        .values("company_id", "month")
        .annotate(
            total=Count("pk"),
            imported=Count("pk", filter=Q(invoice__message__created_at__isnull=True)),
            waiting=Count("pk", filter=Q(state=ReviewState.TO_REVIEW)),
            waiting_since=Min("invoice__received_at", filter=Q(state=ReviewState.TO_REVIEW)),
            refused=Count("pk", filter=Q(state=ReviewState.REFUSED)),
            booked=Count("pk", filter=Q(state=ReviewState.BOOKED)),
            to_book=Count("pk", filter=Q(state=ReviewState.APPROVED)),
            to_book_since=Min("invoice__received_at", filter=Q(state=ReviewState.APPROVED)),
        )
    ):
        target = row(item["company_id"], _month(item["month"]))
        if target is None:
            continue
        target.imported += item["imported"]
        target.archived.done += item["imported"]
        target.reviewed.done += item["total"] - item["waiting"]
        target.reviewed.add_missing(item["waiting"], item["waiting_since"])
        target.refused += item["refused"]
        target.booked.done += item["booked"]
        target.booked.add_missing(item["to_book"], item["to_book_since"])

    now = clock.now()
    first_alarm = now - timedelta(days=ALARM_DAYS[0])
    risky: dict[int, list[AtRisk]] = defaultdict(list)
    for message in received.filter(state__in=NOT_ARCHIVED, created_at__lte=first_alarm).order_by(
        "created_at", "pk"
    ):
        assert message.created_at is not None
        risky[message.company_id].append(
            AtRisk(
                download_id=message.download_id,
                created_at=message.created_at,
                days_left=_days_left(message.created_at, now),
                state=message.state,
                last_error=message.last_error,
            )
        )
    states = {state.company_id: state for state in CompanySync.objects.filter(company_id__in=ids)}
    result = []
    for company in companies:
        unlisted_since: datetime | None = None
        state = states.get(company.pk)
        if state is not None and state.watermark is not None:
            since = at_risk_since(state)
            if since <= first_alarm:
                unlisted_since = since
        months = sorted(
            (month_row for (owner, _month_start), month_row in rows.items() if owner == company.pk),
            key=lambda month_row: month_row.month,
            reverse=True,
        )
        result.append(
            CompanyCompleteness(
                company=company,
                months=months,
                at_risk=risky.get(company.pk, []),
                unlisted_since=unlisted_since,
                unlisted_days_left=_days_left(unlisted_since, now) if unlisted_since else None,
            )
        )
    return result
