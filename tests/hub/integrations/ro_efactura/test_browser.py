"""The whole authorization flow in real Chromium (Playwright) against the live hub and the sandbox.

Also writes the screenshots of `docs/screenshots/`. ORM calls run in a helper thread: Playwright's sync
API keeps an event loop in the test thread, where Django refuses synchronous database access.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import formats
from django.utils.timezone import localtime

from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.notifications.models import Event
from tests.hub.browser import DESKTOP, PHONE, SCREENSHOTS, in_thread, log_in, no_horizontal_scroll
from tests.hub.helpers import CALLBACK_PATH, NEW_CERT, OLD_CERT, PASSWORD, advance_clocks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any], live_server: Any) -> dict[str, Any]:
    sandbox_seed["apps"][0]["redirect_uris"].append(f"{live_server.url}{CALLBACK_PATH}")
    return sandbox_seed


@pytest.fixture
def browser_page(
    hub_sandbox: Any, live_server: Any, settings: Any, organization: Organization, browser: Callable[..., Any]
) -> Any:
    """A desktop page; depends on the rows so that they exist before Playwright starts."""
    settings.ANAF_REDIRECT_URI = f"{live_server.url}{CALLBACK_PATH}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return browser(DESKTOP)


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _field(page: Any, name: str) -> str:
    return str(page.locator(f'[data-field="{name}"]').inner_text()).strip()


def _when(value: Any, pattern: str = "SHORT_DATETIME_FORMAT") -> str:
    return formats.date_format(localtime(value), pattern)


def _authorize_in_popup(page: Any, serial: str, pins: list[str], shot: str | None = None) -> None:
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Autorizare cu ANAF SPV").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    for index, pin in enumerate(pins):
        popup.select_option("#serial", serial)
        popup.fill("#pin", pin)
        if index < len(pins) - 1:
            popup.get_by_role("button", name="Autentificare / Log in").click()
            popup.wait_for_selector("p.error")
            if shot:
                _shot(popup, shot)
    with page.expect_event("load"):  # the opener reloads when the popup reports back
        popup.get_by_role("button", name="Autentificare / Log in").click()
    if not popup.is_closed():
        popup.wait_for_event("close")


def test_the_whole_flow_in_chromium(  # noqa: PLR0917  (pytest fixtures)
    browser_page: Any,
    browser: Callable[..., Any],
    live_server: Any,
    hub_sandbox: Any,
    organization: Organization,
    owner: User,
    smtp_server: Any,
) -> None:
    page, base = browser_page, live_server.url
    slug = organization.slug

    page.goto(f"{base}/login/")
    _shot(page, "01-login")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.wait_for_url(f"{base}/o/{slug}/integrations/")
    assert page.get_by_role("link", name="Integrări").is_visible()
    _shot(page, "02-integrari")

    # 1. Activation, 2. configuration
    page.locator('[data-kind="ro-efactura"]').get_by_role("button", name="Activare").click()
    page.wait_for_url("**/integrations/ro-efactura/configure/")
    page.select_option("#id_environment", "sandbox")
    for cif, name in [
        ("16000015", "Alfa Construcții Ardeal SRL"),
        ("29000025", "Bucătăria Veche a Bunicii SRL"),
        ("31500030", "Țesătoria Mureș SA"),
    ]:
        page.fill('#company-list input[name="cif"]', cif)
        page.fill('#company-list input[name="name"]', name)
        page.get_by_role("button", name="Adaugă firma").click()
        page.wait_for_selector(f'#company-list tr[data-cif="{cif}"]')
    _shot(page, "03-configurare-integrare")
    page.get_by_role("button", name="Salvează").click()
    page.wait_for_url(f"{base}/o/{slug}/integrations/ro-efactura/")
    assert "Configurarea a fost salvată" in page.content()

    # 3. Authorization in the popup: a wrong PIN first, then the right one
    _authorize_in_popup(page, OLD_CERT, ["0000", "1234"], shot="04-popup-pin-gresit")
    page.wait_for_selector(".messages .success")
    assert "Autorizarea cu ANAF SPV a reușit" in page.locator(".messages").inner_text()
    assert page.locator('[data-testid="green-check"]').is_visible()
    authorization = in_thread(SpvAuthorization.objects.get, status=AuthorizationStatus.ACTIVE)
    assert _field(page, "person") == "Ana Proprietar"
    assert _field(page, "authorized-at") == _when(authorization.authorized_at)
    assert _field(page, "access-expires") == _when(authorization.access_expires_at)
    assert _field(page, "access-ends") == _when(authorization.access_end.at, "SHORT_DATE_FORMAT")
    assert _field(page, "serial") == OLD_CERT
    assert "EFACTURA" in _field(page, "services")
    assert "Da" in page.locator('tr[data-cif="16000015"] [data-field="rights"]').inner_text()
    assert "Nu" in page.locator('tr[data-cif="31500030"] [data-field="rights"]').inner_text()
    _shot(page, "05-ro-efactura-autorizat")
    page.goto(f"{base}/o/{slug}/integrations/")
    assert page.locator('[data-kind="ro-efactura"] .check').is_visible()
    _shot(page, "06-integrari-autorizat")
    phone = browser(PHONE)  # the same result on a phone: the green check and the fields, no sideways scroll
    log_in(phone, base, owner)
    phone.goto(f"{base}/o/{slug}/integrations/ro-efactura/")
    assert phone.locator('[data-testid="green-check"]').is_visible()
    assert _field(phone, "access-ends") == _when(authorization.access_end.at, "SHORT_DATE_FORMAT")
    no_horizontal_scroll(phone)
    _shot(phone, "05-ro-efactura-autorizat-phone")
    phone.goto(f"{base}/o/{slug}/integrations/")
    assert phone.locator('[data-kind="ro-efactura"] .check').is_visible()
    no_horizontal_scroll(phone)
    _shot(phone, "06-integrari-autorizat-phone")

    # 5. Automatic renewal: both clocks to 9 days before the access token expires
    lifetime = authorization.access_expires_at - authorization.authorized_at
    in_thread(advance_clocks, hub_sandbox, lifetime - timedelta(days=9))
    from hub.integrations.ro_efactura.tasks import authorizations_renew_due_task

    assert in_thread(lambda: authorizations_renew_due_task.delay().get()) == 1
    renewed = in_thread(SpvAuthorization.objects.get, pk=authorization.pk)
    assert renewed.access_expires_at > authorization.access_expires_at
    page.goto(f"{base}/o/{slug}/integrations/ro-efactura/")
    assert _field(page, "access-expires") == _when(renewed.access_expires_at)
    assert _field(page, "last-renewed") == _when(renewed.last_renewed_at)
    assert page.locator("#bell .count").count() == 0
    assert in_thread(Event.objects.count) == 0
    assert smtp_server.messages == []

    # 6. Past the refresh horizon: renewal is refused; in-app notice and e-mail
    in_thread(
        advance_clocks, hub_sandbox, renewed.refresh_expires_at - renewed.last_renewed_at + timedelta(days=1)
    )
    in_thread(lambda: authorizations_renew_due_task.delay().get())
    page.goto(f"{base}/o/{slug}/integrations/ro-efactura/")
    assert page.locator("#bell .count").inner_text() == "1"
    assert "Necesită reautorizare" in _field(page, "status")
    page.locator("#bell").click()
    page.wait_for_url("**/notifications/")
    assert "Autorizarea ANAF nu a putut fi reînnoită" in page.content()
    _shot(page, "07-notificari")
    mail = [item for item in smtp_server.messages if owner.email in item["to"]]
    assert len(mail) == 1
    assert "nu a putut fi reînnoită" in mail[0]["message"]["Subject"]
    assert (
        f"{base}/o/{slug}/integrations/ro-efactura/" in mail[0]["message"].get_body(("plain",)).get_content()
    )
    page.get_by_role("button", name="Marchează ca citită").click()
    page.wait_for_selector("#bell .count", state="detached")

    # Re-authorization with the renewed certificate: the certificate-change notice
    page.goto(f"{base}/o/{slug}/integrations/ro-efactura/")
    _authorize_in_popup(page, NEW_CERT, ["1234"])
    page.wait_for_selector(".messages .success")
    # The renewed certificate is added beside the old one, which ANAF refused: its companies move over.
    assert page.locator("li.authorization").count() == 2
    new_item = page.locator(f'li.authorization[data-serial="{NEW_CERT}"]')
    assert "Alfa Construcții Ardeal SRL" in new_item.locator('[data-field="serves"]').inner_text()
    assert page.locator('[data-testid="green-check"]').is_visible()
    page.goto(f"{base}/o/{slug}/notifications/")
    assert "Certificat nou adăugat la autorizările ANAF SPV" in page.content()
    assert NEW_CERT in page.content()
    assert "Deservește: Alfa Construcții Ardeal SRL (16000015)" in page.content()
    page.goto(f"{base}/o/{slug}/integrations/ro-efactura/audit/")
    for text in ("Autorizat cu certificatul", "Tokenuri reînnoite", "Reînnoire refuzată"):
        assert text in page.content()
    _shot(page, "08-istoric-autorizari")
    page.goto(f"{base}/help/anaf-oauth/")
    _shot(page, "09-ajutor-editare-profil-oauth")


def test_without_javascript_the_flow_is_a_plain_redirect(  # noqa: PLR0917  (pytest fixtures)
    hub_sandbox: Any,
    live_server: Any,
    active_module: Organization,
    owner: User,
    settings: Any,
    browser: Callable[..., Any],
) -> None:
    settings.ANAF_REDIRECT_URI = f"{live_server.url}{CALLBACK_PATH}"
    page = browser(DESKTOP, java_script_enabled=False)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.goto(f"{live_server.url}/o/{active_module.slug}/integrations/ro-efactura/")
    page.get_by_role("button", name="Autorizare cu ANAF SPV").click()
    page.get_by_role("button", name="Nu am token-ul introdus / No token inserted").click()
    page.wait_for_url(f"{live_server.url}/o/{active_module.slug}/integrations/ro-efactura/")
    assert "anulată sau refuzată" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Autorizare cu ANAF SPV").click()
    page.select_option("#serial", OLD_CERT)
    page.fill("#pin", "1234")
    page.get_by_role("button", name="Autentificare / Log in").click()
    page.wait_for_url(f"{live_server.url}/o/{active_module.slug}/integrations/ro-efactura/")
    assert "Autorizarea cu ANAF SPV a reușit" in page.locator(".messages").inner_text()
