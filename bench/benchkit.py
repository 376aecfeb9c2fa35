"""What the hand-run benchmarks share: a hub on a throw-away database, and CPU time per step."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def hub_on_throwaway_database() -> tuple[Any, Any]:
    """Django set up on a new SQLite file (or the emptied PostgreSQL of `DATABASE_URL`), with one user and
    their organization: (user, organization)."""
    data_dir = Path(tempfile.mkdtemp(prefix="efactura-bench-"))
    os.environ.setdefault("EFACTURA_DATA_DIR", str(data_dir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data_dir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if "postgres" in os.environ["DATABASE_URL"]:
        call_command("flush", interactive=False, verbosity=0)
    from hub.accounts.models import User
    from hub.accounts.services import organization_create

    user = User.objects.create_user(username="bench", password="bench-password-123")
    return user, organization_create(name="Bench", owner=user)
