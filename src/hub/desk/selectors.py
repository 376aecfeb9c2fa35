"""Reads of the desk, always scoped to one organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from hub.accounts.models import Organization, Role, User
from hub.desk.models import CompanyDesk, InvoiceReview, ReviewState

UNASSIGNED = "none"
REVIEWER_ROLES = (Role.OWNER, Role.ACCOUNTANT)


@dataclass(frozen=True)
class ReviewFilters:
    company: int | None = None
    state: str = ""
    assignee: str = ""  # a user id, or UNASSIGNED
    supplier: str = ""  # part of the supplier's name or CIF
    date_from: date | None = None  # issue date
    date_to: date | None = None


def reviews_for(organization: Organization, filters: ReviewFilters | None = None) -> QuerySet[InvoiceReview]:
    """The organization's reviews, oldest received first."""
    filters = filters or ReviewFilters()
    rows = InvoiceReview.objects.filter(organization=organization).select_related(
        "invoice", "company", "assignee", "changed_by"
    )
    if filters.company:
        rows = rows.filter(company_id=filters.company)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.assignee == UNASSIGNED:
        rows = rows.filter(assignee__isnull=True)
    elif filters.assignee:
        rows = rows.filter(assignee_id=int(filters.assignee))
    if filters.supplier:
        text = filters.supplier.strip()
        bare = text.upper().removeprefix("RO").strip()
        rows = rows.filter(Q(invoice__seller_name__icontains=text) | Q(invoice__seller_cif__icontains=bare))
    if filters.date_from:
        rows = rows.filter(invoice__issue_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(invoice__issue_date__lte=filters.date_to)
    return rows.order_by("invoice__received_at", "pk")


def review_get(organization: Organization, invoice_id: int) -> InvoiceReview:
    """The review of one of the organization's invoices (`DoesNotExist` for another organization's)."""
    return InvoiceReview.objects.select_related("invoice", "company", "assignee", "changed_by").get(
        organization=organization, invoice_id=invoice_id
    )


def waiting_for(user: User, organization: Organization) -> QuerySet[InvoiceReview]:
    """What waits for `user`: invoices assigned to them still to review, oldest first."""
    return reviews_for(organization, ReviewFilters(state=ReviewState.TO_REVIEW, assignee=str(user.pk)))


def reviewers_of(organization: Organization) -> QuerySet[User]:
    """Who may be assigned: active members who may change review states."""
    return User.objects.filter(
        is_active=True, memberships__organization=organization, memberships__role__in=REVIEWER_ROLES
    ).order_by("first_name", "last_name", "username")


def desks_of(organization: Organization) -> dict[int, CompanyDesk]:
    return {
        desk.company_id: desk
        for desk in CompanyDesk.objects.filter(company__organization=organization).select_related(
            "default_assignee"
        )
    }
