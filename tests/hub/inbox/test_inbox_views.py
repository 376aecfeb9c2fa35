"""Inbox pages over the Django test client: list, filters, detail, files, exports; outsiders see nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from hub.accounts.models import Organization, User
from hub.inbox.models import InboxPreference, Invoice, NotifyMode
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 4, "days": 20, "seed": 9, "companies": [ALFA]}
    return sandbox_seed


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization) -> Organization:
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    return authorized


def test_it_lists_filters_searches_sorts_and_pages(synced: Organization, viewer: User) -> None:
    client = login(viewer)
    base = f"/o/{synced.slug}/inbox/"
    page = client.get(base)
    assert page.status_code == 200
    assert "80 de documente" in page.content.decode()  # Romanian first
    assert client.get(base, {"page": 2}).status_code == 200
    some = Invoice.objects.filter(organization=synced).exclude(number="").first()
    assert some is not None
    found = client.get(base, {"q": some.seller_name[:8].lower()}).content.decode()
    assert some.seller_name in found
    by_number = client.get(base, {"q": some.number}).content.decode()
    assert f'data-invoice="{some.pk}"' in by_number
    largest = Invoice.objects.filter(organization=synced).exclude(payable=None).order_by("-payable").first()
    assert largest is not None
    sorted_page = client.get(base, {"sort": "amount"}).content.decode()
    assert sorted_page.index(f'data-invoice="{largest.pk}"') < sorted_page.index("</tbody>")
    only_credit = client.get(base, {"kind": "credit_note"}).content.decode()
    assert "credit_note" not in only_credit or "Notă de credit" in only_credit or "Credit note" in only_credit
    htmx = client.get(base, HTTP_HX_REQUEST="true")
    assert htmx.content.decode().lstrip().startswith('<div id="inbox-table"')


def test_the_detail_page_shows_the_document_and_serves_its_files(
    hub_sandbox: Any, synced: Organization, viewer: User
) -> None:
    client = login(viewer)
    invoice = Invoice.objects.filter(organization=synced, kind="invoice").first()
    assert invoice is not None
    base = f"/o/{synced.slug}/inbox/{invoice.pk}/"
    page = client.get(base).content.decode()
    assert invoice.number in page
    assert "Semnătura Ministerului corespunde documentului" in page
    original = client.get(base + "original.zip")
    assert original["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(original.content)).namelist()
    assert client.get(base + "document.xml").content.startswith(b"<?xml")
    assert b"SignatureValue" in client.get(base + "signature.xml").content
    pdf = client.get(base + "document.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    from_anaf = client.get(base + "document.pdf", {"source": "anaf"})
    assert from_anaf.status_code == 200
    assert from_anaf.content.startswith(b"%PDF")
    assert hub_sandbox.calls("/transformare/FACT1")  # rendered by ANAF (the sandbox), not locally


def test_exports_follow_the_filters(synced: Organization, viewer: User) -> None:
    client = login(viewer)
    supplier = Invoice.objects.filter(organization=synced).values_list("seller_cif", flat=True).first()
    expected = Invoice.objects.filter(organization=synced, seller_cif=supplier).count()
    exported = client.get(f"/o/{synced.slug}/inbox/export.csv", {"supplier": supplier})
    data = b"".join(exported.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as Romanian Excel reads it
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == expected
    assert {row["CIF furnizor"] for row in rows} == {supplier}
    assert all("," in row["De plată"] and "." not in row["De plată"] for row in rows)  # decimal comma
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/o/{synced.slug}/inbox/export.xlsx", {"supplier": supplier}).content)
    )
    sheet = workbook.active
    assert sheet is not None
    header, *cells = list(sheet.iter_rows(values_only=True))
    assert len(cells) == expected
    assert isinstance(cells[0][header.index("De plată")], float | int)
    assert isinstance(cells[0][header.index("Data emiterii")], datetime)
    bundle = client.get(f"/o/{synced.slug}/inbox/export.zip", {"supplier": supplier})
    names = zipfile.ZipFile(io.BytesIO(b"".join(bundle.streaming_content))).namelist()  # type: ignore[attr-defined]
    assert len([name for name in names if name.endswith(".zip")]) == expected
    assert "facturi.csv" in names


def test_search_ignores_case_and_diacritics_and_amounts_read_the_romanian_way(
    synced: Organization, viewer: User
) -> None:
    client = login(viewer)
    bakery = Invoice.objects.filter(organization=synced, seller_name__startswith="Brut")
    assert bakery.exists()
    for typed in ("Brutaria", "brutăria", "BRUTARIA STEFANESCU", "ștefănescu"):
        page = client.get(f"/o/{synced.slug}/inbox/", {"q": typed}).content.decode()
        assert page.count("data-invoice=") == min(bakery.count(), 50), typed
    floor = Decimal("1000.50")
    expected = Invoice.objects.filter(organization=synced, payable__gte=floor).count()
    for typed in ("1000,50", "1.000,50", "1000.50"):
        page = client.get(f"/o/{synced.slug}/inbox/", {"amount_min": typed}).content.decode()
        assert "data-filter-errors" not in page
        assert page.count("data-invoice=") == min(expected, 50), typed
    refused = client.get(f"/o/{synced.slug}/inbox/", {"amount_min": "o mie"}).content.decode()
    assert "data-filter-errors" in refused


def test_an_outsider_sees_nothing(synced: Organization, outsider: User) -> None:
    client = login(outsider)
    invoice = Invoice.objects.filter(organization=synced).first()
    assert invoice is not None
    assert client.get(f"/o/{synced.slug}/inbox/").status_code == 404
    assert client.get(f"/o/{synced.slug}/inbox/{invoice.pk}/original.zip").status_code == 404
    assert client.post(f"/o/{synced.slug}/inbox/sync/now/").status_code == 404


def test_sync_now_runs_the_sync_for_the_organization(
    hub_sandbox: Any, authorized: Organization, owner: User
) -> None:
    client = login(owner)
    response = client.post(f"/o/{authorized.slug}/inbox/sync/now/")
    assert response.status_code == 302
    assert Invoice.objects.filter(organization=authorized).count() == 80
    status = client.get(f"/o/{authorized.slug}/inbox/sync/").content.decode()
    assert "31500030" in status


def test_the_sync_status_reads_write_nothing(
    active_module: Organization, owner: User, outsider: User
) -> None:
    """GIVEN companies never synced WHEN the status page, the inbox list and the API's selector are read
    THEN each company is shown and no sync row is created (the sync creates it, not a view)."""
    from hub.inbox.models import CompanySync
    from hub.inbox.selectors import sync_states_for

    client = login(owner)
    status = client.get(f"/o/{active_module.slug}/inbox/sync/")
    assert status.status_code == 200
    for cif in active_module.companies.values_list("cif", flat=True):
        assert f'data-company="{cif}"' in status.content.decode()
    assert client.get(f"/o/{active_module.slug}/inbox/").status_code == 200
    assert [state.pk for state in sync_states_for(active_module)] == [None] * active_module.companies.count()
    assert not CompanySync.objects.exists()
    assert login(outsider).get(f"/o/{active_module.slug}/inbox/sync/").status_code == 404


def test_the_preferences_page_creates_its_row_only_when_saved(
    active_module: Organization, member: User, outsider: User
) -> None:
    client = login(member)
    url = f"/o/{active_module.slug}/inbox/notifications/"
    page = client.get(url)
    assert page.status_code == 200
    assert '<option value="none" selected>' in page.content.decode()  # the default, unsaved
    assert not InboxPreference.objects.exists()  # reading the page saved nothing

    assert client.post(url, {"notify": NotifyMode.EACH}).status_code == 302
    saved = InboxPreference.objects.get()
    assert (saved.user, saved.organization, saved.notify) == (member, active_module, NotifyMode.EACH)
    assert client.post(url, {"notify": NotifyMode.DIGEST}).status_code == 302
    assert InboxPreference.objects.get().notify == NotifyMode.DIGEST  # the same row, updated
    assert login(outsider).get(url).status_code == 404
    assert InboxPreference.objects.count() == 1


def test_a_search_matching_thousands_shows_an_estimate_on_postgresql_and_pages_by_the_ids(
    active_module: Organization, viewer: User
) -> None:
    from datetime import UTC, timedelta

    from django.db import connection

    from hub.core.text import fold
    from hub.inbox.models import Message
    from hub.inbox.selectors import NARROW

    bakers = NARROW + 100
    start = datetime(2026, 1, 1, tzinfo=UTC)
    target = company(active_module, ALFA)
    messages = Message.objects.bulk_create(
        Message(
            company=target,
            download_id=str(4_000_000 + n),
            direction="received",
            listed_at=start,
            created_at=start + timedelta(minutes=n),
            state="archived",
        )
        for n in range(bakers + 50)
    )
    Invoice.objects.bulk_create(
        Invoice(
            organization=active_module,
            company=target,
            message=message,
            direction="received",
            kind="invoice",
            state="ok",
            number=f"B-{n:05d}",
            seller_name="Brutăria Ștefănescu SRL" if n < bakers else "Fierăria Râșnov SRL",
            received_at=message.created_at,
            search=fold(f"{'Brutăria Ștefănescu SRL' if n < bakers else 'Fierăria Râșnov SRL'} B-{n:05d}"),
            created=message.created_at,
        )
        for n, message in enumerate(messages)
    )
    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum keeps them
        cursor.execute("ANALYZE inbox_invoice" if connection.vendor == "postgresql" else "ANALYZE")
    client = login(viewer)
    base = f"/o/{active_module.slug}/inbox/"
    page = client.get(base, {"q": "brutaria"}).content.decode()
    if connection.vendor == "postgresql":  # not counted past NARROW: the planner's estimate, rounded
        estimate = int(page.split("Aproximativ ", 1)[1].split(" de documente", 1)[0].replace(".", ""))
        assert NARROW < estimate <= 3 * bakers, estimate
        assert estimate % 100 == 0
    else:  # SQLite has no estimate: the exact count up to 10,000
        assert (
            f"{bakers // 1000}.{bakers % 1000:03d} de documente" in page or f"{bakers} de documente" in page
        )
        assert "Aproximativ" not in page
    assert 'page=2">' in page  # a next page
    second = client.get(base, {"q": "brutaria", "page": "2"}).content.decode()
    newest_bakers = Invoice.objects.filter(seller_name__startswith="Brut").order_by("-received_at", "-pk")
    expected = list(newest_bakers.values_list("pk", flat=True)[50:100])
    shown = [int(cell.split('"', 1)[0]) for cell in second.split('data-invoice="')[1:]]
    assert shown == expected
    deep = client.get(base, {"page": "30"}).content.decode()  # every document: 2,150, exact; page 30 of 43
    everything = Invoice.objects.filter(organization=active_module).order_by("-received_at", "-pk")
    assert [int(cell.split('"', 1)[0]) for cell in deep.split('data-invoice="')[1:]] == list(
        everything.values_list("pk", flat=True)[1450:1500]
    )
    viewer.language = "en"
    viewer.save(update_fields=["language"])
    english = client.get(base, {"q": "brutaria"}).content.decode()
    if connection.vendor == "postgresql":
        assert f"About {estimate:,} documents".replace(",", "") in english.replace(",", "")
    else:
        assert f"{bakers:,} documents".replace(",", "") in english.replace(",", "")
