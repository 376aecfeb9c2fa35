"""Re-encrypt every stored secret with the first key of EFACTURA_ENCRYPTION_KEYS (MultiFernet.rotate)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from hub.core.rotation import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt stored tokens with the first key of EFACTURA_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = rotate_all()
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} row(s) re-encrypted")
