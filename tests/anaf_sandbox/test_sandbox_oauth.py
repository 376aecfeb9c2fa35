"""The IdP over HTTP: authorize form, PIN lock-out, codes, token grants, rotation, expiry (§1)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from anaf_sandbox.testing import AuthorizationFailed, SandboxHandle, running_sandbox, small_seed

CLIENT_ID = "efactura-hub-demo"
SECRET = "efactura-hub-demo-secret"
REDIRECT = "https://client.test/callback"
OLD_CERT = "34:00:00:25:69:aa:10:01:7e:00:00:00:01:5a"
NEW_CERT = "34:00:00:31:7c:bb:20:02:8f:00:00:00:02:6b"


def _token(sandbox: SandboxHandle, data: dict[str, str], basic: bool = True) -> httpx.Response:
    if basic:
        return httpx.post(f"{sandbox.url}/anaf-oauth2/v1/token", data=data, auth=(CLIENT_ID, SECRET))
    return httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/token", data={**data, "client_id": CLIENT_ID, "client_secret": SECRET}
    )


def _exchange(sandbox: SandboxHandle, code: str, basic: bool = True) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "token_content_type": "jwt",
    }
    return _token(sandbox, data, basic)


def _refresh(sandbox: SandboxHandle, refresh_token: str) -> httpx.Response:
    return _token(sandbox, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def _hello(sandbox: SandboxHandle, access_token: str) -> httpx.Response:
    return httpx.get(
        f"{sandbox.url}/TestOauth/jaxrs/hello",
        params={"name": "Test Hello App!"},
        headers={"Authorization": f"Bearer {access_token}"},
    )


def test_it_shows_a_form_without_javascript_listing_the_certificates(sandbox: SandboxHandle) -> None:
    page = httpx.get(
        f"{sandbox.url}/anaf-oauth2/v1/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "token_content_type": "jwt",
        },
    )
    assert page.status_code == 200
    assert "<script" not in page.text
    assert 'name="serial"' in page.text
    assert 'name="pin"' in page.text
    assert OLD_CERT in page.text
    assert NEW_CERT in page.text


def test_it_refuses_a_redirect_uri_that_is_not_registered_byte_for_byte(sandbox: SandboxHandle) -> None:
    with pytest.raises(AuthorizationFailed) as refused:
        sandbox.authorize(CLIENT_ID, REDIRECT + "/", OLD_CERT, "1234")
    assert "redirect_uri" in refused.value.error


def test_it_issues_rs512_jwts_with_the_contract_claims(sandbox: SandboxHandle) -> None:
    code = sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234", state="xyz")
    response = _exchange(sandbox, code)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 90 * 86400
    header = jwt.get_unverified_header(body["access_token"])
    assert header == {"alg": "RS512", "kid": "anaf_2023_2024", "typ": "JWT"}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["serial"] == OLD_CERT
    assert claims["clientappid"] == CLIENT_ID
    assert claims["iss"] == "https://logincert.anaf.ro"
    assert "SRV_EFACTURA" in claims["roles"].split("@")
    assert claims["exp"] - claims["iat"] == 90 * 86400
    assert "Popescu" not in str(claims)
    refresh = jwt.decode(body["refresh_token"], options={"verify_signature": False})
    assert refresh["exp"] - refresh["iat"] == 365 * 86400
    assert _hello(sandbox, body["access_token"]).status_code == 200


def test_it_echoes_state_and_accepts_client_credentials_in_the_form(sandbox: SandboxHandle) -> None:
    page = httpx.get(
        f"{sandbox.url}/anaf-oauth2/v1/authorize",
        params={"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "state": "s-42"},
    )
    assert "s-42" in page.text
    code = sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234", state="s-42")
    assert _exchange(sandbox, code, basic=False).status_code == 200


def test_it_redirects_with_the_state_on_success(sandbox: SandboxHandle) -> None:
    answer = httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/authorize",
        data={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "state": "abc",
            "serial": NEW_CERT,
            "pin": "1234",
            "action": "login",
        },
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["abc"]
    assert query["code"]


def test_no_token_inserted_redirects_with_access_denied(sandbox: SandboxHandle) -> None:
    answer = httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/authorize",
        data={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "state": "q",
            "action": "no_token",
        },
    )
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["location"]).query) == {
        "error": ["access_denied"],
        "state": ["q"],
    }


def test_three_wrong_pins_lock_the_certificate_for_15_sandbox_minutes(sandbox: SandboxHandle) -> None:
    for attempt in range(3):
        with pytest.raises(AuthorizationFailed) as refused:
            sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "0000")
        assert "PIN" in refused.value.error, attempt
    with pytest.raises(AuthorizationFailed) as locked:
        sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")
    assert "blocat" in locked.value.error
    # The renewed certificate of the same holder is not locked.
    assert sandbox.authorize(CLIENT_ID, REDIRECT, NEW_CERT, "1234")
    sandbox.advance(minutes=14)
    with pytest.raises(AuthorizationFailed):
        sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")
    sandbox.advance(minutes=1, seconds=1)
    assert sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")


def test_a_code_works_once(sandbox: SandboxHandle) -> None:
    code = sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")
    assert _exchange(sandbox, code).status_code == 200
    again = _exchange(sandbox, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_request"


def test_a_code_expires_after_60_seconds(sandbox: SandboxHandle) -> None:
    code = sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")
    sandbox.advance(61)
    assert _exchange(sandbox, code).status_code == 400


def test_it_refuses_a_wrong_client_secret(sandbox: SandboxHandle) -> None:
    code = sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")
    response = httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(CLIENT_ID, "wrong"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_refresh_rotates_both_tokens_and_refuses_the_spent_one(sandbox: SandboxHandle) -> None:
    first = _exchange(sandbox, sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")).json()
    sandbox.advance(5)
    second = _refresh(sandbox, first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["access_token"] != first["access_token"]
    assert rotated["refresh_token"] != first["refresh_token"]
    spent = _refresh(sandbox, first["refresh_token"])
    assert spent.status_code == 400
    assert spent.json()["error"] == "invalid_grant"
    assert _refresh(sandbox, rotated["refresh_token"]).status_code == 200


def test_the_access_token_expires_by_the_sandbox_clock(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()
    assert _hello(sandbox, tokens["access_token"]).status_code == 200
    sandbox.advance(days=90, seconds=1)
    expired = _hello(sandbox, tokens["access_token"])
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    fresh = _refresh(sandbox, tokens["refresh_token"]).json()
    assert _hello(sandbox, fresh["access_token"]).status_code == 200


def test_an_expired_refresh_token_is_refused_with_anaf_text(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()
    sandbox.advance(days=366)
    response = _refresh(sandbox, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error_description"] == "Refresh Token status is expired"


def test_sliding_refresh_lives_until_the_maximum_grant_age(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()
    for _ in range(2):  # two years of yearly refreshes stay inside the 730-day grant
        sandbox.advance(days=300)
        response = _refresh(sandbox, tokens["refresh_token"])
        assert response.status_code == 200, response.text
        tokens = response.json()
    sandbox.advance(days=131)  # 731 days after the certificate login
    refused = _refresh(sandbox, tokens["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["error_description"] == "Refresh Token status is expired"


def test_fixed_refresh_lifetime_counts_from_the_certificate_login() -> None:
    seed = small_seed()
    seed["tokens"] = {"refresh_mode": "fixed", "refresh_days": 365}
    with running_sandbox(seed) as sandbox:
        _fixed_refresh(sandbox)


def _fixed_refresh(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()
    login_exp = jwt.decode(tokens["refresh_token"], options={"verify_signature": False})["exp"]
    sandbox.advance(days=200)
    tokens = _refresh(sandbox, tokens["refresh_token"]).json()
    assert jwt.decode(tokens["refresh_token"], options={"verify_signature": False})["exp"] == login_exp
    sandbox.advance(days=166)
    assert (
        _refresh(sandbox, tokens["refresh_token"]).json()["error_description"]
        == "Refresh Token status is expired"
    )


def test_revoke_ends_the_access_token(sandbox: SandboxHandle) -> None:
    tokens = sandbox.login()
    response = httpx.post(
        f"{sandbox.url}/anaf-oauth2/v1/revoke",
        data={"token": tokens["access_token"]},
        auth=(CLIENT_ID, SECRET),
    )
    assert response.status_code == 200
    assert _hello(sandbox, tokens["access_token"]).status_code == 401


def test_a_token_signed_by_someone_else_is_refused(sandbox: SandboxHandle) -> None:
    forged = jwt.encode(
        {"serial": OLD_CERT, "exp": int(datetime.now(UTC).timestamp()) + 3600},
        "a-secret-that-is-not-the-sandbox-key-0123456789",
        algorithm="HS256",
    )
    assert _hello(sandbox, forged).status_code == 401


def test_without_token_content_type_jwt_the_tokens_are_opaque(sandbox: SandboxHandle) -> None:
    code = sandbox.authorize(CLIENT_ID, REDIRECT, OLD_CERT, "1234")
    body = _token(
        sandbox, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    ).json()
    for name in ("access_token", "refresh_token"):
        assert len(body[name]) == 64
        int(body[name], 16)
    assert _hello(sandbox, body["access_token"]).status_code == 200
    assert _refresh(sandbox, body["refresh_token"]).status_code == 200
