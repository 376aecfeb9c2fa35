"""Under the Content-Security-Policy, real Chromium still runs the hub's scripts: HTMX swaps (add and remove a
company without a reload), the organization switcher, the API docs, and the browser reports no CSP
violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hub.accounts.models import Company, Organization, User
from tests.hub.browser import DESKTOP, in_thread
from tests.hub.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def companies_of(organization: Organization) -> list[str]:
    return in_thread(
        lambda: sorted(Company.objects.filter(organization=organization).values_list("cif", flat=True))
    )


@pytest.fixture
def page(organization: Organization, browser: Callable[..., Any]) -> Any:
    return browser(DESKTOP)


def test_htmx_and_the_switcher_work_with_no_csp_violation(
    page: Any, live_server: Any, organization: Organization, owner: User
) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.wait_for_load_state()

    response = page.goto(f"{live_server.url}/o/{organization.slug}/integrations/ro-efactura/configure/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate("window.notReloaded = true")
    page.fill("input[name=cif]", "16000015")
    page.fill("input[name=name]", "Alfa Construcții Ardeal SRL")
    page.get_by_role("button", name="Adaugă firma").click()
    page.wait_for_selector('#company-list tr[data-cif="16000015"]')
    assert page.evaluate("window.notReloaded") is True  # swapped by HTMX, not a page load
    assert companies_of(organization) == ["16000015"]
    page.locator('#company-list tr[data-cif="16000015"] button').click()
    page.wait_for_selector('#company-list tr[data-cif="16000015"]', state="detached")
    assert page.evaluate("window.notReloaded") is True
    assert companies_of(organization) == []

    page.goto(f"{live_server.url}/organizations/new/")
    page.fill("input[name=name]", "A doua firma")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.select_option("select[data-navigate]", label=organization.name)
    assert f"/o/{organization.slug}/integrations/" in page.url

    page.goto(f"{live_server.url}/api/v1/docs")  # Swagger UI from the hub's static files, under the same CSP
    page.wait_for_selector(".swagger-ui .opblock")
    assert violations == []
