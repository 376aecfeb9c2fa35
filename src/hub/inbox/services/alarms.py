"""Events the inbox raises through the hub's notifications: sync failures that need a person, the 60-day
guardian (ANAF deletes messages 60 days after they were created, docs/anaf.md §2.4), louder at 45 and 55
days (`kinds.ESCALATED_TITLES`), and the messages lost because ANAF no longer served them.

The cause is stored as a code (`SyncProblem` / `ErrorCode`) with ANAF's original text as data, never as
translated text: `hub.notifications.kinds` words it in each recipient's language when shown or sent.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db.models import Min
from django.urls import reverse

from hub.accounts.models import Company, User
from hub.accounts.selectors import admins_of
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.events import Kind
from hub.core.problems import SyncProblem
from hub.inbox.models import CompanySync, Message, MessageState
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.selectors import (
    current_authorization,
    notification_recipients,
    serving_authorization,
)
from hub.integrations.ro_efactura.services.links import reauthorization_link
from hub.notifications.services import event_raise

ALARM_DAYS = (30, 45, 55)
ANAF_KEEPS = timedelta(days=60)  # ANAF deletes a message 60 days after it was created


def _recipients(state: CompanySync) -> list[User]:
    organization = state.company.organization
    users = {user.pk: user for user in admins_of(organization)}

    authorization = serving_authorization(state.company) or current_authorization(organization)
    if authorization is not None:
        users.update({user.pk: user for user in notification_recipients(authorization)})
    return list(users.values())


def _link(state: CompanySync) -> str:
    return reverse("inbox-sync-status", kwargs={"slug": state.company.organization.slug})


# Causes a person fixes on the RO e-Factura module page (authorize again), not on the sync page.
AUTHORIZATION_CAUSES = frozenset(
    {
        ErrorCode.REAUTHORIZATION_REQUIRED,
        ErrorCode.INVALID_TOKEN,
        ErrorCode.NO_SPV_RIGHTS,
        SyncProblem.NO_AUTHORIZATION,
        SyncProblem.AUTHORIZATION_EXPIRED,
    }
)


def sync_failure_raise(*, state_id: int, code: str, since: datetime, detail: str = "") -> None:
    """Once per failure episode (the key holds when it started)."""
    state = CompanySync.objects.select_related("company__organization").get(pk=state_id)
    company = state.company
    slug = company.organization.slug
    event_raise(
        organization=company.organization,
        kind=Kind.INBOX_SYNC_FAILED,
        key=f"inbox-sync-failed:{company.pk}:{since.isoformat()}",
        params={
            "company": company.name or company.cif,
            "cif": company.cif,
            "since": since.isoformat(),
            "code": code,
            "detail": detail,
        },
        recipients=_recipients(state),
        link=reauthorization_link(slug) if code in AUTHORIZATION_CAUSES else _link(state),
    )


def messages_expired_raise(*, state_id: int, run_id: int, download_ids: list[str]) -> None:
    """Once per sync run that found messages ANAF no longer serves (they are lost for the hub)."""
    state = CompanySync.objects.select_related("company__organization").get(pk=state_id)
    company = state.company
    shown = ", ".join(download_ids[:20]) + (" ..." if len(download_ids) > 20 else "")
    event_raise(
        organization=company.organization,
        kind=Kind.INBOX_MESSAGES_EXPIRED,
        key=f"inbox-expired:{company.pk}:{run_id}",
        params={
            "company": company.name or company.cif,
            "cif": company.cif,
            "count": len(download_ids),
            "ids": shown,
        },
        recipients=_recipients(state),
        link=_link(state),
    )


def at_risk_since(state: CompanySync) -> datetime:
    """The creation time of the oldest message that might not be archived yet.

    Everything after the watermark is unknown, so the watermark bounds it. Before the first complete
    listing nothing is known: every message ANAF still keeps may be missing, so the bound is the start of
    ANAF's 60-day window (docs/anaf.md §2.4). Ledger rows still not archived may be older.
    """
    since = state.watermark or clock.now() - ANAF_KEEPS
    oldest = Message.objects.filter(
        company_id=state.company_id, state__in=[MessageState.LISTED, MessageState.STORED]
    ).aggregate(oldest=Min("created_at"))["oldest"]
    return min(since, oldest) if oldest else since


def watched_since(company: Company, activated_at: datetime | None) -> datetime | None:
    """When the hub was first asked to archive the company: the later of the module's activation and the
    company's addition (None if the module was never activated). The authorization is no precondition:
    ANAF deletes messages whether or not anyone authorized, and a missing authorization is one of the
    causes the alarm exists to report."""
    if activated_at is None:
        return None
    return max(activated_at, company.created)


def _alarm_origin(state: CompanySync, activated_at: datetime | None) -> tuple[datetime, str] | None:
    """Where the alarm's age counts from, and the episode it belongs to (part of the event key).

    Listed at least once: from the oldest possibly missing message (`at_risk_since`). Never listed: from
    when the hub was asked to watch the company, not from ANAF's window, which would alarm a company
    added a minute ago as if it had failed for 60 days.
    """
    if state.watermark is not None:
        since = at_risk_since(state)
        return since, since.isoformat()
    oldest = Message.objects.filter(
        company_id=state.company_id, state__in=[MessageState.LISTED, MessageState.STORED]
    ).aggregate(oldest=Min("created_at"))["oldest"]
    start = watched_since(state.company, activated_at)
    if start is None:
        return None
    return (min(start, oldest) if oldest else start), f"never-listed:{start.isoformat()}"


def _watched_states() -> list[CompanySync]:
    """Every company's sync state, also of companies never synced (an unsaved blank state)."""
    companies = Company.objects.select_related("organization")
    saved = {state.company_id: state for state in CompanySync.objects.all()}
    states = []
    for company in companies:
        state = saved.get(company.pk) or CompanySync(company=company)
        state.company = company
        states.append(state)
    return states


def retention_guard() -> int:
    """Raise the 30/45/55-day alarms where messages could age past ANAF's 60 days; returns events raised."""
    now = clock.now()
    raised = 0
    activated = dict(
        Integration.objects.filter(kind="ro-efactura").values_list("organization_id", "activated_at")
    )
    for state in _watched_states():
        company = state.company
        origin = _alarm_origin(state, activated.get(company.organization_id))
        if origin is None:
            continue
        since, episode = origin
        age_days = math.floor((now - since) / timedelta(days=1))
        reached = [days for days in ALARM_DAYS if age_days >= days]
        if not reached:
            continue
        threshold = max(reached)
        event = event_raise(
            organization=company.organization,
            kind=Kind.INBOX_RETENTION_RISK,
            key=f"inbox-retention:{company.pk}:{episode}:{threshold}",
            params={
                "company": company.name or company.cif,
                "cif": company.cif,
                "days": age_days,
                "threshold": threshold,
                "since": since.isoformat(),
                "code": state.last_error or (SyncProblem.NEVER_SYNCED if state.watermark is None else ""),
            },
            recipients=_recipients(state),
            link=_link(state),
        )
        raised += event is not None
    return raised
