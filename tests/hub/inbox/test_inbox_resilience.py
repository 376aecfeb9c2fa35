"""A sync facing ANAF refusing one message, the CIF or the token, and messages expired at ANAF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from hub.accounts.models import Organization
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.inbox.models import CompanySync, Message, MessageState, SyncRun
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.ro_efactura.models import CompanyAccess, SpvAuthorization
from hub.integrations.ro_efactura.services.reminders import authorizations_remind
from hub.notifications.models import Channel, Event, Notification
from tests.hub.helpers import OLD_CERT, advance_clocks, login
from tests.hub.inbox.helpers import ALFA, BUCATARIA, TESATORIA, company, listed_ids

pytestmark = pytest.mark.django_db(transaction=True)
DOWNLOAD = "/test/FCTEL/rest/descarcare"


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 4, "seed": 11, "companies": [ALFA]}
    return sandbox_seed


def _download_order(sandbox: Any, skip: int = 0) -> list[str]:
    """Ids of the `descarcare` calls in the order they reached ANAF (refused ones included)."""
    return [call["query"].removeprefix("id=") for call in sandbox.calls(DOWNLOAD)][skip:]


def test_a_message_anaf_refuses_is_recorded_and_does_not_block_the_others(
    hub_sandbox: Any, authorized: Organization
) -> None:
    """GIVEN ANAF refusing the download of one message (its firewall's block page) WHEN the inbox syncs THEN
    every other message is archived, the refused one keeps its attempts and error, and on the next runs it
    waits behind the messages never tried, until ANAF serves it."""
    target = company(authorized, ALFA)
    expected = listed_ids(hub_sandbox, ALFA)
    hub_sandbox.add_faults({"path": DOWNLOAD, "kind": "waf", "count": 1})

    first = inbox_sync_company(company_id=target.pk)

    assert first.outcome == "ok"
    assert first.failed == 1
    refused_id = _download_order(hub_sandbox)[0]
    refused = Message.objects.get(company=target, download_id=refused_id)
    assert refused.state == MessageState.LISTED
    assert refused.attempts == 1
    assert "WafBlocked" in refused.last_error
    archived = set(
        Message.objects.filter(company=target, state=MessageState.ARCHIVED).values_list(
            "download_id", flat=True
        )
    )
    assert archived == expected - {refused_id}
    assert SyncRun.objects.filter(company=target).first().failed == 1  # type: ignore[union-attr]
    assert CompanySync.objects.get(company=target).failing_since is None

    # A new message arrives; ANAF refuses the next download again. The new message goes first now.
    calls_before = len(hub_sandbox.calls(DOWNLOAD))
    fresh = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "file": _sample(), "partner_cif": "18547290", "age_days": 0}
    )[0]["id"]
    advance_clocks(hub_sandbox, timedelta(minutes=3))
    hub_sandbox.add_faults({"path": DOWNLOAD, "kind": "waf", "count": 1})

    second = inbox_sync_company(company_id=target.pk)

    assert second.outcome == "ok"
    assert _download_order(hub_sandbox, skip=calls_before) == [fresh, refused_id]
    assert Message.objects.get(download_id=refused_id).state == MessageState.ARCHIVED
    assert Message.objects.get(download_id=fresh).attempts == 1

    third = inbox_sync_company(company_id=target.pk)
    assert third.outcome == "ok"
    assert not Message.objects.filter(company=target).exclude(state=MessageState.ARCHIVED).exists()


def test_anaf_down_still_stops_the_run(hub_sandbox: Any, authorized: Organization) -> None:
    """A refusal that concerns every message (HTTP 500 after the client's retries) stops the run at once."""
    hub_sandbox.add_faults({"path": DOWNLOAD, "kind": "http_500", "count": 4})

    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert result.outcome == "failed"
    assert result.error == ErrorCode.ANAF_DOWN
    assert result.failed == 0
    assert len({call["query"] for call in hub_sandbox.calls(DOWNLOAD)}) == 1


def test_rights_lost_under_the_same_certificate_update_the_access_and_notify(
    hub_sandbox: Any, authorized: Organization
) -> None:
    access = CompanyAccess.objects.get(company__cif=ALFA)
    assert access.has_rights is True  # the check after authorizing
    assert access.serial == OLD_CERT
    hub_sandbox.set_rights(OLD_CERT, [BUCATARIA])

    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)
    never_had = inbox_sync_company(company_id=company(authorized, TESATORIA).pk)

    assert result.outcome == never_had.outcome == "failed"
    assert result.error == ErrorCode.NO_SPV_RIGHTS
    access.refresh_from_db()
    assert access.has_rights is False
    assert access.error == ErrorCode.NO_SPV_RIGHTS
    event = Event.objects.get(kind="authorization.rights_lost")
    assert event.params["cif"] == ALFA  # Țesătoria never had rights with this certificate: no such event
    assert Notification.objects.filter(event=event, channel=Channel.EMAIL).exists()
    assert CompanyAccess.objects.get(company__cif=TESATORIA).has_rights is False

    inbox_sync_company(company_id=company(authorized, ALFA).pk)
    assert Event.objects.filter(kind="authorization.rights_lost").count() == 1


def test_a_token_anaf_refuses_makes_the_authorization_unusable_until_a_sync_works(
    hub_sandbox: Any, authorized: Organization
) -> None:
    authorization = SpvAuthorization.objects.get(organization=authorized)
    assert authorization.failing_since is None
    started = hub_sandbox.now()
    hub_sandbox.advance(days=91)  # ANAF's clock only: it sees the 90-day token expired, the hub does not
    # The hub renews a refused token once; with ANAF's token endpoint down that cannot help.
    hub_sandbox.add_faults({"path": "/anaf-oauth2/v1/token", "kind": "http_500", "rate": 1.0})

    refused = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert refused.outcome == "failed"
    assert refused.error == ErrorCode.INVALID_TOKEN
    authorization.refresh_from_db()
    failing_since = authorization.failing_since
    assert failing_since is not None
    assert clock.now() - failing_since < timedelta(minutes=1)
    assert authorization.last_error == ErrorCode.INVALID_TOKEN
    assert authorizations_remind() == 0
    clock.advance(timedelta(hours=25))
    inbox_sync_company(company_id=company(authorized, BUCATARIA).pk)  # still refused: the start is kept
    authorization.refresh_from_db()
    assert authorization.failing_since == failing_since
    assert authorizations_remind() >= 1
    assert Event.objects.filter(kind="authorization.unusable").count() == 1

    hub_sandbox.set_clock(started + timedelta(hours=25))
    works = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert works.outcome == "ok"
    authorization.refresh_from_db()
    assert authorization.failing_since is None
    assert authorization.last_error == ""


def test_messages_anaf_no_longer_serves_are_reported_and_counted(
    hub_sandbox: Any, authorized: Organization
) -> None:
    """GIVEN messages listed but never downloaded (ANAF down) WHEN the sync next runs after ANAF's 60 days
    THEN they are marked expired, an event goes out in-app and by e-mail, and the sync page counts them."""
    target = company(authorized, ALFA)
    hub_sandbox.add_faults({"path": DOWNLOAD, "kind": "http_500", "count": 4})
    assert inbox_sync_company(company_id=target.pk).outcome == "failed"
    pending = Message.objects.filter(company=target, state=MessageState.LISTED).count()
    assert pending >= 8
    advance_clocks(hub_sandbox, timedelta(days=62))
    mail.outbox.clear()

    result = inbox_sync_company(company_id=target.pk)

    assert result.outcome == "ok"
    assert len(result.expired) == pending
    assert Message.objects.filter(company=target, state=MessageState.EXPIRED).count() == pending
    assert SyncRun.objects.filter(company=target).first().expired == pending  # type: ignore[union-attr]
    event = Event.objects.get(kind="inbox.messages_expired")
    assert event.params["count"] == pending
    assert event.params["cif"] == ALFA
    assert Notification.objects.filter(event=event, channel=Channel.IN_APP).exists()
    assert any("ANAF" in message.subject and str(pending) in message.body for message in mail.outbox)
    assert inbox_sync_company(company_id=target.pk).expired == []  # reported once
    assert Event.objects.filter(kind="inbox.messages_expired").count() == 1

    page = login(authorized.memberships.first().user).get(f"/o/{authorized.slug}/inbox/sync/")  # type: ignore[union-attr]
    html = page.content.decode()
    row = html[html.index(f'data-company="{ALFA}"') :]
    assert f'data-field="lost"><span class="badge bad">{pending}</span>' in row.split("</tr>")[0]


def _sample() -> str:
    from importlib import resources

    return str(resources.files("anaf_sandbox") / "seeds" / "invoices" / "supplier_invoice.xml")
