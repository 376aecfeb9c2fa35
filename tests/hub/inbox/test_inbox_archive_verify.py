"""`efactura archive verify`: every stored original re-hashed and its signature digest re-checked."""

from __future__ import annotations

from typing import Any

import pytest

from efactura.__main__ import main
from hub.accounts.models import Organization
from hub.documents import archive
from hub.inbox.models import Invoice, Message, MessageState
from hub.inbox.services.sync import inbox_sync_company
from hub.inbox.tasks import inbox_archive_verify_task
from hub.notifications.models import Event
from tests.hub.inbox.helpers import ALFA, company, several_pages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    return several_pages(sandbox_seed)


def test_it_finds_a_missing_an_altered_and_a_mismatched_original_and_notifies_once(
    hub_sandbox: Any, authorized: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    target = company(authorized, ALFA)
    assert inbox_sync_company(company_id=target.pk).outcome == "ok"
    archived = Message.objects.filter(company=target, state=MessageState.ARCHIVED).order_by("pk")
    count = archived.count()
    assert main(["archive", "verify"]) == 0
    clean = capsys.readouterr().out
    assert f"checked {count} ZIPs" in clean
    assert "0 differences" in clean
    assert not Event.objects.filter(kind="inbox.archive_damaged").exists()

    storage = archive.archive_storage()
    missing, altered, mismatched = list(archived[:3])
    storage.delete(archive.blob_name(missing.zip_sha256))
    path = storage.path(archive.blob_name(altered.zip_sha256))
    with open(path, "r+b") as handle:  # one flipped byte, as a failing disk would leave it
        handle.seek(40)
        byte = handle.read(1)
        handle.seek(40)
        handle.write(bytes([byte[0] ^ 0xFF]))
    signed = Invoice.objects.get(message=mismatched)
    assert signed.signature_valid is True
    Invoice.objects.filter(pk=signed.pk).update(signature_valid=False)

    assert main(["archive", "verify"]) == 1
    output = capsys.readouterr().out
    assert f"missing: message {missing.download_id}" in output
    assert f"corrupt: message {altered.download_id}" in output
    assert f"signature: message {mismatched.download_id}" in output
    assert "3 differences" in output
    event = Event.objects.get(kind="inbox.archive_damaged", organization=authorized)
    assert event.params["count"] == 3
    # The scheduled run finds the same differences and does not notify them again.
    assert inbox_archive_verify_task.delay().get() == 3
    assert Event.objects.filter(kind="inbox.archive_damaged").count() == 1
