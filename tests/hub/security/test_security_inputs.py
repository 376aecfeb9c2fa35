"""Hostile inputs, each tried for real: formula cells in every CSV export, CR/LF in file names taken from
supplier ZIPs, webhook addresses that reach loopback through IPv6 forms, a non-numeric company on
"Sincronizează acum", a viewer spending ANAF's budget, world-readable files, inline script under the CSP."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Company, Organization, User
from hub.core.spreadsheet import neutralize
from hub.documents import archive
from hub.webhooks.models import Endpoint
from hub.webhooks.network import UnsafeUrl, resolve
from tests.hub.helpers import login, post_once
from tests.hub.security.security_fixtures import anaf_zip, invoice_make

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example/")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def export_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))  # Romanian Excel


def test_formula_cells_come_out_neutralized_in_both_csv_exports(
    organization: Organization, owner: User, companies: list[Company]
) -> None:
    for index, text in enumerate(FORMULAS):
        invoice_make(companies[0], seller_name=text, number=f"{text}-{index}")
    client = login(owner)
    exported = client.get(f"/o/{organization.slug}/inbox/export.csv")
    assert exported.status_code == 200
    streamed = b"".join(exported.streaming_content)  # type: ignore[attr-defined]
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/o/{organization.slug}/inbox/export.zip").getvalue()))
    for data in (streamed, bundle.read("facturi.csv")):
        rows = export_rows(data)
        assert sorted(row["Furnizor"] for row in rows) == sorted("'" + text for text in FORMULAS)
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
            assert row["De plată"] == "119,00"


def test_numbers_stay_numbers_and_plain_text_is_untouched() -> None:
    from decimal import Decimal

    assert neutralize(Decimal("-12.50")) == Decimal("-12.50")
    assert neutralize("Alfa SRL") == "Alfa SRL"
    assert neutralize("-12.50") == "'-12.50"
    assert neutralize(None) == ""


def test_a_zip_entry_name_with_cr_lf_is_a_safe_download_name(
    organization: Organization, owner: User, companies: list[Company]
) -> None:
    hostile = "factura\r\nSet-Cookie: sessionid=stolen\r\n.xml"
    invoice = invoice_make(companies[0], data=anaf_zip(xml_name=hostile))
    client = login(owner)
    response = client.get(f"/o/{organization.slug}/inbox/{invoice.pk}/document.xml")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "stolen" not in response.headers.get("Set-Cookie", "")
    assert disposition.startswith("attachment; filename=")
    nested = invoice_make(companies[0], data=anaf_zip(xml_name="dosar/\u00eenc\u0103rcare.xml"))
    response = client.get(f"/o/{organization.slug}/inbox/{nested.pk}/document.xml")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%AEnc%C4%83rcare.xml"
    escaping = invoice_make(companies[0], data=anaf_zip(xml_name="../../etc/passwd.xml"))
    for file in ("document.xml", "signature.xml"):
        response = client.get(f"/o/{organization.slug}/inbox/{escaping.pk}/{file}")
        assert response.status_code == 422  # refused, not a server error
        assert "Această arhivă nu poate fi deschisă în siguranță" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[::]/",
    ],
)
def test_webhook_addresses_that_reach_private_ipv4_are_refused(settings: Any, url: str) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeUrl):
        resolve(url)


def test_the_webhook_form_refuses_an_ipv6_form_of_loopback(
    settings: Any, organization: Organization, owner: User
) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = False
    response = post_once(
        login(owner), f"/o/{organization.slug}/webhooks/", {"url": "http://[64:ff9b::7f00:1]/hook"}
    )
    assert response.status_code == 200
    assert "Această adresă nu poate primi webhook-uri" in response.content.decode()
    assert not Endpoint.objects.exists()
    assert resolve("http://[64:ff9b::808:808]/").address == "64:ff9b::808:808"  # NAT64 of a public address


def test_sync_now_with_a_bad_or_foreign_company_is_a_form_error(
    organization: Organization, owner: User, outsider: User, companies: list[Company]
) -> None:
    from hub.accounts.services import company_add

    foreign = company_add(organization=Organization.objects.get(slug="alta-firma"), cif="16000015")
    client = login(owner)
    for value in ("abc", str(foreign.pk), "1e9"):
        response = client.post(f"/o/{organization.slug}/inbox/sync/now/", {"company": value})
        assert response.status_code == 400, value
        assert "Alegeți una dintre firmele organizației." in response.content.decode()


def test_a_viewer_cannot_start_a_sync(
    organization: Organization, viewer: User, member: User, companies: list[Company]
) -> None:
    from hub.inbox.models import SyncRun

    response = login(viewer).post(f"/o/{organization.slug}/inbox/sync/now/", {})
    assert response.status_code == 403
    assert not SyncRun.objects.exists()
    page = login(viewer).get(f"/o/{organization.slug}/inbox/").content.decode()
    assert 'data-action="sync-now"' not in page
    assert 'data-action="sync-now"' in login(member).get(f"/o/{organization.slug}/inbox/").content.decode()


def test_archive_files_are_private(settings: Any, tmp_path: Path) -> None:
    digest = archive.blob_put(b"PK-not-really-a-zip")
    path = Path(settings.DATA_DIR) / "archive" / archive.blob_name(digest)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for parent in path.relative_to(tmp_path).parents:
        if str(parent) != ".":
            assert stat.S_IMODE((tmp_path / parent).stat().st_mode) == 0o700, parent


def test_the_database_and_data_folder_are_created_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    env = {**os.environ, "EFACTURA_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    command = [sys.executable, "-m", "efactura", "manage", "migrate", "--noinput", "-v", "0"]
    data_dir.mkdir(mode=0o755)
    subprocess.run(command, env=env, check=True, timeout=300)
    database = data_dir / "hub.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    subprocess.run(
        [sys.executable, "-m", "efactura", "sync"], env=env, check=False, timeout=300, capture_output=True
    )
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


TEMPLATE_DIRS = [Path(__file__).resolve().parents[3] / "src" / "hub"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)


def test_no_template_holds_inline_script_and_pages_send_the_csp(
    owner: User, organization: Organization
) -> None:
    offenders = [
        str(path)
        for root in TEMPLATE_DIRS
        for path in root.rglob("*.html")
        if "emails" not in path.parts and INLINE_SCRIPT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    response = login(owner).get(f"/o/{organization.slug}/inbox/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy" in login(owner).get("/account/")
