"""A first visit to the new pages in real Chromium, at desktop and phone width, on the demo's own set-up:
`demo_setup`, the owner's authorization at the sandbox, the demo's supplier traffic synced, the demo's
issued invoices sent as `trimite.sh` sends them. The accountant goes from the main menu to Facturi emise,
the desk, the purchases journal, the exports, completeness, the archive import and the default assignees;
on every page nothing scrolls sideways, every link answers (a page or a download) and no English word of
our templates is left on a Romanian user's screen. The nav shows how many invoices wait for them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from efactura.demo import DEMO_TRAFFIC
from efactura.demo_invoices import SEND_STEPS, demo_outbox_files
from hub.accounts.models import Organization, User
from hub.core import clock
from hub.desk.selectors import waiting_for
from hub.inbox.services.sync import inbox_sync_company
from hub.outbox.cli import send_command
from tests.hub.browser import WIDTHS, in_thread, log_in, no_horizontal_scroll
from tests.hub.helpers import PASSWORD, advance_clocks, authorize_over_http, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALFA, BUCATARIA = "16000015", "29000025"
COMPANIES = [f"{ALFA}=Alfa Construcții Ardeal SRL", f"{BUCATARIA}=Bucătăria Veche a Bunicii SRL"]
# English words our templates use; none may reach a Romanian user's page (ANAF's own texts are Romanian).
ENGLISH = re.compile(
    r"\b(the|and|of|for|with|Invoices?|Issued|Received|Review|Reviewed|Company|Companies|Status|State|"
    r"Download|Search|Filter|Supplier|Buyer|Date|Next|Previous|None|Nobody|Save|Cancel|Delete|Edit|Back|"
    r"Send|Upload|Waiting|Assignee|Month|Journal|Completeness|Mapping|Columns|Booked|Approved|Refused|"
    r"Missing|Listed|Archived|Accepted|Rejected|Deadline|Credit note|Apply|Choose|Select|All|Yes|No|"
    r"errors?|sent|refused|uncertain|failed|found|absent|invoices?|month|none|yes|no)\b"
)

XPATH = re.compile(r"/\w[\w:\[\]/]*")


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 2,
        "seed": 2026,
        "companies": [ALFA, BUCATARIA],
        **DEMO_TRAFFIC,
    }
    sandbox_seed["processing"] = {"lag_seconds": 0}
    return sandbox_seed


@pytest.fixture
def demo(hub_sandbox: Any, tmp_path: Path) -> Organization:
    """The demo after "Autorizare cu ANAF SPV", a sync and `trimite.sh`."""
    call_command("demo_setup", "--password", PASSWORD, *[f"--company={item}" for item in COMPANIES])
    organization = Organization.objects.get(slug="demo")
    owner = User.objects.get(username="proprietar")
    assert authorize_over_http(login(owner), organization, hub_sandbox).status_code in (200, 302)
    for company in organization.companies.all():
        assert inbox_sync_company(company_id=company.pk).outcome == "ok"
    demo_outbox_files(tmp_path, clock.now().date())
    for names, resend in SEND_STEPS:
        files = [tmp_path / name for name in names]
        send_command(files=files, cif=ALFA, wait=True, timeout=60, deliberate_resend=resend)
    advance_clocks(hub_sandbox, timedelta(minutes=10))  # Bucătăria receives Alfa's invoice at the next sync
    assert inbox_sync_company(company_id=organization.companies.get(cif=BUCATARIA).pk).outcome == "ok"
    return organization


class Visit:
    """Checks every page it is shown; remembers the links it already followed."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.checked: set[str] = set()

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state()
        no_horizontal_scroll(page)
        shown = page.locator("body").inner_text()
        hints = page.eval_on_selector_all(
            "[title], [placeholder], [aria-label]",
            "els => els.flatMap(e => [e.title, e.placeholder, e.getAttribute('aria-label')])",
        )
        text = XPATH.sub("", "\n".join([shown, *filter(None, hints)]))  # a finding's location is data
        leftovers = [text[max(0, m.start() - 60) : m.end() + 60] for m in ENGLISH.finditer(text)]
        assert not leftovers, f"{page.url}: English on a Romanian page: {leftovers}"
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for link in links:
            url = link.split("#", 1)[0]
            if not url.startswith(origin) or url in self.checked:
                continue
            self.checked.add(url)
            response = page.request.get(url)
            attachment = "attachment" in response.headers.get("content-disposition", "")
            assert response.status == 200 or attachment, f"{page.url}: {url} answers {response.status}"
            assert "/login/" not in response.url, f"{page.url}: {url} asks to log in again"

    def menu(self, name: str) -> None:
        self.page.locator("header.top nav").get_by_role("link", name=name, exact=False).first.click()
        self.check()

    def button(self, name: str) -> None:
        self.page.locator("main").get_by_role("link", name=name, exact=True).first.click()
        self.check()


