"""Reading the outbox, always scoped to one organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from hub.accounts.models import Organization
from hub.outbox.models import OutgoingInvoice, Standard


@dataclass(frozen=True)
class OutgoingFilters:
    company: int | None = None
    state: str = ""
    q: str = ""  # number or buyer
    date_from: date | None = None
    date_to: date | None = None


def outgoing_for(
    organization: Organization, filters: OutgoingFilters | None = None
) -> QuerySet[OutgoingInvoice]:
    filters = filters or OutgoingFilters()
    rows = (
        OutgoingInvoice.objects.filter(organization=organization)
        .exclude(standard=Standard.RASP)  # buyer messages travel as uploads too: not issued invoices
        .select_related("company", "amends")
        .prefetch_related("amendments")
    )
    if filters.company:
        rows = rows.filter(company_id=filters.company)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.q:
        rows = rows.filter(
            Q(number__icontains=filters.q) | Q(buyer_name__icontains=filters.q) | Q(buyer_id=filters.q)
        )
    if filters.date_from:
        rows = rows.filter(issue_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(issue_date__lte=filters.date_to)
    return rows


def outgoing_get(organization: Organization, invoice_id: int) -> OutgoingInvoice:
    """One outgoing invoice of the organization; another organization's is a 404, as if it did not exist."""
    found = outgoing_for(organization).filter(pk=invoice_id).first()
    if found is None:
        raise Http404("no such outgoing invoice")
    return found


def outgoing_history(invoice: OutgoingInvoice) -> list[OutgoingInvoice]:
    """Every version of this invoice, oldest first: what it corrects, and the corrections sent after it."""
    first = invoice
    seen = {first.pk}
    while first.corrects_id is not None and first.corrects_id not in seen:
        parent = OutgoingInvoice.objects.filter(
            pk=first.corrects_id, organization=invoice.organization
        ).first()
        if parent is None:
            break
        seen.add(parent.pk)
        first = parent
    chain = [first]
    while True:
        nxt = OutgoingInvoice.objects.filter(corrects=chain[-1], organization=invoice.organization).order_by(
            "pk"
        )
        following = nxt.exclude(pk__in=[row.pk for row in chain]).first()
        if following is None:
            return chain
        chain.append(following)
