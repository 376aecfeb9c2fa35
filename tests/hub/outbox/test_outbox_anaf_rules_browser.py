"""ANAF's own rule check in real Chromium (desktop and phone): an invoice that passes the hub's checks is
sent, and ANAF answers `nok` with a rule the hub's copy of the rules lacks (the sandbox's `rejected` fault,
ANAF's BR-RO-065 text); the detail page shows ANAF's error and the deadline, and offers correction and PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.outbox.services.checks import examine
from tests.hub.browser import DESKTOP, PHONE, SCREENSHOTS, log_in, no_horizontal_scroll
from tests.hub.outbox.documents import dated_xml
from tests.hub.outbox.helpers import ALFA, upload_calls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 0}  # ANAF answers at once: `nok` on the first poll
    return sandbox_seed


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_anaf_rejects_what_the_local_check_let_through_and_the_page_explains_it(
    *,
    hub_sandbox: Any,
    authorized: Organization,
    owner: User,
    live_server: Any,
    browser: Any,
    tmp_path: Path,
    viewport: dict[str, int],
    name: str,
) -> None:
    xml = dated_xml("ANAF-2026-0001", date(2026, 11, 27))
    assert examine(xml, company_cif=ALFA).errors == []  # the hub's own checks let it through
    hub_sandbox.add_faults({"path": "/*/FCTEL/rest/upload*", "kind": "rejected", "count": 1})
    path = tmp_path / "cui-secundar.xml"
    path.write_bytes(xml)
    page = browser(viewport)
    log_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/o/{authorized.slug}/outbox/")

    page.set_input_files("input[name=files]", str(path))
    page.click("[data-action=send]")
    page.wait_for_selector("tr[data-state=nok]")
    assert "08.12.2026" in page.locator("tr[data-state=nok] [data-field=deadline]").inner_text()
    page.click("tr[data-state=nok] a")

    assert page.locator("[data-field=state]").inner_text() == "Respinsă de ANAF"
    error = page.locator("[data-section=errors] li[data-rule=ANAF]")
    text = error.inner_text()
    assert "BR-RO-065" in text
    assert "(BT-32)" in text
    assert "08.12.2026" in page.locator("[data-field=deadline]").inner_text()
    assert page.locator("[data-action=correct]").is_visible()
    assert page.locator("[data-action=pdf]").is_visible()
    no_horizontal_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"outbox-anaf-nok-{name}.png"), full_page=True)
    assert len(upload_calls(hub_sandbox)) == 1
