"""The 60-day guardian: alarms at 30, 45 and 55 days when messages could age past ANAF's retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from hub.accounts.models import Organization
from hub.core import clock
from hub.core.events import Kind
from hub.inbox.models import CompanySync
from hub.inbox.services.alarms import at_risk_since, retention_guard
from hub.inbox.services.sync import company_sync_state, inbox_sync_company
from hub.integrations.models import Integration
from hub.notifications.models import Channel, Event, Notification
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 1, "days": 2, "seed": 5, "companies": [ALFA]}
    return sandbox_seed


def test_the_alarm_fires_at_30_then_45_then_55_days_when_the_clock_moves(
    hub_sandbox: Any, authorized: Organization
) -> None:
    target = company(authorized, ALFA)
    assert inbox_sync_company(company_id=target.pk).outcome == "ok"
    for other in authorized.companies.exclude(pk=target.pk):
        other.delete()
    assert retention_guard() == 0
    # From now on the sync cannot run (module switched off): nothing new gets archived.
    Integration.objects.filter(organization=authorized).update(active=False)

    clock.advance(timedelta(days=29))
    assert inbox_sync_company(company_id=target.pk).outcome == "failed"
    assert retention_guard() == 0

    clock.advance(timedelta(days=2))
    assert retention_guard() == 1
    event = Event.objects.get(kind="inbox.retention_risk")
    assert event.params["threshold"] == 30
    assert event.params["cif"] == ALFA
    assert Notification.objects.filter(event=event, channel=Channel.IN_APP).exists()
    assert any("60" in message.subject or "60" in message.body for message in mail.outbox)
    assert retention_guard() == 0  # once per cause

    clock.advance(timedelta(days=15))
    assert retention_guard() == 1
    clock.advance(timedelta(days=10))
    assert retention_guard() == 1
    thresholds = sorted(e.params["threshold"] for e in Event.objects.filter(kind="inbox.retention_risk"))
    assert thresholds == [30, 45, 55]
    assert CompanySync.objects.get(company=target).last_error == "inbox_not_active"
    # The alarm escalates: each threshold has its own, louder title and e-mail subject.
    events = {event.params["threshold"]: event for event in Event.objects.filter(kind="inbox.retention_risk")}
    with translation.override("en"):
        titles = {threshold: event.title for threshold, event in events.items()}
    assert len(set(titles.values())) == 3
    assert titles[45].startswith("URGENT")
    assert "15 days" in titles[45]
    assert titles[55].startswith("CRITICAL")
    assert "5 days" in titles[55]
    with translation.override("ro"):
        assert events[55].title.startswith("CRITIC:")
    subjects = [message.subject for message in mail.outbox]
    for threshold, event in events.items():
        with translation.override("ro"):
            ro_title = event.title
        assert any(titles[threshold] in subject or ro_title in subject for subject in subjects), threshold


def test_a_never_listed_company_is_at_risk_for_anaf_s_whole_window_and_alarmed_once(
    hub_sandbox: Any, authorized: Organization
) -> None:
    state = company_sync_state(company(authorized, ALFA))  # tracked from now, never listed
    assert clock.now() - at_risk_since(state) >= timedelta(days=59, hours=23)
    assert retention_guard() >= 1
    clock.advance(timedelta(hours=1))
    assert retention_guard() == 0
    assert Event.objects.filter(kind=Kind.INBOX_RETENTION_RISK, params__cif=ALFA).count() == 1
