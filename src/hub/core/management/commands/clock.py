"""Show or move the hub clock (only with EFACTURA_ALLOW_TIME_TRAVEL=1: tests and the demo)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.core import clock


class Command(BaseCommand):
    help = "Show the hub clock, or move it (and, with --sandbox, the sandbox's clock by the same amount)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--advance-days", type=float, default=0)
        parser.add_argument("--reset", action="store_true")
        parser.add_argument(
            "--sandbox", action="store_true", help="also move the sandbox at EFACTURA_SANDBOX_URL"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["reset"]:
                clock.reset()
            elif options["advance_days"]:
                delta = timedelta(days=options["advance_days"])
                clock.advance(delta)
                if options["sandbox"]:
                    response = httpx.post(
                        f"{settings.EFACTURA_SANDBOX_URL}/_sandbox/clock",
                        json={"advance_seconds": delta.total_seconds()},
                        timeout=10,
                    )
                    response.raise_for_status()
                    self.stdout.write(f"sandbox clock: {response.json()['now']}")
        except clock.TimeTravelDisabled as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"hub clock: {clock.now().isoformat()} (offset {clock.offset()})")
