"""The completeness page: per company and month, what ANAF listed, what is archived, reviewed and booked,
what is missing since when, the messages at risk of ANAF's 60 days, and how long the originals are kept."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hub.accounts.decorators import org_view
from hub.desk.completeness import RETENTION_YEARS, completeness_for
from hub.inbox.services.alarms import ALARM_DAYS, ANAF_KEEPS


@org_view()
def desk_completeness(request: HttpRequest) -> HttpResponse:
    organization = request.membership.organization  # type: ignore[attr-defined]
    try:
        company_id: int | None = int(request.GET.get("company", ""))
    except ValueError:
        company_id = None
    return render(
        request,
        "desk/completeness.html",
        {
            "companies": completeness_for(organization, company_id=company_id),
            "all_companies": organization.companies.all().order_by("name", "cif"),
            "chosen": company_id,
            "retention_years": RETENTION_YEARS,
            "alarm_days": ALARM_DAYS[0],
            "anaf_days": ANAF_KEEPS.days,
        },
    )
