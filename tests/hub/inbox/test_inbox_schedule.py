"""The per-company schedule: due companies, the organization's default interval and a company's own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Company, Organization, User
from hub.accounts.services import organization_create
from hub.api.services import api_key_create
from hub.core import clock
from hub.inbox.models import CompanySync, Message
from hub.inbox.services.scheduling import (
    companies_due,
    companies_planned,
    expected_cost,
    interval_of,
    minute_budget,
    traffic_rates,
)
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.notifications.models import Event
from tests.hub.helpers import advance_clocks, authorize_over_http, login
from tests.hub.inbox.helpers import ALFA, BUCATARIA, TESATORIA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 1, "days": 1, "seed": 8, "companies": [ALFA]}
    return sandbox_seed


def test_each_company_is_due_after_its_own_interval(
    hub_sandbox: Any, authorized: Organization, owner: User, viewer: User
) -> None:
    alfa = company(authorized, ALFA)
    assert alfa.pk in companies_due()  # never synced
    inbox_sync_company(company_id=alfa.pk)
    assert alfa.pk not in companies_due()
    state = CompanySync.objects.get(company=alfa)
    assert state.next_sync_at is not None
    # One invoice a day: quieter than one per 30 minutes (the reference), so synced less often, within a day.
    planned = state.next_sync_at - clock.now()
    assert abs(planned - interval_of(state)) < timedelta(minutes=1)
    assert timedelta(minutes=30) < planned <= timedelta(days=1)

    response = login(owner).post(
        f"/o/{authorized.slug}/inbox/sync/{state.pk}/interval/", {f"c{state.pk}-interval_minutes": "90"}
    )
    assert response.status_code == 302
    assert CompanySync.objects.get(company=alfa).interval_minutes == 90
    assert (
        login(viewer)
        .post(f"/o/{authorized.slug}/inbox/sync/{state.pk}/interval/", {f"c{state.pk}-interval_minutes": "5"})
        .status_code
        == 403
    )
    inbox_sync_company(company_id=alfa.pk)
    clock.advance(timedelta(minutes=31))
    assert alfa.pk not in companies_due()
    clock.advance(timedelta(minutes=60))
    assert alfa.pk in companies_due()


def test_an_organization_that_never_authorized_is_not_synced_on_schedule(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    from hub.inbox.tasks import inbox_sync_due_task

    alfa = company(active_module, ALFA)
    assert alfa.pk not in companies_due()
    inbox_sync_due_task.delay()
    assert not Event.objects.filter(kind="inbox.sync_failed").exists()

    authorize_over_http(login(owner), active_module, hub_sandbox)

    assert alfa.pk in companies_due()


def _traffic(company_id: int, count: int, *, within: timedelta) -> None:
    """`count` ledger rows created at ANAF over the last `within`, as a sync records them."""
    now = clock.now()
    Message.objects.bulk_create(
        Message(
            company_id=company_id,
            download_id=f"{company_id}{n:07d}",
            direction="received",
            created_at=now - within * (n + 0.5) / count,
            listed_at=now,
            state="archived",
        )
        for n in range(count)
    )


def test_intervals_follow_traffic_within_the_bounds_and_the_page_and_api_show_freshness(
    hub_sandbox: Any, authorized: Organization, viewer: User, settings: Any
) -> None:
    settings.EFACTURA_SYNC_MIN_INTERVAL_MINUTES, settings.EFACTURA_SYNC_MAX_INTERVAL_MINUTES = 10, 600
    alfa, busy, quiet = (company(authorized, cif) for cif in (ALFA, BUCATARIA, TESATORIA))
    inbox_sync_company(company_id=alfa.pk)  # the sandbox's one invoice a day
    _traffic(busy.pk, 7 * 24 * 60, within=timedelta(days=7))  # one a minute
    states = {
        pk: CompanySync.objects.get_or_create(company_id=pk, defaults={"tracked_since": clock.now()})[0]
        for pk in (alfa.pk, busy.pk, quiet.pk)
    }
    minutes = {pk: interval_of(state) / timedelta(minutes=1) for pk, state in states.items()}
    assert minutes[busy.pk] == 10  # sqrt(30 / 1) = 5.5, raised to the minimum
    assert 10 < minutes[alfa.pk] < 600
    assert minutes[quiet.pk] == 600  # no traffic: the maximum
    settings.EFACTURA_SYNC_MAX_INTERVAL_MINUTES = 5000
    assert interval_of(states[quiet.pk]) == timedelta(days=1)  # never less than daily, whatever is configured

    planned_at = CompanySync.objects.get(company=alfa).next_sync_at
    assert planned_at is not None
    clock.advance(planned_at - clock.now() - timedelta(minutes=1))
    assert alfa.pk not in companies_due()
    clock.advance(timedelta(minutes=2))
    assert alfa.pk in companies_due()

    page = login(viewer).get(f"/o/{authorized.slug}/inbox/sync/").content.decode()
    row = page.split(f'data-company="{ALFA}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-field="last-success">—' not in row
    assert "urmează traficul firmei" in row
    next_cell = row.split('data-field="next-sync">', 1)[1].split("</td>", 1)[0]
    assert next_cell.strip()
    assert "verificare" not in next_cell  # a planned moment, not "at the next check"

    _row, key = api_key_create(organization=authorized, name="schedule", scopes=["read"])
    listed = {
        item["cif"]: item
        for item in Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/companies").json()
    }
    assert listed[ALFA]["last_sync_at"] is not None
    assert listed[ALFA]["next_sync_at"] is not None
    assert listed[ALFA]["sync_interval_adaptive"] is True
    assert listed[BUCATARIA]["sync_interval_minutes"] == 10


def test_the_beat_spends_at_most_the_budget_a_minute_fairly_across_organizations(
    hub_sandbox: Any, authorized: Organization, owner: User, settings: Any
) -> None:
    settings.EFACTURA_QUOTA_PER_MINUTE, settings.EFACTURA_SCHEDULE_BUDGET_SHARE = 1000, 0.8
    big = organization_create(name="Lanț de magazine", owner=owner)
    Integration.objects.create(
        organization=big, kind="ro-efactura", active=True, config={"environment": "sandbox"}
    )
    authorization = SpvAuthorization.objects.filter(organization=authorized).first()
    assert authorization is not None
    authorization.pk, authorization.organization = None, big
    authorization.save()
    Company.objects.bulk_create(
        Company(organization=big, cif=str(40_000_000 + n), name=f"Magazin {n}") for n in range(10_000)
    )
    busy = Company.objects.filter(organization=big).order_by("pk")[:50]
    for shop in busy:  # a few busy shops: each sync of theirs is expected to download messages too
        _traffic(shop.pk, 7 * 24, within=timedelta(days=7))  # one an hour: 25 calls expected on a first sync
    small = set(Company.objects.filter(organization=authorized).values_list("pk", flat=True))
    CompanySync.objects.bulk_create(  # barely due, while every shop was never synced (the most overdue)
        CompanySync(company_id=pk, tracked_since=clock.now(), next_sync_at=clock.now()) for pk in small
    )
    seen: list[int] = []
    for minute in range(20):
        planned = companies_planned()
        rates = traffic_rates(planned)
        cost = sum(expected_cost(rates.get(pk, 0.0), None) for pk in planned)  # none synced yet: a day's
        assert cost <= minute_budget() == 800, (minute, cost)
        if minute == 0:
            assert small <= set(planned)  # 3 companies are not starved by 10,000
        seen.extend(planned)
        advance_clocks(hub_sandbox, timedelta(minutes=1))
    assert len(seen) == len(set(seen))  # a planned company is not planned again while its sync is queued
    assert len(set(seen)) == 10_003  # everyone's turn came within 20 minutes
