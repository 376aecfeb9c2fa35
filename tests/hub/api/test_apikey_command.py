"""`efactura manage apikey create|list|revoke`: a scoped key for automation, printed once, usable at once."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from efactura.__main__ import main
from hub.accounts.models import Organization, User
from hub.api.models import ApiKey
from tests.hub.outbox.helpers import ALFA, issued_xml

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def umask_kept() -> Iterator[None]:
    """`efactura manage` makes the files it writes private (umask 077); give the next tests theirs back."""
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)


def efactura(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["manage", *argv])
    except SystemExit as exc:  # Django's CommandError exits with 1
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_key_created_on_the_command_line_is_shown_once_scoped_and_revocable(
    hub_sandbox: Any, authorized: Organization, owner: User, capsys: pytest.CaptureFixture[str]
) -> None:
    slug = authorized.slug
    code, out, _err = efactura(
        capsys, "apikey", "create", "--organization", slug, "--name", "ERP nightly",
        "--scope", "read", "--scope", "send", "--user", owner.username, "--json",
    )  # fmt: skip
    assert code == 0
    created = json.loads(out)
    key = created["key"]
    assert key.startswith(f"efh_{created['prefix']}_")
    assert created["scopes"] == ["read", "send"]
    row = ApiKey.objects.get(pk=created["id"])
    assert row.created_by == owner
    assert key not in json.dumps(row.key_hash)  # only a hash is kept

    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    sent = api.post(
        f"/api/v1/outbox?company={ALFA}", data=issued_xml("CLI-KEY-1"), content_type="application/xml"
    )
    assert sent.status_code == 201, sent.content
    assert api.get("/api/v1/outbox").status_code == 200
    assert api.get(f"/api/v1/outbox/{sent.json()['id']}/answer").status_code == 403  # no "download" scope

    code, out, _err = efactura(capsys, "apikey", "list", "--organization", slug)
    assert code == 0
    assert "ERP nightly" in out
    assert "read,send" in out
    assert key not in out  # never shown again
    assert created["prefix"] in out

    code, out, _err = efactura(capsys, "apikey", "revoke", "--organization", slug, created["prefix"])
    assert code == 0
    assert f"revoked key {created['id']}" in out
    assert api.get("/api/v1/outbox").status_code == 401
    listed = json.loads(efactura(capsys, "apikey", "list", "--organization", slug, "--json")[1])
    assert listed[0]["revoked_at"] is not None


def test_bad_input_is_refused_with_a_clear_message(
    authorized: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = efactura(
        capsys, "apikey", "create", "--organization", "nobody", "--name", "x", "--scope", "read"
    )
    assert code == 1
    assert "no organization 'nobody'" in err
    code, _out, err = efactura(
        capsys, "apikey", "create", "--organization", authorized.slug, "--name", "x", "--scope", "admin"
    )
    assert code != 0
    assert "invalid choice: 'admin'" in err
    code, _out, err = efactura(capsys, "apikey", "revoke", "--organization", authorized.slug, "999")
    assert code == 1
    assert "no key '999'" in err
    assert not ApiKey.objects.exists()
