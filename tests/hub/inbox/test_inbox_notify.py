"""New-invoice notifications per user (none, each, daily digest) and `efactura sync`."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core import mail

from hub.accounts.models import Organization, User
from hub.core.errors import ErrorCode
from hub.inbox.cli import sync_command
from hub.inbox.models import InboxPreference, Invoice, NotifyMode
from hub.inbox.services import announce
from hub.inbox.services.announce import digests_send
from hub.inbox.services.sync import inbox_sync_company
from hub.notifications.models import Channel, Event, Notification
from hub.webhooks import services as webhook_services
from hub.webhooks.models import Delivery
from tests.hub.helpers import authorize_over_http, login
from tests.hub.inbox.helpers import ALFA, TESATORIA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 2, "seed": 4, "companies": [ALFA]}
    return sandbox_seed


def test_each_and_digest_subscribers_hear_about_new_invoices(  # noqa: PLR0917  (pytest fixtures)
    hub_sandbox: Any, authorized: Organization, owner: User, member: User, viewer: User, capsys: Any
) -> None:
    InboxPreference.objects.create(user=member, organization=authorized, notify=NotifyMode.EACH)
    InboxPreference.objects.create(user=viewer, organization=authorized, notify=NotifyMode.DIGEST)

    assert sync_command(cif=f"RO{ALFA}") == 0
    assert "16000015: ok (listed 4, new 4, downloaded 4, archived 4" in capsys.readouterr().out

    received = Invoice.objects.filter(organization=authorized, direction="received")
    each = Event.objects.filter(kind="invoice.received")
    assert each.count() == received.count() == 4
    assert all(event.recipient_ids == [member.pk] for event in each)
    assert (
        Notification.objects.filter(recipient=member, channel=Channel.EMAIL, sent_at__isnull=False).count()
        == 4
    )
    assert not Notification.objects.filter(recipient=owner).filter(event__kind="invoice.received").exists()

    assert digests_send() == 1
    assert digests_send() == 0  # one digest a day
    digest = Event.objects.get(kind="invoice.digest")
    assert digest.recipient_ids == [viewer.pk]
    assert digest.params["count"] == 4


def test_the_cli_reports_failures_with_a_clear_message(
    hub_sandbox: Any, authorized: Organization, capsys: Any
) -> None:
    assert sync_command(cif="31500030") == 1
    out = capsys.readouterr().out
    assert "31500030: failed" in out
    assert "no_spv_rights" in out
    assert sync_command(cif="12345678") == 2


def test_a_crash_before_announcing_is_resumed_and_announces_each_invoice_once(
    hub_sandbox: Any, authorized: Organization, member: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a worker killed while announcing the 3rd of 4 invoices, all 4 already archived
    WHEN the sync runs again (twice) THEN each invoice has one webhook delivery and one notification."""
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True  # nothing listens there: the delivery rows count
    endpoint = webhook_services.endpoint_create(
        organization=authorized, url="http://127.0.0.1:9/hook", events=["invoice.received"]
    )
    InboxPreference.objects.create(user=member, organization=authorized, notify=NotifyMode.EACH)
    target = company(authorized, ALFA)
    real_emit = announce.webhook_emit
    calls = {"n": 0}

    def dying_emit(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real_emit(**kwargs)

    monkeypatch.setattr(announce, "webhook_emit", dying_emit)
    with pytest.raises(SystemExit):
        inbox_sync_company(company_id=target.pk)
    received = list(Invoice.objects.filter(company=target, direction="received").values_list("pk", flat=True))
    assert len(received) == 4  # archived before the crash
    assert Delivery.objects.count() == 2

    monkeypatch.setattr(announce, "webhook_emit", real_emit)
    resumed = inbox_sync_company(company_id=target.pk)
    assert resumed.outcome == "ok"
    assert resumed.downloaded == 0
    assert inbox_sync_company(company_id=target.pk).outcome == "ok"  # nothing left to announce

    deliveries = Delivery.objects.filter(endpoint=endpoint)
    assert Counter(delivery.payload["data"]["id"] for delivery in deliveries) == Counter(received)
    events = Event.objects.filter(kind="invoice.received")
    assert sorted(event.key for event in events) == sorted(f"invoice-received:{pk}" for pk in received)
    emails = Notification.objects.filter(recipient=member, channel=Channel.EMAIL, event__in=events)
    assert emails.count() == 4
    assert not Invoice.objects.filter(company=target, announced_at__isnull=True).exists()


def test_a_sync_failure_is_worded_in_each_recipients_language(
    hub_sandbox: Any, active_module: Organization, owner: User, member: User
) -> None:
    """GIVEN an English admin and a Romanian accountant who authorized WHEN a CIF without rights fails
    THEN the event stores the code and ANAF's text, and each hears the cause in their own language."""
    owner.language = "en"
    owner.save()
    authorize_over_http(login(member), active_module, hub_sandbox)

    result = inbox_sync_company(company_id=company(active_module, TESATORIA).pk)

    assert result.error == ErrorCode.NO_SPV_RIGHTS
    event = Event.objects.get(kind="inbox.sync_failed")
    assert event.params["code"] == "no_spv_rights"
    assert event.params["detail"]  # ANAF's own words, kept as data
    assert "reason" not in event.params
    by_address = {message.to[0]: message for message in mail.outbox}
    english, romanian = by_address[owner.email], by_address[member.email]
    assert "has no SPV rights for this company" in english.body
    assert "Certificatul nu are drepturi SPV" not in english.body
    assert "Certificatul nu are drepturi SPV" in romanian.body
    in_english = login(owner).get(f"/o/{active_module.slug}/notifications/").content.decode()
    in_romanian = login(member).get(f"/o/{active_module.slug}/notifications/").content.decode()
    assert "has no SPV rights for this company" in in_english
    assert "Certificatul nu are drepturi SPV" in in_romanian
