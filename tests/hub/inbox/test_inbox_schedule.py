"""The per-company schedule: due companies, the organization's default interval and a company's own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.inbox.models import CompanySync
from hub.inbox.services.sync import companies_due, inbox_sync_company
from hub.notifications.models import Event
from tests.hub.helpers import authorize_over_http, login
from tests.hub.inbox.helpers import ALFA, company

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
    assert abs(state.next_sync_at - clock.now() - timedelta(minutes=30)) < timedelta(minutes=1)

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
