"""PDFs are rendered by the worker, never the web process, under a line limit, a time and a memory ceiling;
a document too large gets a clear page that offers its XML."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from efactura.__main__ import main
from hub.accounts.models import Organization, User
from hub.inbox.models import Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.inbox.tasks import invoice_pdf_render_task
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def invoice_with_lines(count: int, number: str) -> bytes:
    """The sandbox's sample supplier invoice, its first line repeated `count` times."""
    source = resources.files("anaf_sandbox") / "seeds" / "invoices" / "supplier_invoice.xml"
    root = etree.fromstring(source.read_bytes())
    lines = root.findall(f"{{{CAC}}}InvoiceLine")
    template = lines[0]
    for line in lines:
        root.remove(line)
    for position in range(1, count + 1):
        line = copy.deepcopy(template)
        line.find(f"{{{CBC}}}ID").text = str(position)
        root.append(line)
    root.find(f"{{{CBC}}}ID").text = number
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def queued_only() -> Iterator[None]:
    """Tasks go to a broker no worker reads: what the web process does alone, nothing more."""
    from hub.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def _archived(sandbox: Any, organization: Organization, xml: bytes, number: str) -> Invoice:
    sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "xml": xml.decode(), "partner_cif": "18547290", "age_days": 1}
    )
    assert inbox_sync_company(company_id=company(organization, ALFA).pk).outcome == "ok"
    return Invoice.objects.get(company__cif=ALFA, number=number)


def test_the_web_process_only_enqueues_and_the_page_polls_until_the_worker_rendered_it(
    hub_sandbox: Any, authorized: Organization, owner: User, queued_only: None
) -> None:
    invoice = _archived(hub_sandbox, authorized, invoice_with_lines(3, "PDF-3"), "PDF-3")
    client = login(owner)
    url = f"/o/{authorized.slug}/inbox/{invoice.pk}/document.pdf"
    waiting = client.get(url)
    assert waiting["Content-Type"].startswith("text/html")
    page = waiting.content.decode()
    assert 'data-pdf-state="pending"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "se pregătește" in page  # Romanian by default
    assert 'data-pdf-state="pending"' in client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert invoice_pdf_render_task(invoice.pk, "ro") == "ready"  # what the worker runs
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == url
    served = client.get(url)
    assert served["Content-Type"] == "application/pdf"
    assert served.content.startswith(b"%PDF")


def test_a_document_over_the_line_limit_gets_a_page_offering_its_xml(
    hub_sandbox: Any, authorized: Organization, owner: User, settings: Any, queued_only: None
) -> None:
    settings.EFACTURA_PDF_MAX_LINES = 40
    invoice = _archived(hub_sandbox, authorized, invoice_with_lines(41, "PDF-41"), "PDF-41")
    client = login(owner)
    page = client.get(f"/o/{authorized.slug}/inbox/{invoice.pk}/document.pdf").content.decode()
    assert 'data-pdf-state="too_many_lines"' in page
    assert "41 de linii" in page
    assert f"/inbox/{invoice.pk}/document.xml" in page
    owner.language = "en"
    owner.save()
    english = client.get(f"/o/{authorized.slug}/inbox/{invoice.pk}/document.pdf").content.decode()
    assert "This document has 41 lines, too many to lay out as a PDF here." in english
    assert "Download the XML" in english
    xml = client.get(f"/o/{authorized.slug}/inbox/{invoice.pk}/document.xml")
    assert xml.status_code == 200
    assert b"PDF-41" in xml.content


def test_the_worker_stops_a_render_past_its_time_or_memory_ceiling(
    hub_sandbox: Any, authorized: Organization, owner: User, settings: Any, queued_only: None
) -> None:
    invoice = _archived(hub_sandbox, authorized, invoice_with_lines(200, "PDF-200"), "PDF-200")
    settings.EFACTURA_PDF_MEMORY_MB = 60
    assert invoice_pdf_render_task(invoice.pk, "ro") == "too_big"
    settings.EFACTURA_PDF_MEMORY_MB = 1536  # one ceiling at a time: the time limit alone now
    settings.EFACTURA_PDF_TIME_LIMIT = 0.5
    assert invoice_pdf_render_task(invoice.pk, "en") == "too_slow"
    client = login(owner)
    page = client.get(f"/o/{authorized.slug}/inbox/{invoice.pk}/document.pdf?lang=ro").content.decode()
    assert 'data-pdf-state="too_big"' in page
    assert "document.xml" in page
    # The outcome is kept: the worker is not asked again.
    assert invoice_pdf_render_task(invoice.pk, "ro") == "too_big"


def test_the_cli_refuses_more_lines_than_max_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "big.xml"
    source.write_bytes(invoice_with_lines(12, "CLI-12"))
    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.pdf"), "--max-lines", "10"]) == 3
    error = capsys.readouterr().err
    assert "Factura are 12 linii" in error
    assert "The invoice has 12 lines, more than 10" in error
    assert not (tmp_path / "out.pdf").exists()
