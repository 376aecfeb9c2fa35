"""`efactura anaf hello|list|download|status` with a token file, against the sandbox."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from anaf import EFacturaClient, TokenSet
from anaf.cli import register
from tests.anaf.anaf_testkit import UBL_SAMPLE, advance


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="efactura")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return int(args.func(args))


@pytest.fixture
def token_file(tmp_path: Path, tokens: TokenSet) -> Path:
    path = tmp_path / "anaf-token.json"
    path.write_text(json.dumps(tokens.as_dict()))
    return path


@pytest.fixture
def options(sandbox: Any, token_file: Path) -> list[str]:
    return ["--token-file", str(token_file), "--env", "test", "--base-url", sandbox.url]


@pytest.fixture
def received(sandbox: Any, cif: str) -> dict[str, str]:
    xml = UBL_SAMPLE.decode("utf-8")
    # Five minutes old: listings stop a minute short of "now" (the clock-skew margin).
    when = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    spec = {
        "cif": cif,
        "direction": "received",
        "xml": xml,
        "partner_cif": "1111111111118",
        "created_at": when,
    }
    [created] = sandbox.add_messages(spec)
    return created


def test_hello(options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run("anaf", "hello", *options) == 0
    assert "Hello" in capsys.readouterr().out


def test_list_prints_the_messages(
    options: list[str], cif: str, received: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("anaf", "list", cif, "--days", "1", *options) == 0
    out = capsys.readouterr()
    assert f"id={received['id']}" in out.out
    assert "FACTURA PRIMITA" in out.out
    assert "1 message(s)" in out.err

    assert run("anaf", "list", cif, "--simple", "--json", *options) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["id"] == received["id"]


def test_download_writes_the_zip(
    options: list[str], received: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "message.zip"

    assert run("anaf", "download", received["id"], "-o", str(target), *options) == 0

    assert target.read_bytes().startswith(b"PK")
    assert "sha256" in capsys.readouterr().out


def test_status_prints_anafs_state(
    options: list[str], client: EFacturaClient, cif: str, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = client.upload(UBL_SAMPLE, cif)
    assert receipt.upload_id is not None

    assert run("anaf", "status", receipt.upload_id, *options) == 0
    assert capsys.readouterr().out.startswith("stare=")


def test_an_anaf_refusal_is_reported_with_its_text(
    options: list[str], foreign_cif: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("anaf", "list", foreign_cif, *options) == 1
    err = capsys.readouterr().err
    assert "NoSpvRights" in err
    assert f"Nu aveti drept in SPV pentru CIF={foreign_cif}" in err


def test_with_client_credentials_it_renews_and_rewrites_the_token_file(
    sandbox: Any, options: list[str], token_file: Path, tokens: TokenSet, app: dict[str, Any]
) -> None:
    advance(sandbox, 91 * 86400)  # the access token has expired at ANAF

    credentials = ["--client-id", app["client_id"], "--client-secret", app["client_secret"]]
    assert run("anaf", "hello", *options, *credentials) == 0

    saved = json.loads(token_file.read_text())
    assert saved["refresh_token"] != tokens.refresh_token
    assert saved["access_token"] != tokens.access_token
    assert token_file.stat().st_mode & 0o777 == 0o600


def test_a_missing_token_file_is_a_clear_error(sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not found"):
        run("anaf", "hello", "--token-file", str(tmp_path / "none.json"), "--base-url", sandbox.url)
