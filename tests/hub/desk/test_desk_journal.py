"""The purchases journal and the exports, on a month of sandbox traffic plus supplier documents built with
several VAT rates, credit notes and reverse charge, all downloaded by the real sync over HTTP."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client

from hub.accounts.models import Organization, User
from hub.desk.exports import export_invoices
from hub.desk.journal import purchases_journal, sign_of
from hub.desk.journal_files import journal_xlsx
from hub.desk.models import ExportMapping, InvoiceReview, ReviewEntry, ReviewState
from hub.inbox.documents import original_zip
from hub.inbox.models import Direction, DocumentKind, Invoice, InvoiceVat
from hub.inbox.services.sync import inbox_sync_company
from hub.webhooks import services as webhook_services
from hub.webhooks.models import Delivery
from tests.hub.browser import DESKTOP, PHONE, SCREENSHOTS, in_thread, log_in, no_horizontal_scroll
from tests.hub.desk.journal_docs import supplier_document
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)
BUCHAREST = ZoneInfo("Europe/Bucharest")


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 1,
        "days": 35,
        "seed": 11,
        "credit_note_ratio": 0.2,
        "companies": [ALFA],
    }
    return sandbox_seed


def _month_before(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month


@pytest.fixture
def month(hub_sandbox: Any) -> tuple[int, int]:
    """The month before the sandbox's today: the traffic covers it; the built documents are issued in it."""
    return _month_before(hub_sandbox.now().astimezone(BUCHAREST).date())


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization, month: tuple[int, int], settings: Any) -> Organization:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = (
        True  # nothing listens there: the delivery rows are the payloads
    )
    year, number = month
    day = date(year, number, 1)
    documents = [
        # several rates, exempt, a rate outside the list (20 %), reverse charge, intra-EU, outside the scope
        supplier_document(
            "FCT-J-001",
            day + timedelta(days=2),
            [
                ("100.10", "3", "S", "21"),
                ("33.33", "1", "S", "9"),
                ("12.35", "3", "S", "5"),
                ("10", "1", "E", "0"),
                ("5", "2", "S", "20"),
                ("1", "1", "Z", "0"),
            ],
            buyer_cif=ALFA,
        ),
        supplier_document(
            "FCT-J-002",
            day + timedelta(days=5),
            [("250", "2", "S", "19"), ("99.99", "1", "S", "11")],
            seller_cif="14399840",
            buyer_cif=ALFA,
        ),
        supplier_document("FCT-J-003", day + timedelta(days=6), [("1200", "1", "AE", "0")], buyer_cif=ALFA),
        supplier_document("FCT-J-004", day + timedelta(days=7), [("340", "1", "K", "0")], buyer_cif=ALFA),
        supplier_document("FCT-J-005", day + timedelta(days=8), [("75.5", "1", "O", None)], buyer_cif=ALFA),
        supplier_document(
            "NC-J-001", day + timedelta(days=9), [("100", "1", "S", "21")], buyer_cif=ALFA, credit_note=True
        ),
        # a correction filed as an invoice with negative amounts
        supplier_document("FCT-J-006", day + timedelta(days=10), [("40", "-2", "S", "19")], buyer_cif=ALFA),
        # issued the month before: not in this journal
        supplier_document("FCT-J-000", day - timedelta(days=3), [("500", "1", "S", "21")], buyer_cif=ALFA),
    ]
    hub_sandbox.add_messages(
        *({"cif": ALFA, "direction": "received", "xml": xml.decode(), "age_days": 1} for xml in documents)
    )
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    webhook_services.endpoint_create(
        organization=authorized, url="http://127.0.0.1:9/hook", events=["invoice.received.booked"]
    )
    return authorized


def _own_breakdown(
    organization: Organization, first: date, last: date
) -> tuple[Decimal, Decimal, dict[Any, Any]]:
    """What the invoices themselves say (BG-23), signed as the journal signs a credit note, refused out."""
    base = vat = Decimal(0)
    per_rate: dict[Any, Decimal] = {}
    rows = InvoiceVat.objects.filter(
        invoice__organization=organization,
        invoice__direction=Direction.RECEIVED,
        invoice__kind__in=(DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE),
        invoice__issue_date__gte=first,
        invoice__issue_date__lte=last,
    ).exclude(invoice__review__state=ReviewState.REFUSED)
    for row in rows.select_related("invoice"):
        sign = sign_of(row.invoice)
        base += (row.taxable or 0) * sign
        vat += (row.tax or 0) * sign
        key = row.rate.normalize() if row.category in ("S", "Z") else row.category
        per_rate[key] = per_rate.get(key, Decimal(0)) + (row.tax or 0) * sign
    return base, vat, per_rate


