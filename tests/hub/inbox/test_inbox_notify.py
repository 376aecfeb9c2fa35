"""New-invoice notifications per user (none, each, daily digest) and `efactura sync`."""

from __future__ import annotations

from typing import Any

import pytest
from inbox_fixtures import ALFA, authorized

from hub.accounts.models import Organization, User
from hub.inbox.cli import sync_command
from hub.inbox.models import InboxPreference, Invoice, NotifyMode
from hub.inbox.services.announce import digests_send
from hub.notifications.models import Channel, Event, Notification

__all__ = ["authorized"]
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
