"""`efactura sync [--company CIF]`: run the inbox sync in this process and print one line per company."""

from __future__ import annotations

from hub.accounts.cif import without_ro_prefix
from hub.accounts.models import Company
from hub.core.problems import problem_message
from hub.inbox.services.sync import inbox_sync_company


def sync_command(*, cif: str | None) -> int:
    companies = Company.objects.select_related("organization").order_by("organization__name", "cif")
    if cif:
        companies = companies.filter(cif=without_ro_prefix(cif))
        if not companies.exists():
            print(f"No company with CIF {cif} / Nicio firmă cu CIF {cif}")
            return 2
    failed = 0
    for company in companies:
        result = inbox_sync_company(company_id=company.pk, trigger="cli")
        line = (
            f"{company.organization.slug} {company.cif}: {result.outcome} "
            f"(listed {result.listed}, new {result.new}, downloaded {result.downloaded}, "
            f"archived {result.archived}, problems {result.problems})"
        )
        if result.error:
            failed += 1
            line += f" - {result.error}: {problem_message(result.error)}"
        print(line)
    return 1 if failed else 0
