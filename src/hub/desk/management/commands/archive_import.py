"""`efactura archive import [--organization SLUG] DIR|ZIP...` (or `efactura manage archive_import ...`):
import ANAF originals kept by another tool, and print the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.accounts.models import Organization
from hub.desk.archive_import import archive_import, sources_from_paths
from hub.desk.import_wording import in_both, reason_text, signature_text
from hub.desk.models import ImportOutcome

LABELS = {
    ImportOutcome.IMPORTED: "imported / importat",
    ImportOutcome.DUPLICATE: "duplicate / duplicat",
    ImportOutcome.UNREADABLE: "unreadable / ilizibil",
    ImportOutcome.UNMATCHED: "no company / nicio firmă",
}


class Command(BaseCommand):
    help = "Import ANAF ZIPs ({id}.zip, or {id}.xml + semnatura_{id}.xml) kept by another tool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="DIR|ZIP")
        parser.add_argument("--organization", metavar="SLUG", help="needed when there are several")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = _organization(options["organization"])
        paths: list[Path] = options["paths"]
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"Not found / Nu există: {', '.join(missing)}")
        report = archive_import(
            organization=organization,
            sources=sources_from_paths(paths),
            source_label="efactura archive import " + " ".join(str(path) for path in paths),
        )
        for item in report.files:
            line = f"{LABELS[ImportOutcome(item.outcome)]}: {item.name}"
            details = [
                text
                for text in (
                    item.company.cif if item.company else "",
                    in_both(reason_text, item.reason, item.params),
                    in_both(signature_text, item.signature, item.params),
                )
                if text
            ]
            if details:
                line += " - " + "; ".join(details)
            self.stdout.write(line)
        counts = {outcome: report.count(outcome) for outcome in ImportOutcome}
        self.stdout.write(
            f"import {report.run.pk}: {counts[ImportOutcome.IMPORTED]} imported, "
            f"{counts[ImportOutcome.DUPLICATE]} duplicates, {counts[ImportOutcome.UNREADABLE]} unreadable, "
            f"{counts[ImportOutcome.UNMATCHED]} without a company / "
            f"{counts[ImportOutcome.IMPORTED]} importate, {counts[ImportOutcome.DUPLICATE]} duplicate, "
            f"{counts[ImportOutcome.UNREADABLE]} ilizibile, {counts[ImportOutcome.UNMATCHED]} fără firmă"
        )
        if counts[ImportOutcome.UNREADABLE] or counts[ImportOutcome.UNMATCHED]:
            raise SystemExit(1)


def _organization(slug: str | None) -> Organization:
    if slug:
        found = Organization.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No organization {slug} / Nicio organizație {slug}")
        return found
    organizations = list(Organization.objects.all()[:2])
    if len(organizations) != 1:
        raise CommandError(
            "Choose the organization with --organization SLUG / Alege organizația cu --organization SLUG"
        )
    return organizations[0]
