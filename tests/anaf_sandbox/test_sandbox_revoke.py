"""``/anaf-oauth2/v1/revoke`` as RFC 7009 over HTTP (docs/anaf.md §1.9, open question §8.4)."""

from __future__ import annotations

import httpx
import pytest

from anaf_sandbox.testing import SandboxHandle

CLIENT_ID = "efactura-hub-demo"
SECRET = "efactura-hub-demo-secret"


def _revoke(
    sandbox: SandboxHandle, auth: tuple[str, str] | None = (CLIENT_ID, SECRET), **form: str
) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/anaf-oauth2/v1/revoke", data=form, auth=auth)


def _refresh(sandbox: SandboxHandle, refresh_token: str) -> httpx.Response:
    return httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, "token_content_type": "jwt"},
        auth=(CLIENT_ID, SECRET),
    )


def _hello(sandbox: SandboxHandle, access_token: str) -> int:
    headers = {"Authorization": f"Bearer {access_token}"}
    return httpx.get(f"{sandbox.url}/TestOauth/jaxrs/hello", headers=headers).status_code


def test_a_revoked_refresh_token_gets_invalid_grant_and_its_access_tokens_401(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()

    answer = _revoke(sandbox, token=tokens["refresh_token"], token_type_hint="refresh_token")

    assert answer.status_code == 200
    assert answer.content == b""
    refused = _refresh(sandbox, tokens["refresh_token"])
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant", "error_description": "Refresh Token is revoked"}
    assert _hello(sandbox, tokens["access_token"]) == 401


def test_a_revoked_access_token_gets_401_while_its_refresh_token_lives_on(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()

    assert _revoke(sandbox, token=tokens["access_token"], token_type_hint="access_token").status_code == 200

    assert _hello(sandbox, tokens["access_token"]) == 401
    renewed = _refresh(sandbox, tokens["refresh_token"])
    assert renewed.status_code == 200
    assert _hello(sandbox, renewed.json()["access_token"]) == 200


def test_the_client_authenticates_as_for_the_token_endpoint(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()

    for auth, form in (
        (None, {}),
        ((CLIENT_ID, "wrong-secret"), {}),
        (None, {"client_id": CLIENT_ID, "client_secret": "wrong-secret"}),
    ):
        refused = _revoke(sandbox, auth=auth, token=tokens["refresh_token"], **form)
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_client"
    assert _refresh(sandbox, tokens["refresh_token"]).status_code == 200  # nothing was revoked

    fresh = sandbox.login()
    in_form = {"client_id": CLIENT_ID, "client_secret": SECRET}
    assert _revoke(sandbox, auth=None, token=fresh["refresh_token"], **in_form).status_code == 200
    assert _refresh(sandbox, fresh["refresh_token"]).status_code == 400


def test_another_clients_token_is_refused_and_stays_valid(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()

    refused = _revoke(sandbox, auth=("other-app", "other-app-secret"), token=tokens["access_token"])

    assert refused.status_code == 400
    assert refused.json()["error"] == "unauthorized_client"
    assert _hello(sandbox, tokens["access_token"]) == 200


@pytest.mark.parametrize("token", ["not-a-token", "eyJhbGciOiJIUzI1NiJ9.e30.x"])
def test_an_unknown_token_is_answered_200_as_rfc_7009_says(sandbox: SandboxHandle, token: str) -> None:
    assert _revoke(sandbox, token=token).status_code == 200


def test_a_request_without_a_token_is_invalid(sandbox: SandboxHandle) -> None:
    refused = _revoke(sandbox, token_type_hint="refresh_token")

    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


def test_the_field_names_other_clients_send_work_too(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()

    assert _revoke(sandbox, refresh_token=tokens["refresh_token"]).status_code == 200

    assert _refresh(sandbox, tokens["refresh_token"]).status_code == 400


def test_the_login_wall_fault_answers_like_the_live_probe(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()
    sandbox.add_faults({"path": "/anaf-oauth2/v1/revoke", "kind": "login_wall", "count": 1})

    walled = httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/revoke",
        data={"token": tokens["refresh_token"]},
        auth=(CLIENT_ID, SECRET),
    )

    assert walled.status_code == 302
    assert walled.headers["location"] == "/my.policy"
    assert _refresh(sandbox, tokens["refresh_token"]).status_code == 200
