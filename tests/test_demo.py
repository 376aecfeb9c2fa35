"""`efactura demo`: the time-travel hint reaches this demo, and a restart keeps people logged in."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from efactura.demo import time_travel_hint


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
