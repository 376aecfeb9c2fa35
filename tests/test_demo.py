"""`efactura demo`: the time-travel hint reaches this demo, a restart keeps people logged in, the desk has
default assignees, and the sandbox serves a whole previous month
(the issued invoices it writes: tests/hub/test_demo_data.py)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from efactura.demo import _seed_file, time_travel_hint
from hub.desk.models import CompanyDesk


def test_the_time_travel_hint_names_the_data_dir_and_the_ports(tmp_path: Path) -> None:
    data_dir = tmp_path / "my demo"
    args = argparse.Namespace(data_dir=data_dir, port=8123, sandbox_port=8999)
    hint = time_travel_hint(args)
    assert f"--data-dir '{data_dir.resolve()}'" in hint
    assert "--port 8123" in hint
    assert "--sandbox-port 8999" in hint
    assert hint.endswith("--advance-days 81")
    default = time_travel_hint(argparse.Namespace(data_dir=data_dir, port=8000, sandbox_port=8900))
    assert "--port" not in default
    assert str(data_dir.resolve()) in default


@pytest.mark.django_db
def test_a_demo_restart_keeps_the_demo_users_logged_in() -> None:
    call_command("demo_setup", "--password", "parola-demo", "--company", "16000015=Alfa SRL")
    client = Client()
    assert client.login(username="proprietar", password="parola-demo")
    assert client.get("/account/").status_code == 200
    call_command("demo_setup", "--password", "parola-demo", "--company", "16000015=Alfa SRL")  # a restart
    assert client.get("/account/").status_code == 200  # still logged in, not sent to /login/


@pytest.mark.django_db
def test_demo_setup_gives_each_company_a_default_assignee_and_a_restart_keeps_the_users_choice() -> None:
    companies = ["--company", "16000015=Alfa SRL", "--company", "29000025=Bucătăria SRL"]
    call_command("demo_setup", "--password", "parola-demo", *companies)
    assignees = {
        desk.company.cif: desk.default_assignee.username
        for desk in CompanyDesk.objects.select_related("company", "default_assignee")
    }
    assert assignees == {"16000015": "contabil", "29000025": "proprietar"}
    CompanyDesk.objects.filter(company__cif="16000015").update(default_assignee=None)  # the user's choice
    call_command("demo_setup", "--password", "parola-demo", *companies)
    assert CompanyDesk.objects.get(company__cif="16000015").default_assignee is None


def test_the_demo_sandbox_serves_a_whole_previous_month_of_supplier_invoices_with_credit_notes(
    tmp_path: Path,
) -> None:
    from anaf_sandbox import traffic
    from anaf_sandbox.seed import parse_seed

    path = _seed_file(tmp_path, "http://127.0.0.1:8123/integrations/ro-efactura/oauth/callback/")
    seed = parse_seed(json.loads(path.read_text(encoding="utf-8")))
    assert seed.traffic is not None
    buyer = seed.companies[0]
    for now in (datetime(2026, 12, 31, 20, tzinfo=UTC), datetime(2027, 3, 1, 8, tzinfo=UTC)):
        last_month_end = now.date().replace(day=1) - timedelta(days=1)
        issued = [
            traffic.build_invoice(seed.traffic.seed, p.n, buyer, p.created_at, seed.traffic.credit_note_ratio)
            for p in traffic.plan(seed.traffic, [buyer.cif], now)
            if now - p.created_at < timedelta(days=60)  # what ANAF's lists still show
        ]
        last_month = [i for i in issued if i.issue_date.replace(day=1) == last_month_end.replace(day=1)]
        assert len(last_month) >= 20
        assert any(invoice.type_code == "381" for invoice in last_month)
        rates = {line.vat_rate for invoice in last_month for line in invoice.lines}
        assert {Decimal(21), Decimal(11), Decimal(0)} <= rates
