"""A send that dies after its request left, ANAF's daily status limit, and the outcome webhooks."""

from __future__ import annotations

from typing import Any

import pytest

from hub.accounts.models import Company, Organization
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.services import sending
from hub.outbox.services.intake import outgoing_intake
from hub.webhooks import services as webhook_services
from hub.webhooks.models import Delivery
from tests.hub.outbox.helpers import ALFA, issued_xml, later, upload_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alfa(authorized: Organization) -> Company:
    return Company.objects.get(organization=authorized, cif=ALFA)


class WorkerDied(BaseException):
    """Stands for the process being killed: nothing after it runs (not even `except Exception`)."""


def test_a_worker_dying_after_the_upload_left_never_causes_a_second_upload(
    hub_sandbox: Any, alfa: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a worker killed right after ANAF answered the upload (the answer never reached the database)
    WHEN its lease lapses THEN the invoice is uncertain, found at ANAF and linked: one upload in all."""

    def die(*args: Any) -> None:
        raise WorkerDied

    monkeypatch.setattr(sending, "_after_answer", die)
    with pytest.raises(WorkerDied):
        outgoing_intake(company=alfa, xml=issued_xml())  # eager Celery: the send runs in the commit hook
    invoice = OutgoingInvoice.objects.get()
    assert invoice.state == OutgoingState.SENDING
    monkeypatch.undo()

    later(hub_sandbox, minutes=6)  # the lease lapsed: uncertain, checked against ANAF's list
    later(hub_sandbox, minutes=1)

    invoice.refresh_from_db()
    assert invoice.state == OutgoingState.OK
    assert [a.outcome for a in invoice.attempts.all()] == ["found"]
    assert len(upload_calls(hub_sandbox)) == 1


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["limits"] = {**sandbox_seed.get("limits", {}), "stare_per_message_per_day": 3}
    return sandbox_seed


def test_anaf_s_daily_status_limit_waits_for_the_next_day(hub_sandbox: Any, alfa: Company) -> None:
    invoice = outgoing_intake(company=alfa, xml=issued_xml()).invoice  # the chained polls hit the limit

    invoice.refresh_from_db()
    assert invoice.state == OutgoingState.SENT
    assert invoice.last_error  # ANAF's quota, recorded
    assert invoice.next_action_at is not None
    assert (invoice.next_action_at - invoice.uploaded_at).total_seconds() > 3600  # Bucharest midnight
    polls = len(hub_sandbox.calls("/stareMesaj"))
    later(hub_sandbox, minutes=5)
    assert len(hub_sandbox.calls("/stareMesaj")) == polls  # not asked again the same day


def test_an_accepted_invoice_is_announced_once(hub_sandbox: Any, alfa: Company, settings: Any) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = (
        True  # nothing listens there: the delivery rows are the payloads
    )
    webhook_services.endpoint_create(
        organization=alfa.organization,
        url="http://127.0.0.1:9/hook",
        events=["invoice.sent.accepted", "invoice.sent.rejected"],
    )
    sent = outgoing_intake(company=alfa, xml=issued_xml("WH-1")).invoice
    later(hub_sandbox, days=1)  # a new day for ANAF's status budget
    later(hub_sandbox, minutes=1)
    later(hub_sandbox, minutes=1)

    deliveries = list(Delivery.objects.all())
    assert [row.event for row in deliveries] == ["invoice.sent.accepted"]
    assert deliveries[0].payload["data"]["outgoing_id"] == sent.pk
    assert deliveries[0].payload["data"]["outcome"] == "accepted"
