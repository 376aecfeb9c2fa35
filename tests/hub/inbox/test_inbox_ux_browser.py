"""The inbox as people use it, in real Chromium at desktop (1280 px) and phone (390 px, 360 px) widths:
live sync progress from a real Celery worker, filtered exports read back, search without diacritics,
no double creation, and no page wider than the screen."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from celery.contrib.testing.worker import start_worker

from hub.accounts.models import Organization, User
from tests.hub.browser import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    SMALL_PHONE,
    in_thread,
    log_in,
    no_horizontal_scroll,
)
from tests.hub.inbox.helpers import ALFA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_PAGES = {"webhooks/": "webhooks", "api-keys/": "api-keys", "notifications/": "notifications"}


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 4, "seed": 11, "companies": [ALFA]}
    return sandbox_seed


def listed_ids(page: Any) -> list[int]:
    return sorted(
        int(value)
        for value in page.locator("tr[data-invoice]").evaluate_all(
            "rows => rows.map(row => row.dataset.invoice)"
        )
    )


def downloaded(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.locator(selector).click()
    return Path(info.value.path()).read_bytes()


def unaccented_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def test_live_progress_then_search_and_filtered_exports(  # noqa: PLR0917  (pytest fixtures)
    authorized: Organization,
    owner: User,
    hub_sandbox: Any,
    live_server: Any,
    browser: Callable[..., Any],
    settings: Any,
) -> None:
    """GIVEN a real Celery worker and an ANAF that answers each download in 0.7 s
    WHEN the owner presses "Sincronizează acum"
    THEN the page shows the company's sync running with its counters, the list fills in by itself,
    and search and exports then agree with what the list shows."""
    from hub.celery import app
    from hub.inbox.models import Invoice

    hub_sandbox.add_faults({"path": "*/descarcare", "kind": "slow", "seconds": 0.7, "rate": 1.0})
    base, slug = live_server.url, authorized.slug
    app.conf.task_always_eager = False  # the view only enqueues; the worker below runs the sync
    desktop = browser(DESKTOP)
    log_in(desktop, base, owner)
    phone = browser(PHONE)
    log_in(phone, base, owner)
    desktop.goto(f"{base}/o/{slug}/inbox/")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        desktop.get_by_role("button", name="Sincronizează acum").click()
        desktop.locator(f"tr[data-progress='{ALFA}'][data-state=running]").wait_for()
        assert "Se sincronizează cu ANAF" in desktop.content()
        assert desktop.locator("tr[data-invoice]").count() < 8  # the worker is still downloading
        desktop.screenshot(path=str(SCREENSHOTS / "inbox-sync-progress.png"), full_page=True)
        desktop.locator(f"tr[data-progress='{ALFA}'][data-state=ok]").wait_for()
        desktop.locator("tr[data-invoice]").nth(7).wait_for()  # the list filled in without a reload
        # On a phone the progress block fits the screen too (nothing new to download this time).
        phone.goto(f"{base}/o/{slug}/inbox/")
        phone.get_by_role("button", name="Sincronizează acum").click()
        phone.locator(f"tr[data-progress='{ALFA}'][data-state=ok]").wait_for()
        assert phone.locator(f"tr[data-progress='{ALFA}'] [data-field=listed]").is_visible()
        no_horizontal_scroll(phone)
        phone.screenshot(path=str(SCREENSHOTS / "inbox-sync-progress-phone.png"), full_page=True)
    app.conf.task_always_eager = True
    progress = desktop.locator(f"tr[data-progress='{ALFA}']")
    assert progress.locator("[data-field=listed]").inner_text() == "8"
    assert progress.locator("[data-field=downloaded]").inner_text() == "8"
    assert progress.locator("[data-field=failed]").inner_text() == "0"
    everything = listed_ids(desktop)
    assert len(everything) == 8

    seller = in_thread(
        lambda: (
            Invoice.objects.filter(organization=authorized)
            .order_by("pk")
            .values_list("seller_name", flat=True)[0]
        )
    )
    expected = sorted(
        in_thread(
            lambda: list(
                Invoice.objects.filter(organization=authorized, seller_name=seller).values_list(
                    "pk", flat=True
                )
            )
        )
    )
    word = unaccented_upper(seller.split()[0])  # "Brutăria" typed as "BRUTARIA"
    for page, suffix in ((desktop, ""), (phone, "-phone")):
        page.goto(f"{base}/o/{slug}/inbox/")
        page.fill("#id_q", word)
        page.locator("#id_q").press("Enter")
        page.locator(f"[data-export=csv][href*='q={word}']").wait_for()  # the list and its exports refreshed
        shown = listed_ids(page)
        assert shown == expected
        assert len(shown) < len(everything)
        no_horizontal_scroll(page)
        data = downloaded(page, "[data-export=csv]")
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert sorted(int(row["Id"]) for row in rows) == shown
        assert {row["Furnizor"] for row in rows} == {seller}
        workbook = openpyxl.load_workbook(io.BytesIO(downloaded(page, "[data-export=xlsx]")))
        sheet = workbook.active
        assert sheet is not None
        header, *cells = list(sheet.iter_rows(values_only=True))
        assert sorted(row[header.index("Id")] for row in cells) == shown
        assert all(isinstance(row[header.index("De plată")], float | int) for row in cells)
        page.screenshot(path=str(SCREENSHOTS / f"inbox-list{suffix}.png"), full_page=True)


def send_twice_at_once(page: Any, form: str) -> list[int]:
    """Two POSTs of the same form (same one-time token) at the same moment, as a double click sends them."""
    statuses: list[int] = page.evaluate(
        """selector => {
            const form = document.querySelector(selector);
            const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
            return Promise.all([send(), send()]).then(answers => answers.map(answer => answer.status));
        }""",
        form,
    )
    return statuses


def test_a_double_click_or_f5_creates_once(
    authorized: Organization, owner: User, live_server: Any, browser: Callable[..., Any], settings: Any
) -> None:
    from django.core import mail

    from hub.accounts.models import Company, Invitation
    from hub.api.models import ApiKey
    from hub.webhooks.models import Endpoint

    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True
    base, slug = live_server.url, authorized.slug
    page = browser(DESKTOP)
    log_in(page, base, owner)

    page.goto(f"{base}/o/{slug}/api-keys/")
    page.fill("#name", "contabilitate")
    assert send_twice_at_once(page, "form[data-once]") == [200, 200]
    assert in_thread(lambda: ApiKey.objects.filter(organization=authorized).count()) == 1
    page.get_by_role("button", name="Creează cheie API").click()  # the same page, the same token: refused
    assert "Formularul a fost deja trimis" in page.content()
    page.fill("#name", "erp")
    page.get_by_role("button", name="Creează cheie API").dblclick()
    page.locator("[data-field=api-key]").wait_for()
    page.reload()  # F5 after the redirect asks for the page again, it does not send the form
    assert page.locator("[data-field=api-key]").count() == 0  # the key is shown once
    names = in_thread(
        lambda: sorted(ApiKey.objects.filter(organization=authorized).values_list("name", flat=True))
    )
    assert names == ["contabilitate", "erp"]

    page.goto(f"{base}/o/{slug}/webhooks/")
    page.fill("#url", "http://127.0.0.1:9/efactura")
    assert send_twice_at_once(page, "form[data-once]") == [200, 200]
    page.goto(f"{base}/o/{slug}/webhooks/")
    page.fill("#url", "http://127.0.0.1:9/efactura-2")
    page.get_by_role("button", name="Adaugă webhook").dblclick()
    page.locator("[data-field=secret]").wait_for()
    page.reload()
    urls = in_thread(
        lambda: sorted(Endpoint.objects.filter(organization=authorized).values_list("url", flat=True))
    )
    assert urls == ["http://127.0.0.1:9/efactura", "http://127.0.0.1:9/efactura-2"]

    page.goto(f"{base}/o/{slug}/members/")
    page.fill("#id_email", "dublu@firma.ro")
    assert send_twice_at_once(page, "#member-add") == [200, 200]
    page.goto(f"{base}/o/{slug}/members/")
    page.fill("#id_email", "dublu-2@firma.ro")
    page.locator("#member-add button[type=submit]").dblclick()
    page.locator('tr[data-invited="dublu-2@firma.ro"]').wait_for()
    page.reload()
    invited = in_thread(
        lambda: sorted(Invitation.objects.filter(organization=authorized).values_list("email", flat=True))
    )
    assert invited == ["dublu-2@firma.ro", "dublu@firma.ro"]
    assert sorted(message.to[0] for message in mail.outbox if message.to[0] in invited) == invited  # one each

    before = in_thread(lambda: Company.objects.filter(organization=authorized).count())
    page.goto(f"{base}/o/{slug}/integrations/ro-efactura/configure/")
    page.fill("input[name=cif]", "18547290")
    assert send_twice_at_once(page, "#company-list form[data-once]") == [200, 200]
    page.goto(f"{base}/o/{slug}/integrations/ro-efactura/configure/")
    page.fill("input[name=cif]", "14399840")
    page.fill("input[name=name]", "Dublu Clic SRL")
    page.get_by_role("button", name="Adaugă firma").dblclick()
    page.locator('#company-list tr[data-cif="14399840"]').wait_for()
    page.reload()
    assert page.locator('#company-list tr[data-cif="14399840"]').count() == 1
    assert in_thread(lambda: Company.objects.filter(organization=authorized).count()) == before + 2

    phone = browser(PHONE)  # the same on a phone: a double tap invites once and adds one key
    log_in(phone, base, owner)
    phone.goto(f"{base}/o/{slug}/members/")
    phone.fill("#id_email", "telefon@firma.ro")
    phone.locator("#member-add button[type=submit]").dblclick()
    phone.locator('tr[data-invited="telefon@firma.ro"]').wait_for()
    no_horizontal_scroll(phone)
    phone.goto(f"{base}/o/{slug}/api-keys/")
    phone.fill("#name", "telefon")
    phone.get_by_role("button", name="Creează cheie API").dblclick()
    phone.locator("[data-field=api-key]").wait_for()
    no_horizontal_scroll(phone)
    assert in_thread(lambda: Invitation.objects.filter(email="telefon@firma.ro").count()) == 1
    assert in_thread(lambda: ApiKey.objects.filter(organization=authorized, name="telefon").count()) == 1


def test_every_main_page_fits_a_phone(
    authorized: Organization, owner: User, live_server: Any, browser: Callable[..., Any]
) -> None:
    from hub.inbox.models import Invoice
    from hub.inbox.services.sync import inbox_sync_company
    from tests.hub.inbox.helpers import company

    assert in_thread(lambda: inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome) == "ok"
    invoice_id = in_thread(
        lambda: Invoice.objects.filter(organization=authorized).values_list("pk", flat=True)[0]
    )
    base, slug = live_server.url, authorized.slug
    pages = [
        f"/o/{slug}/integrations/",
        f"/o/{slug}/integrations/ro-efactura/",
        f"/o/{slug}/inbox/",
        f"/o/{slug}/inbox/{invoice_id}/",
        f"/o/{slug}/inbox/sync/",
        f"/o/{slug}/inbox/notifications/",
        f"/o/{slug}/notifications/",
        f"/o/{slug}/webhooks/",
        f"/o/{slug}/api-keys/",
        f"/o/{slug}/members/",
        "/account/",
        "/organizations/new/",
    ]
    for viewport in (SMALL_PHONE, PHONE, DESKTOP):
        page = browser(viewport)
        page.goto(f"{base}/login/")
        no_horizontal_scroll(page)
        log_in(page, base, owner)
        for path in pages:
            response = page.goto(f"{base}{path}")
            assert response is not None
            assert response.ok, path
            no_horizontal_scroll(page)
            shot = SCREENSHOT_PAGES.get(path.removeprefix(f"/o/{slug}/"))
            if shot and viewport is not SMALL_PHONE:
                suffix = "-phone" if viewport is PHONE else ""
                page.screenshot(path=str(SCREENSHOTS / f"{shot}{suffix}.png"), full_page=True)
        if viewport is DESKTOP:
            page.goto(f"{base}/o/{slug}/inbox/sync/")
            table = page.locator("[data-table=sync-status]")
            assert table.evaluate(
                "t => t.getBoundingClientRect().right <= t.closest('.card').getBoundingClientRect().right"
            )
            assert (
                page.locator(f"tr[data-company='{ALFA}'] input[name$=interval_minutes]").input_value() != ""
            )
            page.screenshot(path=str(SCREENSHOTS / "inbox-sync.png"), full_page=True)
            continue
        page.goto(f"{base}/o/{slug}/inbox/")
        menu = page.get_by_role("link", name="Facturi primite").or_(page.locator("header nav a").nth(1))
        assert not page.locator("header nav").is_visible()  # folded behind the menu button
        page.locator("[data-action=menu]").click()
        assert page.locator("header nav").is_visible()
        assert menu.first.is_visible()
        no_horizontal_scroll(page)
        if viewport is PHONE:
            page.goto(f"{base}/o/{slug}/inbox/sync/")
            page.screenshot(path=str(SCREENSHOTS / "inbox-sync-phone.png"), full_page=True)
            page.goto(f"{base}/o/{slug}/inbox/{invoice_id}/")
            page.screenshot(path=str(SCREENSHOTS / "inbox-invoice-phone.png"), full_page=True)