def _waiting(organization: Organization, username: str) -> int:
    return waiting_for(User.objects.get(username=username), organization).count()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_accountant_walks_through_the_new_pages_in_romanian(
    width: str, demo: Organization, live_server: Any, browser: Callable[..., Any]
) -> None:
    waiting = in_thread(_waiting, demo, "contabil")
    assert waiting > 0  # Alfa's default assignee is the accountant
    accountant = in_thread(User.objects.get, username="contabil")
    page = browser(WIDTHS[width])
    visit = Visit(page)
    log_in(page, live_server.url, accountant)
    page.goto(f"{live_server.url}/o/{demo.slug}/integrations/")
    visit.check()
    if page.locator("[data-action=menu]").is_visible():  # the phone's menu button
        page.locator("[data-action=menu]").click()
    counter = page.locator("header.top nav a", has=page.locator("[data-desk-waiting]"))
    assert counter.inner_text().split() == ["Facturi", "primite", str(waiting)]  # the counter in the menu

    visit.menu("Facturi emise")
    rows = page.locator("tbody tr[data-state]")
    assert {rows.nth(i).get_attribute("data-state") for i in range(rows.count())} >= {"ok", "nok", "invalid"}
    page.locator("tr[data-state=nok] a").first.click()
    visit.check()
    assert "index=" in page.locator("[data-section=errors]").inner_text()  # the duplicate is explained
    page.go_back()
    page.locator("tr[data-state=invalid] a").first.click()
    visit.check()
    assert "16000016" in page.locator("[data-section=errors]").inner_text()  # the wrong code, explained
    page.go_back()
    page.locator("tr[data-state=ok] a", has_text="-01").first.click()
    visit.check()  # its signed ZIP and PDF links answer as downloads or pages
    assert page.locator("[data-action=answer]").inner_text() == "ZIP semnat de la ANAF"
    page.locator("[data-field=amended-by] a").click()  # the credit note that corrects it
    visit.check()

    page.goto(f"{live_server.url}/o/{demo.slug}/integrations/")
    if page.locator("[data-action=menu]").is_visible():
        page.locator("[data-action=menu]").click()
    visit.menu("De verificat")
    assert page.locator("[data-review]").count() > 0
    page.locator("[data-review] a").first.click()
    visit.check()

    # last month's purchases journal of Alfa: several VAT rates and a credit note, with negative amounts
    page.goto(f"{live_server.url}/o/{demo.slug}/desk/")
    visit.button("Jurnal de cumpărări")
    last_month = in_thread(clock.now).date().replace(day=1) - timedelta(days=1)
    page.select_option(
        "[data-journal-form] select[name=company]", label=f"Alfa Construcții Ardeal SRL ({ALFA})"
    )
    page.fill("[data-journal-form] input[name=month]", f"{last_month:%Y-%m}")
    page.locator("[data-journal-form] button[type=submit]").click()
    visit.check()
    columns = page.eval_on_selector_all("[data-column]", "cells => cells.map(c => c.dataset.column)")
    total = page.locator("[data-journal-total=RON] th.num").all_inner_texts()[1:]  # after the total with VAT
    used = {key for key, amount in zip(columns, total, strict=True) if amount.strip() not in ("0", "0,00")}
    assert {"vat_r21", "vat_r11"} <= used, used  # 21 % and 11 %
    assert "base_cE" in used  # and exempt lines
    credit_notes = page.locator("[data-journal-row]", has=page.locator(".badge"))
    assert credit_notes.count() >= 1
    assert "-" in credit_notes.first.locator("td.num").first.inner_text()

    for name in ("Exporturi", "Completitudine", "Importă o arhivă veche", "Responsabili impliciți"):
        page.goto(f"{live_server.url}/o/{demo.slug}/desk/")
        visit.button(name)
        if name == "Exporturi":
            visit.button("Corespondență nouă")  # a column mapping of one's own
            assert page.locator("main form").count() >= 1
