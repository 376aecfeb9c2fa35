"""Automatic renewal against the sandbox: due or not, single-flight, retries, definitive refusal."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.services.renewal import (
    RenewalTransientError,
    RenewOutcome,
    authorization_renew,
)
from hub.integrations.ro_efactura.tasks import authorizations_renew_due_task
from hub.notifications.models import Event
from tests.hub.helpers import advance_clocks, authorize_over_http, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def authorization(hub_sandbox: Any, active_module: Organization, owner: User) -> SpvAuthorization:
    authorize_over_http(login(owner), active_module, hub_sandbox)
    return SpvAuthorization.objects.get(status=AuthorizationStatus.ACTIVE)


def _refresh_calls(sandbox: Any) -> list[dict[str, Any]]:
    return [call for call in sandbox.calls("/anaf-oauth2/v1/token") if call.get("status") == 200]


def test_it_does_not_renew_before_the_lead_time(hub_sandbox: Any, authorization: SpvAuthorization) -> None:
    before = len(_refresh_calls(hub_sandbox))
    assert authorizations_renew_due_task.delay().get() == 0
    assert authorization_renew(authorization_id=authorization.pk) == RenewOutcome.NOT_DUE
    assert len(_refresh_calls(hub_sandbox)) == before


def test_it_renews_within_the_lead_time_without_notifying(
    hub_sandbox: Any, authorization: SpvAuthorization
) -> None:
    lifetime = authorization.access_expires_at - authorization.authorized_at
    advance_clocks(hub_sandbox, lifetime - timedelta(days=9))
    assert authorizations_renew_due_task.delay().get() == 1
    renewed = SpvAuthorization.objects.get(pk=authorization.pk)
    assert renewed.access_expires_at > authorization.access_expires_at + timedelta(days=70)
    assert renewed.refresh_token != authorization.refresh_token
    assert renewed.renewal_count == 1
    assert renewed.last_renewed_at is not None
    assert not Event.objects.exists()


def test_a_transient_failure_is_retried_then_succeeds(
    hub_sandbox: Any, authorization: SpvAuthorization
) -> None:
    advance_clocks(hub_sandbox, timedelta(days=85))
    hub_sandbox.add_faults({"path": "/anaf-oauth2/v1/token", "kind": "http_502", "count": 10})
    with pytest.raises(RenewalTransientError):
        authorization_renew(authorization_id=authorization.pk)
    failing = SpvAuthorization.objects.get(pk=authorization.pk)
    assert failing.status == AuthorizationStatus.ACTIVE
    assert failing.failing_since is not None
    hub_sandbox.clear_faults()
    assert authorization_renew(authorization_id=authorization.pk) == RenewOutcome.RENEWED
    healed = SpvAuthorization.objects.get(pk=authorization.pk)
    assert healed.failing_since is None
    assert healed.last_error == ""


def test_a_definitive_refusal_needs_reauthorization_and_notifies_once(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User, member: User
) -> None:
    advance_clocks(
        hub_sandbox, authorization.refresh_expires_at - authorization.authorized_at + timedelta(days=1)
    )
    assert authorization_renew(authorization_id=authorization.pk) == RenewOutcome.REAUTHORIZATION_REQUIRED
    assert (
        SpvAuthorization.objects.get(pk=authorization.pk).status == AuthorizationStatus.NEEDS_REAUTHORIZATION
    )
    event = Event.objects.get(kind="authorization.failed")
    assert set(event.recipient_ids) == {owner.pk}  # the admin, who also authorized
    assert authorization_renew(authorization_id=authorization.pk) == RenewOutcome.INACTIVE
    assert Event.objects.filter(kind="authorization.failed").count() == 1


def _renew_in_thread(authorization_id: int, barrier: threading.Barrier, outcomes: list[str]) -> None:
    try:
        barrier.wait()
        outcomes.append(authorization_renew(authorization_id=authorization_id))
    except Exception as exc:  # surfaced by the assertion below
        outcomes.append(f"error: {exc!r}")
    finally:
        connection.close()


def test_two_workers_renewing_at_once_end_with_one_valid_pair(
    hub_sandbox: Any, authorization: SpvAuthorization
) -> None:
    """GIVEN a due authorization WHEN two workers renew it at the same instant THEN ANAF (the sandbox,
    which refuses a spent refresh token) sees exactly one refresh and the stored pair still works."""
    advance_clocks(hub_sandbox, timedelta(days=85))
    before = len(_refresh_calls(hub_sandbox))
    barrier, outcomes = threading.Barrier(2), []
    threads = [
        threading.Thread(target=_renew_in_thread, args=(authorization.pk, barrier, outcomes))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) in (
        sorted([RenewOutcome.RENEWED, RenewOutcome.NOT_DUE]),  # PostgreSQL: the second waited for the lock
        sorted([RenewOutcome.RENEWED, RenewOutcome.BUSY]),  # SQLite: the second found the claim taken
    ), outcomes
    assert len(_refresh_calls(hub_sandbox)) == before + 1
    stored = SpvAuthorization.objects.get(pk=authorization.pk)
    assert stored.status == AuthorizationStatus.ACTIVE
    assert authorization_renew(authorization_id=stored.pk, force=True) == RenewOutcome.RENEWED


def test_the_sandbox_refuses_a_spent_refresh_token(hub_sandbox: Any, authorization: SpvAuthorization) -> None:
    """The control for the single-flight test: without it, the second refresh would lose the authorization."""
    import anaf
    from hub.integrations.ro_efactura.gateway import oauth_client

    spent = authorization.refresh_token
    assert authorization_renew(authorization_id=authorization.pk, force=True) == RenewOutcome.RENEWED
    with pytest.raises(anaf.ReauthorizationRequired):
        oauth_client("sandbox").refresh(spent)
