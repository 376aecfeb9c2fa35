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

from hub.accounts.models import User
from hub.accounts.selectors import admins_of
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.events import Kind
from hub.core.problems import SyncProblem
from hub.inbox.models import CompanySync, Message, MessageState
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


def retention_guard() -> int:
    """Raise the 30/45/55-day alarms where messages could age past ANAF's 60 days; returns events raised."""
    now = clock.now()
    raised = 0
    for state in CompanySync.objects.select_related("company__organization"):
        since = at_risk_since(state)
        age_days = math.floor((now - since) / timedelta(days=1))
        reached = [days for days in ALARM_DAYS if age_days >= days]
        if not reached:
            continue
        threshold = max(reached)
        company = state.company
        episode = since.isoformat() if state.watermark else "never-listed"  # that bound moves with the clock
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
                "code": state.last_error,
            },
            recipients=_recipients(state),
            link=_link(state),
        )
        raised += event is not None
    return raised
