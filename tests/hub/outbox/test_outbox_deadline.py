"""The near-deadline notice: an issued invoice not accepted by ANAF one working day before its legal deadline
is announced once (in the app, by e-mail, by the `invoice.sent.deadline` webhook); holidays count."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hub.accounts.models import Company, Organization, User
from hub.core import clock
from hub.notifications.models import Event, Notification
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.services.intake import outgoing_intake
from hub.outbox.tasks import outbox_deadlines_task
from hub.webhooks.services import endpoint_create
from tests.hub.helpers import login
from tests.hub.outbox.documents import dated_xml
from tests.hub.outbox.helpers import ALFA, later
from tests.hub.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)
ISSUED = date(2026, 11, 27)  # a Friday; 30 November and 1 December are public holidays
DEADLINE = date(2026, 12, 8)  # without the holidays it would be 4 December


@pytest.fixture
def alfa(authorized: Organization) -> Company:
    return Company.objects.get(organization=authorized, cif=ALFA)


def _hub_day(day: date) -> None:
    """The hub's clock at 10:00 in Bucharest on `day` (the sandbox is not asked anything after this)."""
    target = datetime.combine(day, time(10), tzinfo=ZoneInfo("Europe/Bucharest"))
    clock.set_offset(target - timezone.now())


def test_an_invoice_not_accepted_is_announced_once_a_working_day_before_a_deadline_over_holidays(
    *,
    hub_sandbox: Any,
    alfa: Company,
    owner: User,
    member: User,
    smtp_server: Any,
    webhook_receiver: WebhookReceiver,
) -> None:
    owner.language = "en"  # the accountant reads Romanian, the owner English
    owner.save()
    endpoint_create(
        organization=alfa.organization, url=webhook_receiver.url, events=["invoice.sent.deadline"]
    )
    accepted = outgoing_intake(company=alfa, xml=dated_xml("TERMEN-1", ISSUED)).invoice
    hub_sandbox.add_faults({"path": "/*/FCTEL/rest/upload*", "kind": "rejected", "count": 1})
    rejected = outgoing_intake(company=alfa, xml=dated_xml("TERMEN-2", ISSUED)).invoice
    later(hub_sandbox, minutes=1)  # ANAF answers both
    waiting = outgoing_intake(company=alfa, xml=dated_xml("TERMEN-3", ISSUED)).invoice  # still processed
    states = {row.number: row.state for row in OutgoingInvoice.objects.all()}
    assert states == {"TERMEN-1": "ok", "TERMEN-2": "nok", "TERMEN-3": "sent"}
    assert {row.deadline for row in OutgoingInvoice.objects.all()} == {DEADLINE}

    _hub_day(date(2026, 12, 3))  # 3 working days left (4, 7, 8 December): not yet
    assert outbox_deadlines_task() == 0
    _hub_day(date(2026, 12, 7))  # Monday: one working day left
    assert outbox_deadlines_task() == 2
    assert outbox_deadlines_task() == 0  # once per invoice
    _hub_day(DEADLINE)
    assert outbox_deadlines_task() == 0

    events = Event.objects.filter(kind="outbox.deadline").order_by("key")
    assert sorted(event.params["number"] for event in events) == ["TERMEN-2", "TERMEN-3"]
    assert set(events[0].recipient_ids) == {owner.pk, member.pk}  # owner and accountant, not the viewer
    assert Notification.objects.filter(event__in=events, channel="in_app").count() == 4
    assert len(smtp_server.messages) == 4
    by_address: dict[str, list[Any]] = {}
    for item in smtp_server.messages:
        by_address.setdefault(item["to"][0], []).append(item["message"])
    assert {len(mails) for mails in by_address.values()} == {2}
    romanian, english = by_address[member.email][0], by_address[owner.email][0]
    assert "termenul legal" in romanian["Subject"]
    assert "legal deadline" in english["Subject"]
    plain = romanian.get_body(("plain",)).get_content()
    assert "8 decembrie 2026" in plain or "08.12.2026" in plain
    assert "1 zi lucrătoare rămasă" in plain
    assert "1 working day left" in english.get_body(("plain",)).get_content()
    hooks = {item["data"]["outgoing"]["number"]: item for item in webhook_receiver.payloads()}
    assert set(hooks) == {"TERMEN-2", "TERMEN-3"}
    assert hooks["TERMEN-3"]["event"] == "invoice.sent.deadline"
    assert hooks["TERMEN-3"]["data"]["outgoing"]["deadline"] == "2026-12-08"
    assert hooks["TERMEN-3"]["data"]["outgoing"]["id"] == waiting.pk
    assert accepted.pk not in {item["data"]["outgoing"]["id"] for item in webhook_receiver.payloads()}
    assert rejected.pk in {item["data"]["outgoing"]["id"] for item in webhook_receiver.payloads()}


def test_the_list_and_the_detail_show_the_deadline(hub_sandbox: Any, alfa: Company, owner: User) -> None:
    invoice = outgoing_intake(company=alfa, xml=dated_xml("TERMEN-4", ISSUED)).invoice
    _hub_day(date(2026, 12, 7))
    client = login(owner)
    slug = alfa.organization.slug

    listing = client.get(f"/o/{slug}/outbox/").content.decode()
    detail = client.get(f"/o/{slug}/outbox/{invoice.pk}/").content.decode()

    assert "08.12.2026" in listing
    assert 'data-deadline="near"' in listing
    assert "1 zi lucrătoare rămasă" in detail
    assert "5 zile lucrătoare" in detail
    _hub_day(date(2026, 12, 10))
    assert 'data-deadline="late"' in client.get(f"/o/{slug}/outbox/{invoice.pk}/").content.decode()
    assert OutgoingInvoice.objects.get(pk=invoice.pk).state == OutgoingState.SENT
