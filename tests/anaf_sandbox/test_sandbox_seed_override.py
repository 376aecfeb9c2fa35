"""How another suite passes its own seed: override ``sandbox_seed`` (here: a callback on a random port)."""

from __future__ import annotations

from typing import Any

import pytest

from anaf_sandbox.testing import AuthorizationFailed, SandboxHandle

CALLBACK = "http://127.0.0.1:54321/integrations/ro-efactura/oauth/callback/"


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["apps"][0]["redirect_uris"].append(CALLBACK)
    sandbox_seed["certificates"].append(
        {
            "serial": "77:77",
            "holder": "Expired Holder",
            "pin": "1",
            "not_after": "2020-01-01",
            "cifs": ["16000015"],
        }
    )
    return sandbox_seed


def test_the_overridden_seed_is_served(sandbox: SandboxHandle) -> None:
    assert CALLBACK in sandbox.seed["apps"][0]["redirect_uris"]
    assert sandbox.authorize("efactura-hub-demo", CALLBACK, sandbox.default_certificate()["serial"], "1234")


def test_an_expired_certificate_cannot_log_in(sandbox: SandboxHandle) -> None:
    with pytest.raises(AuthorizationFailed, match="expirat"):
        sandbox.authorize("efactura-hub-demo", CALLBACK, "77:77", "1")


def test_an_unknown_client_gets_an_error_page(sandbox: SandboxHandle) -> None:
    with pytest.raises(AuthorizationFailed, match="client_id"):
        sandbox.authorize("nobody", CALLBACK, "77:77", "1")
