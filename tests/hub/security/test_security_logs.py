"""Every log record of a representative run, at DEBUG level and with tracebacks, is searched for the
secrets the run handled: the password typed at login, the OAuth code and state, the access and refresh
tokens (each rotation), the client secret, the API key, webhook secrets, SECRET_KEY, the encryption keys.
The figure (secrets found: 0) is kept in docs/security.md."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from hub.accounts.models import Organization, User
from tests.hub.helpers import CALLBACK_PATH, OLD_CERT, PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


class Everything(logging.Handler):
    """Keeps each record as the text a log file would hold (message, arguments, traceback)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.paused = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.paused:
            return  # the test itself playing the certificate holder's browser at ANAF
        sandbox = record.threadName == "anaf-sandbox" or record.threadName.startswith("AnyIO worker")
        if sandbox or record.name.startswith("anaf_sandbox"):
            return  # ANAF's own logs (the sandbox's server threads) are not the hub's
        self.lines.append(self.format(record))


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 2,
        "days": 3,
        "seed": 5,
        "companies": ["16000015"],
    }
    return sandbox_seed


@pytest.fixture
def captured() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_a_full_run_logs_no_secret(
    hub_sandbox: Any, active_module: Organization, owner: User, captured: Everything, settings: Any
) -> None:
    from hub.api.models import Scope
    from hub.api.services import api_key_create
    from hub.inbox.services.sync import inbox_sync_company
    from hub.integrations.ro_efactura.models import SpvAuthorization
    from hub.integrations.ro_efactura.services.renewal import authorization_renew
    from hub.webhooks.models import Endpoint
    from hub.webhooks.services import endpoint_create

    secrets: set[str] = {PASSWORD, settings.ANAF_CLIENT_SECRET, settings.SECRET_KEY}
    secrets.update(settings.EFACTURA_ENCRYPTION_KEYS)

    client = Client()
    wrong = client.post("/login/", {"username": owner.username, "password": "Parola-gresita-1"})
    assert wrong.status_code == 200
    secrets.add("Parola-gresita-1")
    assert client.post("/login/", {"username": owner.username, "password": PASSWORD}).status_code == 302

    started = client.post(f"/o/{active_module.slug}/integrations/ro-efactura/authorize/")
    query = parse_qs(urlsplit(started["Location"]).query)
    captured.paused = True
    code = hub_sandbox.authorize(
        query["client_id"][0], query["redirect_uri"][0], serial=OLD_CERT, pin="1234", state=query["state"][0]
    )
    captured.paused = False
    secrets.update({code, query["state"][0]})
    assert client.get(CALLBACK_PATH, {"code": code, "state": query["state"][0]}).status_code == 302
    authorization = SpvAuthorization.objects.get(organization=active_module)
    secrets.update({authorization.access_token, authorization.refresh_token})

    authorization_renew(authorization_id=authorization.pk, force=True)
    authorization.refresh_from_db()
    assert authorization.renewal_count == 1
    secrets.update({authorization.access_token, authorization.refresh_token})

    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True
    endpoint_create(organization=active_module, url="http://127.0.0.1:9/hook", events=[])
    secrets.update(Endpoint.objects.values_list("secret", flat=True))
    for company in active_module.companies.all():
        inbox_sync_company(company_id=company.pk)
    client.post(f"/o/{active_module.slug}/integrations/ro-efactura/renew/")
    authorization.refresh_from_db()
    secrets.update({authorization.access_token, authorization.refresh_token})

    _key, key = api_key_create(organization=active_module, name="ERP", scopes=list(Scope.values))
    secrets.add(key)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    invoices = api.get("/api/v1/invoices").json()["items"]
    assert invoices, "the sync archived no invoice"
    assert api.get(f"/api/v1/invoices/{invoices[0]['id']}/zip").status_code == 200
    assert api.post("/api/v1/sync").status_code == 200
    assert Client(headers={"Authorization": f"Bearer {key}x"}).get("/api/v1/invoices").status_code == 401
    secrets.add(key + "x")

    secrets = {secret for secret in secrets if secret and len(secret) >= 8}
    found = sorted(
        {
            f"{line.replace(secret, '<secret>')[:400]}…"
            for secret in secrets
            for line in captured.lines
            if secret in line
        }
    )
    print(
        f"\nlogs: {len(captured.lines)} records searched for {len(secrets)} secrets; "
        f"secrets found: {len(found)}"
    )
    assert len(captured.lines) > 50  # the run really logged (requests, tasks, ANAF calls)
    assert found == [], "\n".join(found)
