"""Two certificates in one organization, in real Chromium at desktop (1280 px) and phone (390 px) widths:
each serves its companies, both are listed with them, the owner switches a company, and the inbox sync of
every company uses its own authorization's token (the sandbox's call log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.inbox.models import Invoice
from tests.hub.browser import SCREENSHOTS, WIDTHS, in_thread
from tests.hub.helpers import CALLBACK_PATH, OLD_CERT, PASSWORD
from tests.hub.inbox.helpers import ALFA, BUCATARIA, TESATORIA
from tests.hub.integrations.ro_efactura.test_browser import _authorize_in_popup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTANT_CERT = "1c:00:00:07:42:de:30:03:9a:00:00:00:03:7c"
LIST_PATH = "/test/FCTEL/rest/listaMesajePaginatieFactura"


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any], live_server: Any) -> dict[str, Any]:
    sandbox_seed["apps"][0]["redirect_uris"].append(f"{live_server.url}{CALLBACK_PATH}")
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 1,
        "days": 2,
        "seed": 7,
        "companies": [ALFA, BUCATARIA, TESATORIA],
    }
    return sandbox_seed


@pytest.fixture(params=list(WIDTHS))
def page(  # noqa: PLR0917  (pytest fixtures)
    request: Any,
    hub_sandbox: Any,
    live_server: Any,
    settings: Any,
    active_module: Organization,
    browser: Callable[..., Any],
) -> Any:
    settings.ANAF_REDIRECT_URI = f"{live_server.url}{CALLBACK_PATH}"
    return browser(WIDTHS[request.param])


def _served(page: Any, serial: str) -> str:
    return str(page.locator(f'li.authorization[data-serial="{serial}"] [data-field="serves"]').inner_text())


def _fits(page: Any, selector: str) -> None:
    """Nothing of `selector` is wider than the viewport (no sideways scrolling on a phone)."""
    for index in range(page.locator(selector).count()):
        box = page.locator(selector).nth(index).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= page.viewport_size["width"] + 1, (selector, index, box)


def test_two_certificates_serve_different_companies_in_chromium(
    hub_sandbox: Any, live_server: Any, active_module: Organization, owner: User, page: Any
) -> None:
    hub_sandbox.set_rights(ACCOUNTANT_CERT, [TESATORIA, BUCATARIA])
    base, slug = live_server.url, active_module.slug
    module = f"{base}/o/{slug}/integrations/ro-efactura/"
    page.goto(f"{base}/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.goto(module)

    # Certificate A: Alfa and Bucătăria
    _authorize_in_popup(page, OLD_CERT, ["1234"])
    page.wait_for_selector(".messages .success")
    assert page.locator("li.authorization").count() == 1
    assert "Alfa Construcții Ardeal SRL" in _served(page, OLD_CERT)
    assert "Bucătăria Veche a Bunicii SRL" in _served(page, OLD_CERT)

    # Certificate B is added: it serves Țesătoria and could serve Bucătăria, which stays with A
    _authorize_in_popup(page, ACCOUNTANT_CERT, ["0000"])
    message = page.locator(".messages .success").inner_text()
    assert f"certificatul {ACCOUNTANT_CERT} a fost adăugat" in message
    assert "Deservește: Țesătoria Mureș SA (31500030)" in message
    assert "Are drepturi SPV și pentru Bucătăria Veche a Bunicii SRL (29000025)" in message
    assert page.locator("li.authorization").count() == 2
    assert "Țesătoria Mureș SA" in _served(page, ACCOUNTANT_CERT)
    assert "Bucătăria" not in _served(page, ACCOUNTANT_CERT)
    assert "Bucătăria Veche a Bunicii SRL" in _served(page, OLD_CERT)
    for serial in (OLD_CERT, ACCOUNTANT_CERT):
        item = page.locator(f'li.authorization[data-serial="{serial}"]')
        for field in ("person", "authorized-at", "access-expires", "serial"):
            assert item.locator(f'[data-field="{field}"]').inner_text().strip() not in ("", "—")
        assert item.get_by_role("link", name="Revocă autorizarea").is_visible()
        assert item.get_by_role("button", name="Reautorizează cu acest certificat").is_visible()
    assert page.locator('[data-testid="green-check"]').is_visible()
    _fits(page, "li.authorization")
    _fits(page, "#companies")
    page.screenshot(
        path=str(SCREENSHOTS / f"ro-efactura-doua-autorizari-{page.viewport_size['width']}.png"),
        full_page=True,
    )

    # The owner moves Bucătăria to certificate B (POST, then the module page again)
    row = page.locator(f'tr[data-cif="{BUCATARIA}"]')
    row.locator("select").select_option(label=f"{ACCOUNTANT_CERT} · Ana Proprietar")
    row.get_by_role("button", name="Schimbă").click()
    page.wait_for_url(module)
    assert "este deservită acum de autorizarea certificatului" in page.locator(".messages").inner_text()
    assert "Bucătăria Veche a Bunicii SRL" in _served(page, ACCOUNTANT_CERT)
    assert "Bucătăria" not in _served(page, OLD_CERT)
    assert (
        row.locator('[data-field="served-by"] span[data-serial]').get_attribute("data-serial")
        == ACCOUNTANT_CERT
    )

    # The inbox sync works for every company, each on its own authorization's token
    calls_before = len(hub_sandbox.calls(LIST_PATH))
    page.goto(f"{base}/o/{slug}/inbox/")
    page.get_by_role("button", name="Sincronizează acum").click()
    page.wait_for_selector("tr[data-invoice]")
    synced = in_thread(
        lambda: {
            cif: Invoice.objects.filter(company__cif=cif).count() for cif in (ALFA, BUCATARIA, TESATORIA)
        }
    )
    assert all(count > 0 for count in synced.values()), synced
    serials = {
        cif: {
            call["serial"]
            for call in hub_sandbox.calls(LIST_PATH)[calls_before:]
            if f"cif={cif}" in call["query"]
        }
        for cif in (ALFA, BUCATARIA, TESATORIA)
    }
    assert serials == {ALFA: {OLD_CERT}, BUCATARIA: {ACCOUNTANT_CERT}, TESATORIA: {ACCOUNTANT_CERT}}
