"""Facturi emise in real Chromium at desktop (1280 px) and phone (390 px): an invalid invoice shows its
explained errors and is not sent; a valid one reaches `ok` and its signed ZIP downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from tests.hub.browser import DESKTOP, PHONE, SCREENSHOTS, log_in, no_horizontal_scroll
from tests.hub.outbox.helpers import issued_xml, upload_calls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 0}  # ANAF answers at once: `ok` on the first poll
    return sandbox_seed


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_upload_invalid_then_valid_invoice(
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
    invalid = tmp_path / "gresita.xml"
    invalid.write_bytes(issued_xml("WEB-1", buyer_id="8609469"))
    valid = tmp_path / "buna.xml"
    valid.write_bytes(issued_xml("WEB-2"))
    page = browser(viewport)
    log_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/o/{authorized.slug}/outbox/")
    assert page.locator("h1").inner_text() == "Facturi emise"
    no_horizontal_scroll(page)

    page.set_input_files("input[name=files]", str(invalid))
    page.click("[data-action=send]")
    page.wait_for_selector("tr[data-state=invalid]")
    page.click("tr[data-state=invalid] a")
    errors = page.locator("[data-section=errors] li[data-rule=HUB-CIF-BUYER]")
    assert "cifra de control greșită" in errors.inner_text()
    assert "8609469" in errors.inner_text()
    no_horizontal_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"outbox-errors-{name}.png"), full_page=True)
    assert upload_calls(hub_sandbox) == []

    page.goto(f"{live_server.url}/o/{authorized.slug}/outbox/")
    page.set_input_files("input[name=files]", str(valid))
    page.click("[data-action=send]")
    page.wait_for_selector("tr[data-state=ok]")
    no_horizontal_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"outbox-list-{name}.png"), full_page=True)
    page.click("tr[data-state=ok] a")
    assert page.locator("[data-field=state]").inner_text() == "Acceptată de ANAF"
    with page.expect_download() as download:
        page.click("[data-action=answer]")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    assert len(upload_calls(hub_sandbox)) == 1
