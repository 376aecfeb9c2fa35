"""Importing an old archive: ZIPs another tool downloaded from the sandbox over HTTP, extracted XML +
signature pairs in both ANAF formats, duplicates, broken files and invoices of no company of the
organization; through `efactura archive import` and through the upload page, with the report of each."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from efactura.__main__ import main as efactura
from einvoice import build_ubl
from hub.accounts.models import Organization, User
from hub.desk.completeness import completeness_for
from hub.desk.models import ArchiveImport, ImportedFile, ImportOutcome, InvoiceReview, ReviewState
from hub.documents import archive
from hub.inbox.models import Direction, Invoice, Message, MessageState
from hub.inbox.services.sync import inbox_sync_company
from tests.einvoice.signature_fixtures import enveloped_signature
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, BUCATARIA, company
from tests.sample_invoices import ro_invoice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 1, "days": 3, "seed": 7, "companies": [ALFA]}
    return sandbox_seed


def invoice_for(buyer_cif: str, number: str) -> bytes:
    """A supplier invoice to `buyer_cif` (the sample seller)."""
    sample = ro_invoice(number)
    return build_ubl(replace(sample, buyer=replace(sample.buyer, registration_id=buyer_cif)))


def kept_by_another_tool(sandbox: Any, download_id: str) -> bytes:
    """The ZIP as any other program downloads it from ANAF (here: the sandbox, over HTTP)."""
    token = sandbox.login()["access_token"]
    response = sandbox.http.get(
        "/test/FCTEL/rest/descarcare",
        params={"id": download_id},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    return bytes(response.content)


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization) -> Organization:
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    return authorized


def test_cli_imports_a_folder_with_duplicates_a_broken_file_and_no_company(
    hub_sandbox: Any, synced: Organization, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alfa = company(synced, ALFA)
    already = Message.objects.filter(company=alfa, state=MessageState.ARCHIVED).order_by("pk").first()
    assert already is not None
    new = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "xml": invoice_for(ALFA, "VECHI-1").decode()},
        {"cif": ALFA, "direction": "received", "xml": invoice_for(ALFA, "VECHI-2").decode()},
        {"cif": BUCATARIA, "direction": "received", "xml": invoice_for("40000004", "STRAIN-1").decode()},
    )
    folder = tmp_path / "arhiva-veche"
    (folder / "2026" / "copii").mkdir(parents=True)
    first, second, foreign = (kept_by_another_tool(hub_sandbox, item["id"]) for item in new)
    (folder / "2026" / f"{new[0]['id']}.zip").write_bytes(first)
    (folder / "2026" / f"{new[1]['id']}.zip").write_bytes(second)
    (folder / "2026" / "copii" / f"{new[0]['id']}.zip").write_bytes(first)  # twice in the folder
    (folder / "2026" / f"{already.download_id}.zip").write_bytes(
        kept_by_another_tool(hub_sandbox, already.download_id)
    )
    (folder / "2026" / f"{new[2]['id']}.zip").write_bytes(foreign)
    (folder / "2026" / "3999999999.zip").write_bytes(b"PK\x03\x04 cut short by a full disk")

    code = efactura(["archive", "import", str(folder), "--organization", synced.slug])

    out = capsys.readouterr().out
    assert code == 1  # something needs a person: the broken file and the foreign invoice
    assert "2 imported, 2 duplicates, 1 unreadable, 1 without a company" in out
    assert "2 importate, 2 duplicate, 1 ilizibile, 1 fără firmă" in out
    [run] = ArchiveImport.objects.filter(organization=synced)
    outcome = {
        Path(item.name.split(" + ")[0]).name + ("/copy" if "copii" in item.name else ""): item
        for item in run.files.all()
    }
    assert outcome[f"{new[0]['id']}.zip"].outcome == ImportOutcome.IMPORTED
    assert outcome[f"{new[1]['id']}.zip"].outcome == ImportOutcome.IMPORTED
    assert outcome[f"{new[0]['id']}.zip"].signature == "matches"
    assert "Signature matches (detached 2024) / Semnătura corespunde (detached 2024)" in out
    copy = outcome[f"{new[0]['id']}.zip/copy"]
    assert copy.outcome == ImportOutcome.DUPLICATE
    assert copy.reason == "same_in_run"
    assert "The same file as " in out
    assert "Același fișier ca " in out
    duplicate = outcome[f"{already.download_id}.zip"]
    assert duplicate.outcome == ImportOutcome.DUPLICATE
    assert duplicate.reason in ("archived_bytes", "archived_id")
    assert duplicate.params["message"] == already.download_id
    assert f"Already archived as message {already.download_id} of {ALFA}" in out
    broken = outcome["3999999999.zip"]
    assert broken.outcome == ImportOutcome.UNREADABLE
    assert broken.reason == "unreadable"
    assert "ZIP" in broken.params["detail"]
    assert archive.blob_get(broken.sha256) == b"PK\x03\x04 cut short by a full disk"  # kept as received
    stranger = outcome[f"{new[2]['id']}.zip"]
    assert stranger.outcome == ImportOutcome.UNMATCHED
    assert (stranger.reason, stranger.params["buyer"]) == ("no_company", "40000004")
    assert "Nu corespunde niciunei firme a organizației (CIF cumpărător 40000004" in out
    assert archive.blob_get(stranger.sha256) == foreign

    # imported like a synced message: ledger, stored bytes, parsed invoice, a review to do
    imported = Invoice.objects.get(company=alfa, number="VECHI-1")
    assert imported.direction == Direction.RECEIVED
    assert imported.signature_valid is True
    assert imported.message.download_id == new[0]["id"]
    assert archive.blob_get(imported.message.zip_sha256) == first
    assert InvoiceReview.objects.get(invoice=imported).state == ReviewState.TO_REVIEW
    assert imported.lines.count() == 3
    assert imported.announced_at is not None  # an old original is no news for webhooks and notifications

    # the sync that follows lists them at ANAF and downloads nothing it already holds
    calls = len(hub_sandbox.calls("/descarcare"))
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"
    assert len(hub_sandbox.calls("/descarcare")) == calls
    assert Invoice.objects.filter(company=alfa, number="VECHI-1").count() == 1
    [entry] = completeness_for(synced, company_id=alfa.pk)
    # ANAF's `data_creare` is not in a ZIP: an imported original counts as imported, not as listed
    listed = Message.objects.filter(company=alfa, created_at__isnull=False).count()
    assert sum(row.listed for row in entry.months) == listed
    assert sum(row.imported for row in entry.months) == 2
    assert not any(row.archived.missing for row in entry.months)

    # importing the same folder again brings nothing new
    again = str(folder / "2026" / f"{new[1]['id']}.zip")
    assert efactura(["archive", "import", again, "--organization", synced.slug]) == 0
    assert "0 imported, 1 duplicates" in capsys.readouterr().out


def test_extracted_pairs_in_both_formats_and_a_changed_invoice(
    synced: Organization, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "extrase"
    folder.mkdir()
    old = invoice_for(ALFA, "ENV-2023")
    (folder / "4100000001.xml").write_bytes(old)
    (folder / "semnatura_4100000001.xml").write_bytes(enveloped_signature(old))
    changed = invoice_for(ALFA, "ENV-2023-B")
    (folder / "4100000002.xml").write_bytes(changed.replace(b"ENV-2023-B", b"ENV-2023-C"))
    (folder / "semnatura_4100000002.xml").write_bytes(enveloped_signature(changed))
    (folder / "semnatura_4100000003.xml").write_bytes(enveloped_signature(invoice_for(ALFA, "X-9")))

    efactura(["archive", "import", str(folder), "--organization", synced.slug])

    out = capsys.readouterr().out
    assert "2 imported, 0 duplicates, 1 unreadable" in out
    files = {item.name.split(" + ")[0].rsplit("/", 1)[-1]: item for item in ImportedFile.objects.all()}
    good = files["4100000001.xml"]
    assert good.outcome == ImportOutcome.IMPORTED
    assert (good.signature, good.params["format"]) == ("matches", "enveloped (before 2024)")
    assert good.invoice is not None
    assert good.invoice.signature_valid is True
    with zipfile.ZipFile(io.BytesIO(archive.blob_get(good.sha256))) as stored:  # both files, byte for byte
        assert stored.read("4100000001.xml") == old
        assert stored.read("semnatura_4100000001.xml") == enveloped_signature(old)
    assert files["4100000002.xml"].signature == "mismatch"
    assert "The signed copy is intact but differs from the invoice" in out
    assert Invoice.objects.get(number="ENV-2023-C").signature_valid is False
    lone = files["semnatura_4100000003.xml"]
    assert lone.outcome == ImportOutcome.UNREADABLE
    assert (lone.reason, lone.params["name"]) == ("lone_signature", "4100000003.xml")

    pair = [str(folder / "4100000001.xml"), str(folder / "semnatura_4100000001.xml")]
    efactura(["archive", "import", *pair, "--organization", synced.slug])
    assert "0 imported, 1 duplicates" in capsys.readouterr().out


def test_upload_page_imports_and_reports_in_romanian(  # noqa: PLR0917  (fixtures)
    hub_sandbox: Any, synced: Organization, member: User, viewer: User, outsider: User, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the export arrives as a temporary file, read from disk
    alfa = company(synced, ALFA)
    already = Message.objects.filter(company=alfa, state=MessageState.ARCHIVED).order_by("pk").first()
    assert already is not None
    [new] = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "xml": invoice_for(ALFA, "INCARCAT-1").decode()}
    )
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as target:  # the other tool's export: one ZIP of ZIPs
        target.writestr(f"{new['id']}.zip", kept_by_another_tool(hub_sandbox, new["id"]))
        target.writestr(f"{already.download_id}.zip", kept_by_another_tool(hub_sandbox, already.download_id))
        target.writestr("note.txt", "exportat din programul vechi")
    bundle.seek(0)
    bundle.name = "export.zip"
    url = f"/o/{synced.slug}/desk/imports/"

    assert login(viewer).post(url, {}).status_code == 403
    assert login(outsider).get(url).status_code == 404
    client = login(member)
    empty = client.post(url, {})
    assert "Alege cel puțin un fișier." in empty.content.decode()

    response = client.post(url, {"originals": [bundle]}, follow=True)

    text = response.content.decode()
    assert "errorlist" not in text, text[text.find("errorlist") : text.find("errorlist") + 300]
    assert "Raportul importului" in text
    assert "1 importate, 1 deja arhivate, 1 de văzut." in text
    assert 'data-outcome="imported"' in text
    assert 'data-outcome="duplicate"' in text
    assert "export.zip!note.txt" in text
    assert 'data-count="unreadable">Ilizibil: 1' in text
    run = ArchiveImport.objects.get(organization=synced)
    assert run.user == member
    note = run.files.get(name="export.zip!note.txt")
    original = client.get(f"{url}{run.pk}/{note.pk}/original/")
    assert original.content == b"exportat din programul vechi"
    assert original["Content-Disposition"] == 'attachment; filename="note.txt"'
    assert login(outsider).get(f"{url}{run.pk}/{note.pk}/original/").status_code == 404
    assert Invoice.objects.get(number="INCARCAT-1").review.state == ReviewState.TO_REVIEW
    assert f"{url}{run.pk}/" in client.get(url).content.decode()
