"""When each company is synced: an interval that follows its traffic, and a beat that spends ANAF's budget.

- **Interval** (`interval_of`): `sqrt(reference / rate)` minutes, where `rate` is the company's messages a
  minute over the last `EFACTURA_SYNC_TRAFFIC_DAYS` days (ANAF's creation times) and `reference` the
  organization's interval setting: a company with one message per reference interval is synced at exactly
  that interval. The square root minimizes the mean wait of a message for a given number of listing calls
  (a listing costs one call whatever it finds; downloads cost the same at any interval). Bounded by
  `EFACTURA_SYNC_MIN_INTERVAL_MINUTES` and `EFACTURA_SYNC_MAX_INTERVAL_MINUTES` (at most a day: every
  company is synced at least daily). A company's own interval, set by an admin, is used as it is (within
  the same bounds).
- **Beat** (`companies_planned`): of the due companies, those that fit in this minute's share of ANAF's call
  budget (`EFACTURA_SCHEDULE_BUDGET_SHARE` of `EFACTURA_QUOTA_PER_MINUTE`), each costed at one listing call
  plus the downloads its traffic predicts since its last sync. Organizations take turns (the most overdue
  company of each, then the second of each, ...), so one with 1,000 companies cannot crowd out one with 3;
  within an organization the most overdue (relative to its interval) goes first. A planned company's next
  sync is moved one interval ahead at once, so the next minute does not plan it again while it waits in the
  queue; the sync itself sets it again when it ends.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from hub.accounts.models import Company
from hub.core import clock
from hub.inbox.models import CompanySync, Message
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.selectors import conf_of

DAY_MINUTES = 24 * 60
RESERVATION = timedelta(
    hours=1
)  # how long a planned company waits for its queued sync before it is planned again


def bounds() -> tuple[float, float]:
    """The configured (minimum, maximum) interval in minutes; the maximum never exceeds a day."""
    low = max(1, int(getattr(settings, "EFACTURA_SYNC_MIN_INTERVAL_MINUTES", 5)))
    high = min(DAY_MINUTES, int(getattr(settings, "EFACTURA_SYNC_MAX_INTERVAL_MINUTES", DAY_MINUTES)))
    return float(low), float(max(low, high))


def traffic_window() -> timedelta:
    return timedelta(days=max(1, int(getattr(settings, "EFACTURA_SYNC_TRAFFIC_DAYS", 7))))


def minute_budget() -> float:
    """ANAF calls the beat may plan each minute (the rest is kept for "Sync now", the API and retries)."""
    share = float(getattr(settings, "EFACTURA_SCHEDULE_BUDGET_SHARE", 0.8))
    return max(1.0, settings.EFACTURA_QUOTA_PER_MINUTE * min(1.0, max(0.0, share)))


def adaptive_minutes(reference: float, rate: float, *, fixed: float | None = None) -> float:
    """The interval in minutes for `rate` messages a minute (`fixed`: an admin's choice), within bounds."""
    low, high = bounds()
    if fixed:
        return min(high, max(low, fixed))
    if rate <= 0:
        return high
    return min(high, max(low, math.sqrt(reference / rate)))


def traffic_rates(company_ids: Iterable[int], now: datetime | None = None) -> dict[int, float]:
    """Per company id: messages a minute over the traffic window (one grouped query)."""
    now = now or clock.now()
    window = traffic_window()
    rows = (
        Message.objects.filter(company_id__in=list(company_ids), created_at__gte=now - window)
        .values("company_id")
        .annotate(count=Count("pk"))
    )
    minutes = window / timedelta(minutes=1)
    return {row["company_id"]: row["count"] / minutes for row in rows}


def interval_of(state: CompanySync) -> timedelta:
    """The company's interval now: its admin's choice, else the one its traffic calls for."""
    reference = conf_of(state.company.organization).sync_interval_minutes
    rate = traffic_rates([state.company_id]).get(state.company_id, 0.0)
    return timedelta(minutes=adaptive_minutes(reference, rate, fixed=state.interval_minutes))


def _active_organizations() -> Any:
    return Integration.objects.filter(
        kind="ro-efactura", active=True, organization__spv_authorizations__isnull=False
    ).values("organization_id")


def companies_due(now: datetime | None = None) -> list[int]:
    """Companies whose next sync is due (or never synced), in organizations with the module active.

    An organization that has never authorized is left out: its module card already asks for the
    authorization, and a sync could only fail and alarm every admin once per company. The 60-day guardian
    still watches it, and "Sincronizează acum" still reports the cause.
    """
    now = now or clock.now()
    due = Company.objects.filter(organization_id__in=_active_organizations()).filter(
        Q(inbox_sync__isnull=True)
        | Q(inbox_sync__next_sync_at__isnull=True)
        | Q(inbox_sync__next_sync_at__lte=now)
    )
    return list(due.values_list("pk", flat=True))


def companies_swept() -> list[int]:
    """Every company the daily sweep compares with ANAF (the same organizations as `companies_due`)."""
    return list(
        Company.objects.filter(organization_id__in=_active_organizations()).values_list("pk", flat=True)
    )


@dataclass
class Candidate:
    """A due company as the planner sees it."""

    company_id: int
    organization_id: int
    overdue: float  # minutes past its planned sync, in intervals (never synced: infinite)
    cost: float  # ANAF calls its sync is expected to make
    interval: float  # minutes


def plan(candidates: list[Candidate], budget: float) -> list[Candidate]:
    """The candidates this minute's `budget` (ANAF calls) covers: organizations in turn, most overdue first.

    The first candidate is always taken, even when it alone costs more than the budget (a company with a
    large backlog must still be synced; the quota limiter paces its calls).
    """
    by_organization: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_organization[candidate.organization_id].append(candidate)
    ranked: list[tuple[int, float, int, Candidate]] = []
    for rows in by_organization.values():
        rows.sort(key=lambda row: (-row.overdue, row.company_id))
        ranked.extend((turn, -row.overdue, row.company_id, row) for turn, row in enumerate(rows))
    ranked.sort(key=lambda item: item[:3])
    chosen: list[Candidate] = []
    spent = 0.0
    for _turn, _overdue, _pk, candidate in ranked:
        if chosen and spent + candidate.cost > budget:
            continue  # a cheaper one further down may still fit
        chosen.append(candidate)
        spent += candidate.cost
    return chosen


def expected_cost(rate: float, since_minutes: float | None) -> float:
    """One listing call plus the downloads `rate` predicts since the last sync (a first sync: a day's)."""
    elapsed = DAY_MINUTES if since_minutes is None else max(0.0, since_minutes)
    return 1.0 + rate * elapsed


def companies_planned(now: datetime | None = None) -> list[int]:
    """The due companies to enqueue this minute, within its share of ANAF's budget (see the module's text);
    their next sync is moved one interval ahead at once."""
    now = now or clock.now()
    due = (
        Company.objects.filter(pk__in=companies_due(now))
        .select_related("organization", "inbox_sync")
        .order_by("pk")
    )
    companies = list(due)
    if not companies:
        return []
    rates = traffic_rates([company.pk for company in companies], now)
    references: dict[int, float] = {}
    candidates = []
    for company in companies:
        if company.organization_id not in references:
            references[company.organization_id] = conf_of(company.organization).sync_interval_minutes
        state: CompanySync | None = getattr(company, "inbox_sync", None)
        rate = rates.get(company.pk, 0.0)
        interval = adaptive_minutes(
            references[company.organization_id], rate, fixed=state.interval_minutes if state else None
        )
        planned_at = state.next_sync_at if state else None
        last = state.last_success_at if state else None
        overdue = math.inf if planned_at is None else (now - planned_at) / timedelta(minutes=interval)
        since = None if last is None else (now - last) / timedelta(minutes=1)
        candidates.append(
            Candidate(company.pk, company.organization_id, overdue, expected_cost(rate, since), interval)
        )
    chosen = plan(candidates, minute_budget())
    _reserve(chosen, now)
    return [candidate.company_id for candidate in chosen]


def _reserve(chosen: list[Candidate], now: datetime) -> None:
    """Move each planned company's next sync ahead (its interval, at most `RESERVATION`), creating the row of
    a company never synced. A task lost on the way is planned again after that; one still queued by then is
    planned twice (the second run lists once and finds what the first left)."""
    ids = [candidate.company_id for candidate in chosen]
    saved = set(CompanySync.objects.filter(company_id__in=ids).values_list("company_id", flat=True))
    CompanySync.objects.bulk_create(
        [CompanySync(company_id=pk, tracked_since=now) for pk in ids if pk not in saved],
        ignore_conflicts=True,
    )
    by_minutes: dict[float, list[int]] = defaultdict(list)
    for candidate in chosen:
        by_minutes[min(candidate.interval, RESERVATION / timedelta(minutes=1))].append(candidate.company_id)
    for minutes, company_ids in by_minutes.items():
        CompanySync.objects.filter(company_id__in=company_ids).update(
            next_sync_at=now + timedelta(minutes=minutes)
        )


def intervals_for(states: list[CompanySync]) -> dict[int, timedelta]:
    """Per company id: `interval_of` for each of `states` (one company's organization), in two queries."""
    if not states:
        return {}
    reference = conf_of(states[0].company.organization).sync_interval_minutes
    rates = traffic_rates([state.company_id for state in states])
    return {
        state.company_id: timedelta(
            minutes=adaptive_minutes(
                reference, rates.get(state.company_id, 0.0), fixed=state.interval_minutes
            )
        )
        for state in states
    }