def test_journal_reconciles_with_the_invoices_own_vat_breakdowns(
    synced: Organization, month: tuple[int, int], member: User, tmp_path: Any
) -> None:
    year, number = month
    alfa = company(synced, ALFA)
    client = login(member)
    refused = Invoice.objects.get(number="FCT-J-005")
    client.get(f"/o/{synced.slug}/desk/")  # opens the reviews
    client.post(
        f"/o/{synced.slug}/desk/bulk/",
        {"action": "refuse", "invoice": [refused.pk], "reason": "Nu e a noastră"},
    )

    journal = purchases_journal(alfa, year, number)
    assert len(journal.rows) > 10  # the traffic of the month and the built documents
    numbers = [row.invoice.number for row in journal.rows]
    assert "FCT-J-000" not in numbers  # issued the month before
    assert "FCT-J-005" not in numbers  # refused
    assert {"FCT-J-001", "FCT-J-003", "FCT-J-004", "NC-J-001", "FCT-J-006"} <= set(numbers)
    assert [row.invoice.issue_date for row in journal.rows] == sorted(
        row.invoice.issue_date for row in journal.rows
    )
    assert all(row.invoice.issue_date.month == number for row in journal.rows)

    keys = [column.key for column in journal.columns]
    for fixed in ("r21", "r19", "r11", "r9", "r5", "r0"):
        assert f"base_{fixed}" in keys
        assert f"vat_{fixed}" in keys
    assert {"base_r20", "vat_r20"} <= set(keys)  # a rate outside the list keeps its own column
    assert keys.index("vat_r21") < keys.index("base_r20") < keys.index("base_r19")
    assert {"base_cE", "base_cAE", "base_cO", "base_cK"} <= set(keys)
    assert "base_cG" not in keys  # no export invoice this month: no empty column for it

    first, last = journal.first_day, journal.last_day
    base, vat, per_rate = _own_breakdown(synced, first, last)
    totals = journal.totals["RON"]
    assert list(journal.totals) == ["RON"]
    assert sum(totals[c.key] for c in journal.columns if not c.is_vat) == base == totals["base"]
    assert sum(totals[c.key] for c in journal.columns if c.is_vat) == vat == totals["vat"]
    for key, amount in per_rate.items():
        column = f"vat_r{key:f}" if isinstance(key, Decimal) else f"vat_c{key}"
        assert totals.get(column, Decimal(0)) == amount, column

    by_number = {row.invoice.number: row for row in journal.rows}
    credit = by_number["NC-J-001"]
    assert credit.amounts["base_r21"] == Decimal("-100.00")
    assert credit.amounts["vat_r21"] == Decimal("-21.00")
    assert credit.total == Decimal("-121.00")
    assert by_number["FCT-J-006"].amounts["base_r19"] == Decimal("-80.00")  # its own sign kept
    assert by_number["FCT-J-003"].amounts["base_cAE"] == Decimal("1200.00")
    assert by_number["FCT-J-001"].amounts["vat_r20"] == Decimal("2.00")
    # Each row adds up to the invoice's own totals too.
    for row in journal.rows:
        assert sum(v for k, v in row.amounts.items() if k.startswith("vat_")) == row.signed(row.invoice.tax)
        assert sum(v for k, v in row.amounts.items() if k.startswith("base_")) == row.signed(
            row.invoice.tax_exclusive
        )

    # The page, the workbook and the PDF say the same.
    query = {"company": alfa.pk, "month": f"{year:04d}-{number:02d}"}
    page = client.get(f"/o/{synced.slug}/desk/journal/", query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Jurnal de cumpărări" in text
    assert text.count("data-journal-row=") == len(journal.rows)

    workbook = client.get(f"/o/{synced.slug}/desk/journal/", {**query, "format": "xlsx"})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    header = list(cells[1])
    assert header[:3] == ["Nr.", "Data emiterii", "Număr"]
    assert {"Bază 21 %", "TVA 20 %", "Bază taxare inversă (AE)"} <= set(header)
    body = cells[2 : 2 + len(journal.rows)]
    total_row = cells[2 + len(journal.rows)]
    assert total_row[0] == "Total"
    for index, title in enumerate(header):
        if title.startswith(("Bază", "TVA")):
            column_sum = sum(Decimal(str(row[index] or 0)) for row in body)
            assert column_sum.quantize(Decimal("0.01")) == Decimal(str(total_row[index])).quantize(
                Decimal("0.01")
            ), title
    read_vat = sum(Decimal(str(total_row[i])) for i, t in enumerate(header) if t.startswith("TVA"))
    assert read_vat.quantize(Decimal("0.01")) == vat

    english = openpyxl.load_workbook(io.BytesIO(journal_xlsx(journal, language="en"))).active
    english_header = next(english.iter_rows(min_row=2, max_row=2, values_only=True))
    assert english_header[:3] == ("No.", "Issue date", "Number")
    assert {"Base 21 %", "VAT 20 %", "Base reverse charge (AE)"} <= set(english_header)

    pdf = client.get(f"/o/{synced.slug}/desk/journal/", {**query, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF-")
    path = tmp_path / "journal.pdf"
    path.write_bytes(pdf.content)
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Jurnal de cumpărări" in pdf_text
    assert "NC-J-001" in pdf_text
    for key in ("vat_r21", "base_r19", "base_cAE"):  # the totals row, written the Romanian way
        assert f"{totals[key]:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") in pdf_text, key


def _export(client: Client, slug: str, month: tuple[int, int], **options: Any) -> Any:
    year, number = month
    first = date(year, number, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    data = {"date_from": first.isoformat(), "date_to": last.isoformat(), **options}
    return client.post(f"/o/{slug}/desk/exports/", data)


def test_exports_with_a_saved_mapping_then_mark_booked_and_only_new(
    synced: Organization, month: tuple[int, int], member: User, viewer: User
) -> None:
    client = login(member)
    slug = synced.slug
    alfa = company(synced, ALFA)

    # a mapping made in the page, its columns chosen from the fields, reordered by their numbers
    created = client.post(
        f"/o/{slug}/desk/exports/mappings/new/",
        {
            "name": "Program contabil X",
            "position_0": "3",
            "field_0": "total",
            "header_0": "Valoare totala",
            "position_1": "1",
            "field_1": "issue_date",
            "header_1": "Data doc",
            "position_2": "2",
            "field_2": "supplier_cif",
            "header_2": "",
            "position_3": "4",
            "field_3": "vat_r21",
            "header_3": "TVA 21",
            "position_4": "5",
            "field_4": "",
            "header_4": "ignored",
        },
    )
    assert created.status_code == 302
    mapping = ExportMapping.objects.get(organization=synced)
    assert [column["field"] for column in mapping.columns] == [
        "issue_date",
        "supplier_cif",
        "total",
        "vat_r21",
    ]
    # a second one with the same name is refused, in Romanian
    again = client.post(
        f"/o/{slug}/desk/exports/mappings/new/", {"name": "Program contabil X", "field_0": "total"}
    )
    assert again.status_code == 400
    assert "Există deja o corespondență cu acest nume." in again.content.decode()

    expected = list(
        export_invoices(
            synced, company=alfa, date_from=date(*month, 1), date_to=date(*month, 28) + timedelta(days=3)
        )
    )
    expected = [invoice for invoice in expected if invoice.issue_date.month == month[1]]
    response = _export(client, slug, month, company=alfa.pk, file_format="csv", mapping=f"saved:{mapping.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Data doc", "CIF furnizor", "Valoare totala", "TVA 21"]
    assert len(rows) - 1 == len(expected)
    by_cif_total = {(row[1], row[2]) for row in rows[1:]}
    credit = Invoice.objects.get(number="NC-J-001")
    assert (credit.seller_cif, "-121.00".replace(".", ",")) in by_cif_total
    assert all(len(row[0]) == 10 and row[0][2] == "." and row[0][5] == "." for row in rows[1:])  # dd.mm.yyyy
    total_vat = sum(Decimal(row[3].replace(",", ".")) for row in rows[1:])
    journal = purchases_journal(alfa, *month)
    assert total_vat == journal.totals["RON"]["vat_r21"]

    # XLSX with a preset, read back
    response = _export(client, slug, month, company=alfa.pk, file_format="xlsx", mapping="preset:by_rate")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:3] == ("Data", "Numar document", "Tip")
    assert len(cells) - 1 == len(expected)
    assert "381" in {row[2] for row in cells[1:]}
    assert all(isinstance(row[0], datetime) for row in cells[1:])  # real dates, not text
    total_index = cells[0].index("Total")
    assert (
        sum(Decimal(str(row[total_index])) for row in cells[1:]).quantize(Decimal("0.01"))
        == journal.totals["RON"]["total"]
    )

    # a viewer exports but may not book
    viewer_client = login(viewer)
    denied = _export(viewer_client, slug, month, file_format="csv", mapping="preset:all", mark_booked="on")
    assert denied.status_code == 403
    assert not InvoiceReview.objects.filter(state=ReviewState.BOOKED).exists()

    # ZIP of the originals, marked as booked on the way: the desk's transition, trail and webhooks
    response = _export(
        client,
        slug,
        month,
        company=alfa.pk,
        file_format="zip",
        mapping=f"saved:{mapping.pk}",
        layout="company/year/month/supplier",
        only_not_booked="on",
        mark_booked="on",
    )
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    names = bundle.namelist()
    assert "facturi.csv" in names
    assert len(names) == len(expected) + 1
    sample = Invoice.objects.get(number="FCT-J-002")
    [path] = [name for name in names if f"{sample.message.download_id}.zip" in name]
    assert path.split("/")[:4] == [
        "16000015 Alfa Construcții Ardeal SRL",
        f"{month[0]}",
        f"{month[1]:02d}",
        "Materiale Ardeal SA (14399840)",
    ]
    assert bundle.read(path) == original_zip(sample)
    booked = InvoiceReview.objects.filter(state=ReviewState.BOOKED)
    assert set(booked.values_list("invoice_id", flat=True)) == {invoice.pk for invoice in expected}
    assert ReviewEntry.objects.filter(to_state=ReviewState.BOOKED, user=member).count() == len(expected)
    assert Delivery.objects.filter(event="invoice.received.booked").count() == len(expected)

    # the next export of only the not yet booked ones is empty
    nothing = _export(
        client, slug, month, company=alfa.pk, file_format="csv", mapping="preset:all", only_not_booked="on"
    )
    assert nothing.status_code == 200
    assert nothing["Content-Type"].startswith("text/html")
    assert "Nicio factură de exportat" in nothing.content.decode()

    # a viewer may not change mappings; the owner's edit page shows the saved columns in their order
    assert viewer_client.get(f"/o/{slug}/desk/exports/mappings/new/").status_code == 403
    assert viewer_client.post(f"/o/{slug}/desk/exports/mappings/{mapping.pk}/delete/").status_code == 403
    form = client.get(f"/o/{slug}/desk/exports/mappings/{mapping.pk}/").content.decode()
    assert form.index('value="Data doc"') < form.index('value="CIF furnizor"') < form.index('value="TVA 21"')

    # edit, then delete the mapping
    edited = client.post(
        f"/o/{slug}/desk/exports/mappings/{mapping.pk}/",
        {"name": "Program contabil Y", "position_0": "1", "field_0": "number", "header_0": "Nr"},
    )
    assert edited.status_code == 302
    mapping.refresh_from_db()
    assert (mapping.name, mapping.columns) == ("Program contabil Y", [{"field": "number", "header": "Nr"}])
    assert client.post(f"/o/{slug}/desk/exports/mappings/{mapping.pk}/delete/").status_code == 302
    assert not ExportMapping.objects.exists()


def test_bad_input_is_refused_in_romanian_and_nothing_is_lost(synced: Organization, member: User) -> None:
    client = login(member)
    slug = synced.slug
    page = client.get(f"/o/{slug}/desk/journal/", {"month": "2026-13"})
    assert "Alege o lună ca AAAA-LL" in page.content.decode()
    bad = client.post(
        f"/o/{slug}/desk/exports/",
        {"date_from": "2026-11-30", "date_to": "2026-11-01", "file_format": "csv", "mapping": "preset:all"},
    )
    assert bad.status_code == 400
    assert "Perioada se termină înainte să înceapă." in bad.content.decode()
    assert 'value="2026-11-30"' in bad.content.decode()  # the form keeps what was typed
    alfa = company(synced, ALFA)
    quiet = client.get(f"/o/{slug}/desk/journal/", {"company": alfa.pk, "month": "2019-02"})
    assert "Nicio factură primită nu a fost emisă în această lună." in quiet.content.decode()
    quiet_pdf = client.get(
        f"/o/{slug}/desk/journal/", {"company": alfa.pk, "month": "2019-02", "format": "pdf"}
    )
    assert quiet_pdf.content.startswith(b"%PDF-")
    empty = client.post(f"/o/{slug}/desk/exports/mappings/new/", {"name": "Gol"})
    assert empty.status_code == 400
    assert "Alege cel puțin o coloană." in empty.content.decode()


def test_other_organizations_see_nothing(synced: Organization, member: User, outsider: User) -> None:
    mapping = ExportMapping.objects.create(
        organization=synced, name="Al nostru", columns=[{"field": "number", "header": "Nr"}]
    )
    other = login(outsider)
    slug = synced.slug
    assert other.get(f"/o/{slug}/desk/journal/").status_code == 404
    assert other.get(f"/o/{slug}/desk/exports/").status_code == 404
    assert other.post(f"/o/{slug}/desk/exports/", {"file_format": "csv"}).status_code == 404
    assert other.get(f"/o/{slug}/desk/exports/mappings/{mapping.pk}/").status_code == 404
    assert other.post(f"/o/{slug}/desk/exports/mappings/{mapping.pk}/delete/").status_code == 404
    assert ExportMapping.objects.filter(pk=mapping.pk).exists()

    # in their own organization, neither our mapping nor our companies exist
    own = outsider.memberships.get().organization
    assert other.get(f"/o/{own.slug}/desk/exports/mappings/{mapping.pk}/").status_code == 404
    foreign = other.post(
        f"/o/{own.slug}/desk/exports/",
        {
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "file_format": "csv",
            "mapping": f"saved:{mapping.pk}",
            "company": company(synced, ALFA).pk,
        },
    )
    assert foreign.status_code == 400
    assert not export_invoices(
        own, company=None, date_from=date(2000, 1, 1), date_to=date(2100, 1, 1)
    ).exists()
    journal = other.get(
        f"/o/{own.slug}/desk/journal/", {"company": company(synced, ALFA).pk, "month": "2026-11"}
    )
    assert journal.status_code == 200
    assert "data-journal-row" not in journal.content.decode()


def test_journal_and_export_pages_in_a_browser_at_desktop_and_phone_width(
    synced: Organization,
    month: tuple[int, int],
    member: User,
    live_server: Any,
    browser: Callable[..., Any],
) -> None:
    """The accountant picks the month, reads the journal, downloads it, then exports the not yet booked
    invoices as CSV and marks them booked, on a desktop and on a phone."""
    base, slug = live_server.url, synced.slug
    year, number = month
    alfa = in_thread(company, synced, ALFA)
    expected = in_thread(lambda: len(purchases_journal(alfa, year, number).rows))

    desktop = browser(DESKTOP)
    log_in(desktop, base, member)
    desktop.goto(f"{base}/o/{slug}/desk/")
    desktop.get_by_role("link", name="Jurnal de cumpărări").first.click()
    desktop.fill("#id_month", f"{year:04d}-{number:02d}")
    desktop.select_option("#id_company", str(alfa.pk))
    desktop.get_by_role("button", name="Arată").click()
    desktop.locator("[data-journal-table]").wait_for()
    assert desktop.locator("tr[data-journal-row]").count() == expected
    assert desktop.locator("tr[data-journal-total=RON]").is_visible()
    no_horizontal_scroll(desktop)
    desktop.screenshot(path=str(SCREENSHOTS / "desk-journal.png"), full_page=True)
    with desktop.expect_download() as info:
        desktop.locator("[data-action=journal-xlsx]").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet.max_row == expected + 3  # title, header, rows, one totals row

    phone = browser(PHONE)
    log_in(phone, base, member)
    phone.goto(f"{base}/o/{slug}/desk/journal/?company={alfa.pk}&month={year:04d}-{number:02d}")
    phone.locator("[data-journal-table]").wait_for()
    no_horizontal_scroll(phone)  # the wide table scrolls inside its own box
    assert phone.locator("[data-action=journal-pdf]").is_visible()
    phone.screenshot(path=str(SCREENSHOTS / "desk-journal-phone.png"), full_page=True)

    phone.goto(f"{base}/o/{slug}/desk/exports/")
    no_horizontal_scroll(phone)
    phone.fill("#id_date_from", date(year, number, 1).isoformat())
    phone.fill("#id_date_to", (date(year, number, 28) + timedelta(days=4)).replace(day=1).isoformat())
    phone.select_option("#id_company", str(alfa.pk))
    phone.select_option("#id_file_format", "csv")
    phone.select_option("#id_mapping", "preset:all")
    phone.check("#id_only_not_booked")
    phone.check("#id_mark_booked")
    phone.screenshot(path=str(SCREENSHOTS / "desk-exports-phone.png"), full_page=True)
    with phone.expect_download() as info:
        phone.get_by_role("button", name="Exportă").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "CIF companie"
    assert {"Furnizor", "Număr", "Data emiterii", "Bază 21 %", "TVA 21 %"} <= set(rows[0])
    exported = len(rows) - 1
    assert exported >= expected  # the month and the first day of the next one
    booked = in_thread(lambda: InvoiceReview.objects.filter(state=ReviewState.BOOKED).count())
    assert booked == exported

    assert f"{exported} de facturi schimbate" in phone_messages(phone, base, slug)


def phone_messages(page: Any, base: str, slug: str) -> str:
    """The messages the export left for the next page (the download itself shows none)."""
    page.goto(f"{base}/o/{slug}/desk/exports/")
    return str(page.content())


def test_the_api_serves_the_journal_and_exports_of_its_own_organization(
    synced: Organization, month: tuple[int, int], owner: User, outsider: User
) -> None:
    from hub.api.services import api_key_create

    _row, key = api_key_create(organization=synced, name="erp", scopes=["read"], user=owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    alfa = company(synced, ALFA)
    year, number = month
    body = api.get("/api/v1/journal", {"company": alfa.pk, "month": f"{year:04d}-{number:02d}"}).json()
    journal = purchases_journal(alfa, year, number)
    assert len(body["rows"]) == len(journal.rows)
    assert body["totals"]["RON"]["vat"] == str(journal.totals["RON"]["vat"])
    assert {"base_r20", "base_cAE"} <= {column["key"] for column in body["columns"]}
    credit = next(row for row in body["rows"] if row["number"] == "NC-J-001")
    assert credit["amounts"]["vat_r21"] == "-21.00"
    assert api.get("/api/v1/journal", {"company": alfa.pk, "month": "2026-13"}).status_code == 422

    first = date(year, number, 1)
    query = {
        "company": alfa.pk,
        "date_from": first.isoformat(),
        "date_to": (first + timedelta(days=9)).isoformat(),
    }
    exported = api.get("/api/v1/exports", {**query, "mapping": "preset:by_rate"})
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Data"
    assert len(rows) - 1 == sum(
        1 for row in journal.rows if row.invoice.issue_date <= first + timedelta(days=9)
    )
    workbook = api.get("/api/v1/exports", {**query, "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).active.max_row == len(rows)
    assert api.get("/api/v1/exports", {**query, "format": "pdf"}).status_code == 422

    _row, foreign_key = api_key_create(
        organization=outsider.memberships.get().organization, name="x", scopes=["read"], user=outsider
    )
    foreign = Client(HTTP_AUTHORIZATION=f"Bearer {foreign_key}")
    assert foreign.get("/api/v1/journal", {"company": alfa.pk, "month": "2026-11"}).status_code == 404
    assert foreign.get("/api/v1/exports", query).status_code == 404
    mapping = ExportMapping.objects.create(
        organization=synced, name="X", columns=[{"field": "number", "header": "Nr"}]
    )
    assert api.get("/api/v1/exports", {**query, "mapping": f"saved:{mapping.pk}"}).status_code == 200
    own_query = {k: v for k, v in query.items() if k != "company"}
    assert foreign.get("/api/v1/exports", {**own_query, "mapping": f"saved:{mapping.pk}"}).status_code == 404
