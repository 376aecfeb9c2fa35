"""Completeness per company and month against the sandbox's own list over HTTP: what ANAF lists, what the hub
archived, reviewed and booked, the message missing since when, the 60-day warning and the retention rule."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.accounts.models import Organization, User
from hub.desk.archive_import import archive_import, sources_from_paths
from hub.desk.completeness import completeness_for, retention_until
from hub.desk.models import ImportOutcome
from hub.inbox.models import Message, MessageState
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.desk.test_desk_archive_import import kept_by_another_tool
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)
BUCHAREST = ZoneInfo("Europe/Bucharest")


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 5, "seed": 11, "companies": [ALFA]}
    return sandbox_seed


def sandbox_received(sandbox: Any, cif: str) -> dict[str, datetime]:
    """The supplier invoices the sandbox lists for `cif` over 60 days: id -> `data_creare` (Bucharest)."""
    token = sandbox.login()["access_token"]
    now = int(sandbox.now().timestamp() * 1000)
    found: dict[str, datetime] = {}
    page = 1
    while True:
        body = sandbox.http.get(
            "/test/FCTEL/rest/listaMesajePaginatieFactura",
            params={
                "startTime": str(now - 59 * 86400 * 1000),
                "endTime": str(now - 1000),
                "cif": cif,
                "pagina": str(page),
                "filtru": "P",
            },
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        for item in body.get("mesaje", []):
            found[str(item["id"])] = datetime.strptime(item["data_creare"], "%Y%m%d%H%M").replace(
                tzinfo=BUCHAREST
            )
        if page >= int(body.get("numar_total_pagini") or 0):
            return found
        page += 1


def test_completeness_matches_the_sandbox_list_with_the_missing_message_at_risk(
    hub_sandbox: Any, authorized: Organization, member: User, outsider: User
) -> None:
    alfa = company(authorized, ALFA)
    [old] = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "file": "invoices/supplier_invoice.xml", "age_days": 40}
    )
    # the oldest message is downloaded first, and arrives damaged: listed at ANAF, not archived here
    hub_sandbox.add_faults({"path": "/test/FCTEL/rest/descarcare", "kind": "truncated", "count": 1})
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"
    assert Message.objects.get(company=alfa, download_id=old["id"]).state == MessageState.DAMAGED

    listed = sandbox_received(hub_sandbox, ALFA)
    assert old["id"] in listed
    assert len(listed) >= 8
    by_month = Counter(moment.date().replace(day=1) for moment in listed.values())
    assert len(by_month) >= 2  # October's old one and the recent traffic

    desk = f"/o/{authorized.slug}/desk/"
    client = login(member)
    received = list(
        Message.objects.filter(company=alfa, state=MessageState.ARCHIVED)
        .order_by("created_at")
        .values_list("invoice__pk", flat=True)
    )
    client.post(desk + "bulk/", {"action": "approve", "invoice": received[:3]})
    client.post(desk + "bulk/", {"action": "book", "invoice": received[:1]})

    [entry] = completeness_for(authorized, company_id=alfa.pk)
    months = {row.month: row for row in entry.months}
    assert {month: row.listed for month, row in months.items()} == dict(by_month)
    old_month = listed[old["id"]].date().replace(day=1)
    for month, row in months.items():
        missing = 1 if month == old_month else 0
        assert row.archived.done == by_month[month] - missing
        assert row.archived.missing == missing
        assert row.kept_until == date(month.year + 10, 12, 31)
    assert months[old_month].archived.oldest == listed[old["id"]]
    assert sum(row.reviewed.done for row in entry.months) == 3
    assert sum(row.reviewed.missing for row in entry.months) == len(listed) - 1 - 3
    assert sum(row.booked.done for row in entry.months) == 1
    assert sum(row.booked.missing for row in entry.months) == 2  # approved, not booked yet
    [risk] = entry.at_risk
    assert risk.download_id == old["id"]
    assert risk.days_left == 20
    assert retention_until(date(2026, 1, 1)) == date(2036, 12, 31)

    page = client.get(desk + "completeness/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Completitudinea facturilor primite" in text
    assert f'data-risk="{old["id"]}"' in text
    row = re.search(rf'data-month="{old_month:%Y-%m}" data-listed="(\d+)" data-archived="(\d+)"', text)
    assert row is not None
    assert row.groups() == (str(by_month[old_month]), str(by_month[old_month] - 1))
    assert f'data-kept-until="{old_month.year + 10}-12-31"' in text
    assert login(outsider).get(desk + "completeness/").status_code == 404


def test_an_old_archive_fills_the_gap_the_sync_left(
    hub_sandbox: Any, authorized: Organization, tmp_path: Path
) -> None:
    alfa = company(authorized, ALFA)
    [old] = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "file": "invoices/supplier_invoice.xml", "age_days": 50}
    )
    hub_sandbox.add_faults({"path": "/test/FCTEL/rest/descarcare", "kind": "truncated", "count": 1})
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"
    [before] = completeness_for(authorized, company_id=alfa.pk)
    assert [risk.download_id for risk in before.at_risk] == [old["id"]]
    assert before.at_risk[0].days_left == 10
    folder = tmp_path / "arhiva"  # beside the hub's own data directory, not in it
    folder.mkdir()
    (folder / f"{old['id']}.zip").write_bytes(kept_by_another_tool(hub_sandbox, old["id"]))

    report = archive_import(
        organization=authorized, sources=sources_from_paths([folder]), source_label="test"
    )

    [item] = report.files
    assert item.outcome == ImportOutcome.IMPORTED
    message = Message.objects.get(company=alfa, download_id=old["id"])
    assert message.state == MessageState.ARCHIVED
    assert message.invoice.received_at == message.created_at  # ANAF's date, known from the listing
    assert message.invoice.announced_at is None  # news to the ERP: the next sync announces it
    [after] = completeness_for(authorized, company_id=alfa.pk)
    assert after.at_risk == []
    assert not any(row.archived.missing for row in after.months)
    assert sum(row.listed for row in after.months) == len(sandbox_received(hub_sandbox, ALFA))
    assert sum(row.imported for row in after.months) == 0  # listed at ANAF: counted as listed and archived
