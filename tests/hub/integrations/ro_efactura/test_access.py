"""The authorization's one way in and out (`services/access.py`): a token ANAF refuses in the middle of a sync
is renewed once, under the row lock, and the sync goes on; a worker that saw an older pair renews nothing."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings as django_settings

from hub.accounts.models import Organization
from hub.inbox.models import Message, MessageState
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.ro_efactura.services.access import LockedRefresh
from hub.integrations.ro_efactura.services.renewal import RenewOutcome, authorization_renew
from tests.hub.inbox.helpers import ALFA, DOWNLOAD_PATH, company, listed_ids

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN_PATH = "/anaf-oauth2/v1/token"
REVOKE_PATH = "/anaf-oauth2/v1/revoke"


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 3, "days": 3, "seed": 6, "companies": [ALFA]}
    return sandbox_seed


def test_a_token_revoked_mid_sync_is_renewed_once_and_the_sync_goes_on(
    hub_sandbox: Any, authorized: Organization
) -> None:
    """GIVEN a sync downloading slowly WHEN ANAF revokes the access token after the first download
    THEN the next call is refused once, the hub renews once, and every message is archived."""
    expected = listed_ids(hub_sandbox, ALFA)
    assert len(expected) >= 5
    authorization = SpvAuthorization.objects.get(organization=authorized)
    revoked_token = authorization.access_token
    token_calls_before = len(hub_sandbox.calls(TOKEN_PATH))
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": 0.3, "rate": 1.0})
    revocation: dict[str, Any] = {}

    def revoke_after_the_first_download() -> None:
        deadline = time.monotonic() + 120
        while not hub_sandbox.calls(DOWNLOAD_PATH) and time.monotonic() < deadline:
            time.sleep(0.05)
        revocation["downloads_before"] = len(hub_sandbox.calls(DOWNLOAD_PATH))
        credentials = (
            django_settings.ANAF_CLIENT_ID,
            django_settings.ANAF_CLIENT_SECRET,
        )  # RFC 7009: the client authenticates
        revocation["status"] = hub_sandbox.http.post(
            REVOKE_PATH, data={"token": revoked_token}, auth=credentials
        ).status_code

    revoker = threading.Thread(target=revoke_after_the_first_download)
    revoker.start()
    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)
    revoker.join()

    assert revocation["status"] == 200
    assert revocation["downloads_before"] < len(expected)  # the revocation came in the middle of the sync
    assert result.outcome == "ok", result
    archived = Message.objects.filter(company__cif=ALFA, state=MessageState.ARCHIVED)
    assert set(archived.values_list("download_id", flat=True)) == expected
    refused = [call for call in hub_sandbox.calls("/FCTEL/") if call["status"] == 401]
    assert len(refused) == 1
    renewals = hub_sandbox.calls(TOKEN_PATH)[token_calls_before:]
    assert [call["status"] for call in renewals] == [200]
    authorization.refresh_from_db()
    assert authorization.access_token != revoked_token
    assert authorization.renewal_count == 1
    assert authorization.last_error == ""


def test_a_worker_that_saw_an_older_pair_does_not_renew_it_again(
    hub_sandbox: Any, authorized: Organization
) -> None:
    authorization = SpvAuthorization.objects.get(organization=authorized)
    seen_refresh_token = authorization.refresh_token
    assert authorization_renew(authorization_id=authorization.pk, force=True) == RenewOutcome.RENEWED
    token_calls_before = len(hub_sandbox.calls(TOKEN_PATH))

    tokens = LockedRefresh(authorization.pk).refresh(seen_refresh_token)

    assert len(hub_sandbox.calls(TOKEN_PATH)) == token_calls_before
    authorization.refresh_from_db()
    assert tokens.access_token == authorization.access_token
    assert tokens.refresh_token != seen_refresh_token
    assert authorization.renewal_count == 1
