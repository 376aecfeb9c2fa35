"""The 60-day guardian: alarms at 30, 45 and 55 days when messages could age past ANAF's retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from hub.accounts.models import Organization, User
from hub.accounts.services import company_add
from hub.core import clock
from hub.core.events import Kind
from hub.inbox.models import CompanySync
from hub.inbox.services.alarms import at_risk_since, retention_guard
from hub.inbox.services.sync import company_sync_state, inbox_sync_company
from hub.integrations.models import Integration
from hub.notifications.models import Channel, Event, Notification
from tests.hub.helpers import advance_clocks, login
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


def test_a_never_synced_company_is_alarmed_30_days_after_it_was_added_not_at_once(
    hub_sandbox: Any, active_module: Organization
) -> None:
    """GIVEN an organization that activated the module but never authorized (nothing can be listed)
    WHEN the clocks move
    THEN the guardian counts from the module's activation, a company added later from its addition,
    each alarm once per threshold, with a cause that says the company was never synced."""
    first = company(active_module, ALFA)
    active_module.companies.exclude(pk=first.pk).delete()
    activated = Integration.objects.get(organization=active_module).activated_at
    assert retention_guard() == 0  # just activated: nothing was missed yet
    advance_clocks(hub_sandbox, timedelta(days=10))
    later = company_add(organization=active_module, cif="18547290", name="Adăugată Mai Târziu SRL")
    advance_clocks(hub_sandbox, timedelta(days=19, hours=23))
    assert retention_guard() == 0

    advance_clocks(hub_sandbox, timedelta(hours=2))  # 30 days after the activation
    assert retention_guard() == 1
    event = Event.objects.get(kind=Kind.INBOX_RETENTION_RISK, params__cif=ALFA)
    assert (event.params["threshold"], event.params["since"]) == (30, activated.isoformat())
    with translation.override("ro"):
        assert "Nicio sincronizare a acestei firme nu s-a încheiat" in event.body
        assert "inbox_never_synced" not in event.body
    assert retention_guard() == 0  # once per cause

    advance_clocks(hub_sandbox, timedelta(days=10))  # 30 days after the later company was added
    assert retention_guard() == 1
    assert Event.objects.get(kind=Kind.INBOX_RETENTION_RISK, params__cif=later.cif).params["threshold"] == 30
    advance_clocks(hub_sandbox, timedelta(days=5))
    assert retention_guard() == 1  # the first company at 45 days
    advance_clocks(hub_sandbox, timedelta(days=10))
    assert retention_guard() == 2  # the first at 55, the later at 45
    thresholds = sorted(
        event.params["threshold"]
        for event in Event.objects.filter(kind=Kind.INBOX_RETENTION_RISK, params__cif=ALFA)
    )
    assert thresholds == [30, 45, 55]


def test_the_oldest_possibly_missing_message_is_anaf_s_window_then_the_last_listing(
    hub_sandbox: Any, authorized: Organization, owner: User
) -> None:
    """Never listed: every message ANAF keeps may be missing (60 days back). Listed: whatever came after
    the listing's end, so 28 minutes after a sync the page says that many minutes ago, in Romanian words."""
    target = company(authorized, ALFA)
    client = login(owner)
    url = f"/o/{authorized.slug}/inbox/sync/"
    state = company_sync_state(target)  # tracked from now, never listed
    assert clock.now() - at_risk_since(state) >= timedelta(days=59, hours=23)
    assert retention_guard() == 0  # authorized a moment ago: no alarm for a company nobody could sync yet

    assert inbox_sync_company(company_id=target.pk).outcome == "ok"
    advance_clocks(hub_sandbox, timedelta(minutes=28))
    state.refresh_from_db()
    assert state.watermark is not None
    assert at_risk_since(state) == state.watermark  # the listing's end (ANAF's clock less its margin)
    minutes = int((clock.now() - state.watermark) / timedelta(minutes=1))
    assert 28 <= minutes <= 30
    page = client.get(url).content.decode()
    row = page.split(f'data-company="{ALFA}"', 1)[1]
    cell = row.split('data-field="at-risk">', 1)[1].split("</td>", 1)[0]
    assert f"acum {minutes} de minute" in cell.replace("\xa0", " "), cell
