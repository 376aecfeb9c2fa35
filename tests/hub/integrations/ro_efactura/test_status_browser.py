"""The module's status in real Chromium at desktop (1280 px) and phone (390 px) widths, moving the sandbox's
and the hub's clocks: the popup to the green check, two years of renewals, the warning on three pages from
30 days before the deadline, "needs re-authorization" right after it without any task, and the certificate's
own expiry reminded in-app and by e-mail (aiosmtpd). Writes the `docs/screenshots/status-*` images.

ORM calls run in a helper thread: Playwright's sync API keeps an event loop in the test thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import formats, translation
from django.utils.timezone import localtime

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.tasks import authorizations_remind_task, authorizations_renew_due_task
from hub.notifications.models import Event
from tests.hub.browser import SCREENSHOTS, WIDTHS, in_thread
from tests.hub.helpers import CALLBACK_PATH, NEW_CERT, OLD_CERT, PASSWORD, advance_clocks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = WIDTHS
STEP = timedelta(days=80)  # the access token lives 90 days; the beat renews it 10 days before it ends


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any], live_server: Any) -> dict[str, Any]:
    sandbox_seed["apps"][0]["redirect_uris"].append(f"{live_server.url}{CALLBACK_PATH}")
    return sandbox_seed


@pytest.fixture(params=list(VIEWPORTS))
def width(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def page(  # noqa: PLR0917  (pytest fixtures)
    width: str,
    hub_sandbox: Any,
    live_server: Any,
    settings: Any,
    active_module: Organization,
    browser: Callable[..., Any],
) -> Any:
    settings.ANAF_REDIRECT_URI = f"{live_server.url}{CALLBACK_PATH}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return browser(VIEWPORTS[width])


def _shot(page: Any, name: str, width: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"status-{name}-{width}.png"), full_page=True)


def _field(page: Any, name: str) -> str:
    return str(page.locator(f'[data-field="{name}"]').inner_text()).strip()


def _short(value: datetime) -> str:
    with translation.override("ro"):
        return formats.date_format(localtime(value), "SHORT_DATE_FORMAT")


def _authorize_in_popup(page: Any, button: str, serial: str) -> None:
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name=button).first.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.select_option("#serial", serial)
    popup.fill("#pin", "1234")
    with page.expect_event("load"):  # the opener reloads when the popup reports back
        popup.get_by_role("button", name="Autentificare / Log in").click()
    if not popup.is_closed():
        popup.wait_for_event("close")


def _current() -> SpvAuthorization:
    return SpvAuthorization.objects.exclude(status=AuthorizationStatus.REPLACED).get()


# The three pages that warn: the module page, the Integrări card, Facturi primite.
WARNING_PAGES = [
    ("modul", "integrations/ro-efactura/"),
    ("integrari", "integrations/"),
    ("facturi-primite", "inbox/"),
]


def test_the_status_tells_the_truth_over_two_years(  # noqa: PLR0917  (pytest fixtures)
    page: Any,
    width: str,
    live_server: Any,
    hub_sandbox: Any,
    active_module: Organization,
    owner: User,
    smtp_server: Any,
) -> None:
    base, slug = live_server.url, active_module.slug
    module_url = f"{base}/o/{slug}/integrations/ro-efactura/"
    page.goto(f"{base}/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.wait_for_url(f"{base}/o/{slug}/integrations/")

    # The popup, to the green check; "Data expirării" is when the access ends, the token only a detail
    page.goto(module_url)
    _authorize_in_popup(page, "Autorizare cu ANAF SPV", OLD_CERT)
    page.wait_for_selector(".messages .success")
    assert page.locator('[data-testid="green-check"]').is_visible()
    authorization = in_thread(_current)
    assert _field(page, "access-ends") == _short(authorization.refresh_expires_at)
    assert _field(page, "access-expires").startswith(_short(authorization.access_expires_at))
    _shot(page, "autorizat", width)

    # Two years of renewals: the shown date never passes the re-authorization deadline
    deadline = authorization.authorized_at + timedelta(days=730)
    first_warning = deadline - timedelta(days=30)
    renewals = 0
    while in_thread(clock.now) + STEP < first_warning - timedelta(days=1):
        in_thread(advance_clocks, hub_sandbox, STEP)
        renewals += in_thread(lambda: authorizations_renew_due_task.delay().get())
        renewed = in_thread(_current)
        page.goto(module_url)
        assert _field(page, "access-ends") == _short(min(renewed.refresh_expires_at, deadline))
        assert datetime.strptime(_field(page, "access-ends"), "%d.%m.%Y").date() <= localtime(deadline).date()
        assert page.locator('[data-testid="green-check"]').is_visible()
    assert renewals >= 8
    assert renewed.access_expires_at > deadline  # a token ANAF would honour longer is never the expiry date
    assert _field(page, "access-ends") == _short(deadline)

    # 31 days before the deadline: quiet; 27 days before: a warning on three pages
    in_thread(advance_clocks, hub_sandbox, first_warning - timedelta(days=1) - in_thread(clock.now))
    for name, path in WARNING_PAGES:
        page.goto(f"{base}/o/{slug}/{path}")
        assert page.locator('[data-testid="access-warning"]').count() == 0, name
    in_thread(advance_clocks, hub_sandbox, timedelta(days=4))
    for name, path in WARNING_PAGES:
        page.goto(f"{base}/o/{slug}/{path}")
        warning = page.locator('[data-testid="access-warning"]')
        assert warning.is_visible(), name
        text = warning.inner_text()
        assert f"până la {_short(deadline)}" in text, name
        assert "mai sunt 27 de zile" in text, name
        assert warning.get_by_role("button", name="Autorizează din nou").is_visible(), name
        _shot(page, f"avertizare-{name}", width)

    # Right after the deadline: "Necesită reautorizare", with no renewal or reminder task run
    in_thread(clock.advance, deadline - in_thread(clock.now) + timedelta(minutes=1))
    page.goto(module_url)
    assert "Necesită reautorizare" in _field(page, "status")
    assert page.locator('[data-testid="green-check"]').count() == 0
    assert in_thread(lambda: _current().status) == AuthorizationStatus.ACTIVE
    _shot(page, "necesita-reautorizare", width)
    page.goto(f"{base}/o/{slug}/inbox/")
    assert "Necesită reautorizare" in page.locator('[data-testid="access-warning"]').inner_text()

    # A new certificate: the button in the warning opens the popup; its own list item asks for its validity
    page.goto(module_url)
    _authorize_in_popup(page, "Autorizează din nou", NEW_CERT)
    page.wait_for_selector('[data-testid="new-certificate"]')
    assert page.locator('[data-testid="green-check"]').is_visible()  # the companies moved to the new one
    new_item = page.locator(f'li.authorization[data-serial="{NEW_CERT}"]')
    old_item = page.locator(f'li.authorization[data-serial="{OLD_CERT}"]')
    assert new_item.locator('[data-testid="new-certificate"]').count() == 1
    assert "Necesită reautorizare" in old_item.locator('[data-testid="access-warning"]').inner_text()
    valid_until = localtime(in_thread(clock.now)).date() + timedelta(days=40)
    new_item.locator('input[name="valid_until"]').fill(valid_until.isoformat())
    new_item.get_by_role("button", name="Salvează data").click()
    page.wait_for_selector(".messages .success")
    with translation.override("ro"):
        shown = formats.date_format(valid_until, "SHORT_DATE_FORMAT")
    assert new_item.locator('[data-field="certificate-valid-until"]').inner_text().strip() == shown
    assert new_item.locator('[data-field="access-ends"]').inner_text().strip() == shown
    assert old_item.locator('[data-field="certificate-valid-until"]').inner_text().strip() == "nenotat"
    assert page.locator('[data-testid="new-certificate"]').count() == 0

    # 25 days before the certificate's last day: reminded in-app and by e-mail
    in_thread(advance_clocks, hub_sandbox, timedelta(days=15))
    in_thread(lambda: authorizations_remind_task.delay().get())
    new_pk = in_thread(lambda: SpvAuthorization.objects.get(serial=NEW_CERT).pk)
    reminded = in_thread(
        lambda: Event.objects.filter(key__startswith=f"certificate-expiring:{new_pk}:").count()
    )
    assert reminded == 1
    page.goto(module_url)
    if page.locator(".menu-button").is_visible():  # on a phone the bell is in the folded menu
        page.locator(".menu-button").click()
    assert page.locator("#bell .count").is_visible()
    page.locator("#bell").click()
    page.wait_for_url("**/notifications/")
    notice = page.locator(".notification", has_text="Certificatul folosit pentru ANAF expiră în curând")
    assert "mai sunt 25 de zile" in notice.inner_text()
    assert "Obțineți noul certificat, apoi autorizați din nou cu el" in notice.inner_text()
    _shot(page, "notificare-certificat", width)
    mails = [
        item["message"]
        for item in smtp_server.messages
        if owner.email in item["to"] and "Certificatul folosit" in item["message"]["Subject"]
    ]
    assert len(mails) == 1
    text = mails[0].get_body(("plain",)).get_content()
    assert "(mai sunt 25 de zile)" in text
    link = f"{base}/o/{slug}/integrations/ro-efactura/#authorization"
    assert f"Deschide pagina modulului RO e-Factura: {link}" in text
    page.goto(link)  # the e-mail's link opens the module page, with the warning and the way out
    warning = page.locator(f'li.authorization[data-serial="{NEW_CERT}"] [data-testid="access-warning"]')
    assert f"Certificatul expiră pe {shown}" in warning.inner_text()
    assert warning.get_by_role("button", name="Autorizează din nou").is_visible()
    _shot(page, "certificat-expira", width)
