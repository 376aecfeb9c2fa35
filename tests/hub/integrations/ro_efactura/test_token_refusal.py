"""ANAF refusing the token in use is settled by a use that works, not by a renewal: a renewal ANAF answers
while it keeps refusing the new token must not hide the "unusable for 24 h" alarm."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.core.errors import ErrorCode
from hub.core.events import Kind
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.ro_efactura.services.reminders import authorizations_remind
from hub.integrations.ro_efactura.services.renewal import RenewOutcome, authorization_renew
from hub.notifications.models import Event
from tests.hub.helpers import advance_clocks
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)

LIST_PATH = "*/listaMesajePaginatieFactura"


def test_a_renewal_does_not_clear_a_refusal_only_a_working_use_does(
    hub_sandbox: Any, authorized: Organization
) -> None:
    target = company(authorized, ALFA)
    hub_sandbox.add_faults({"path": LIST_PATH, "kind": "token_refused", "rate": 1.0})
    assert inbox_sync_company(company_id=target.pk).outcome == "failed"
    refused = SpvAuthorization.objects.get(organization=authorized)
    assert refused.last_error == ErrorCode.INVALID_TOKEN
    assert refused.failing_since is not None

    # ANAF renews the token (the token endpoint works) but keeps refusing it where it is used.
    advance_clocks(hub_sandbox, timedelta(hours=12))
    assert authorization_renew(authorization_id=refused.pk, force=True) == RenewOutcome.RENEWED
    assert inbox_sync_company(company_id=target.pk).outcome == "failed"
    renewed = SpvAuthorization.objects.get(pk=refused.pk)
    assert renewed.renewal_count > refused.renewal_count  # the forced one, and the sync's one retry on 401
    assert renewed.failing_since == refused.failing_since
    assert renewed.last_error == ErrorCode.INVALID_TOKEN

    advance_clocks(hub_sandbox, timedelta(hours=13))
    authorizations_remind()
    assert Event.objects.filter(kind=Kind.UNUSABLE, organization=authorized).count() == 1

    # ANAF accepts the token again: the first use that works settles it.
    hub_sandbox.clear_faults()
    assert inbox_sync_company(company_id=target.pk).outcome == "ok"
    healed = SpvAuthorization.objects.get(pk=refused.pk)
    assert healed.failing_since is None
    assert healed.last_error == ""
