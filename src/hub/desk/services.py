"""Writes of the desk: open a review for every received invoice, change states (one or many), assign,
comment, set a company's default assignee. Each change is one `ReviewEntry` in the same transaction, and
approving, refusing and booking emit their webhook (`invoice.received.*`) after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from hub.accounts.models import Company, Membership, Organization, User
from hub.core import clock
from hub.core.events import Kind, WebhookEvent
from hub.desk.models import (
    TRANSITIONS,
    CompanyDesk,
    EntryKind,
    InvoiceReview,
    ReviewEntry,
    ReviewState,
)
from hub.desk.selectors import reviewers_of, waiting_for
from hub.inbox.models import Direction, Invoice
from hub.inbox.shapes import invoice_summary
from hub.notifications.services import event_raise
from hub.webhooks.services import webhook_emit

WEBHOOKS: dict[str, WebhookEvent] = {
    ReviewState.APPROVED: WebhookEvent.INVOICE_RECEIVED_APPROVED,
    ReviewState.REFUSED: WebhookEvent.INVOICE_RECEIVED_REFUSED,
    ReviewState.BOOKED: WebhookEvent.INVOICE_RECEIVED_BOOKED,
}
REASON_MAX = 2000


class DeskError(Exception):
    """A change the desk refuses; `code` is worded by `hub.desk.wording.error_message`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Outcome:
    """What a (bulk) change did: the invoices changed, and those left as they were with the reason code."""

    changed: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _require_reviewer(membership: Membership) -> None:
    if not membership.can_authorize:
        raise DeskError("no_permission")


def reviews_open(organization: Organization, invoice_ids: Iterable[int] | None = None) -> int:
    """Give the received invoices of the organization (all, or only `invoice_ids`) their review ("to
    review", the company's default assignee); idempotent, returns how many were opened.

    New invoices get theirs from `hub.desk.signals`; this is for the archive importer and for repairs, never
    on the request path."""
    candidates = Invoice.objects.filter(
        organization=organization, direction=Direction.RECEIVED, review__isnull=True
    )
    if invoice_ids is not None:
        candidates = candidates.filter(pk__in=list(invoice_ids))
    missing = list(candidates.values_list("pk", "company_id"))
    if not missing:
        return 0
    defaults = dict(
        CompanyDesk.objects.filter(company__organization=organization).values_list(
            "company_id", "default_assignee_id"
        )
    )
    now = clock.now()
    created = InvoiceReview.objects.bulk_create(
        [
            InvoiceReview(
                invoice_id=invoice_id,
                organization=organization,
                company_id=company_id,
                assignee_id=defaults.get(company_id),
                created=now,
            )
            for invoice_id, company_id in missing
        ],
        ignore_conflicts=True,  # a concurrent opener created some: theirs stand
    )
    return len(created)


def reviews_transition(
    *, membership: Membership, invoice_ids: Iterable[int], to_state: str, reason: str = ""
) -> Outcome:
    """Move each of the invoices to `to_state`; an invoice where that move is not allowed is skipped with
    the reason. Refusing needs a reason."""
    _require_reviewer(membership)
    if to_state not in TRANSITIONS:
        raise DeskError("unknown_state")
    reason = reason.strip()
    if to_state == ReviewState.REFUSED and not reason:
        raise DeskError("reason_required")
    if len(reason) > REASON_MAX:
        raise DeskError("reason_too_long")
    organization = membership.organization
    user = membership.user
    outcome = Outcome()
    wanted = sorted(set(invoice_ids))
    with transaction.atomic():  # lock the reviews only (PostgreSQL refuses the nullable assignee join)
        rows = {
            row.invoice_id: row
            for row in InvoiceReview.objects.select_for_update(of=("self",))
            .filter(organization=organization, invoice_id__in=wanted)
            .select_related("invoice__company", "invoice__message", "assignee")
        }
        now = clock.now()
        for invoice_id in wanted:
            row = rows.get(invoice_id)
            if row is None:
                outcome.skipped[invoice_id] = "not_found"
                continue
            if to_state not in TRANSITIONS[row.state]:
                outcome.skipped[invoice_id] = "not_allowed"
                continue
            from_state = row.state
            row.state = to_state
            row.reason = reason if to_state == ReviewState.REFUSED else ""
            row.changed_by = user
            row.changed_at = now
            row.save(update_fields=["state", "reason", "changed_by", "changed_at"])
            ReviewEntry.objects.create(
                review=row,
                kind=EntryKind.STATE,
                user=user,
                at=now,
                from_state=from_state,
                to_state=to_state,
                text=row.reason,
            )
            outcome.changed.append(invoice_id)
            event = WEBHOOKS.get(to_state)
            if event is not None:
                entry_count = row.entries.count()
                webhook_emit(
                    organization=organization,
                    event=event,
                    data=review_summary(row),
                    cause=f"review-{row.pk}-{entry_count}",
                )
    return outcome


def review_summary(row: InvoiceReview) -> dict[str, object]:
    """The `data` of a review webhook and an item of the API's `/reviews`: the invoice and its review."""
    return {
        "invoice": invoice_summary(row.invoice),
        "review": {
            "state": row.state,
            "reason": row.reason,
            "assignee": row.assignee.username if row.assignee else None,
            "changed_by": row.changed_by.username if row.changed_by else None,
            "changed_at": row.changed_at.isoformat() if row.changed_at else None,
        },
    }


def reviews_assign(*, membership: Membership, invoice_ids: Iterable[int], assignee: User | None) -> Outcome:
    """Assign the invoices to `assignee` (None: nobody); only a member who may review can be assigned."""
    _require_reviewer(membership)
    organization = membership.organization
    if assignee is not None and not reviewers_of(organization).filter(pk=assignee.pk).exists():
        raise DeskError("bad_assignee")
    outcome = Outcome()
    wanted = sorted(set(invoice_ids))
    with transaction.atomic():
        rows = {
            row.invoice_id: row
            for row in InvoiceReview.objects.select_for_update().filter(
                organization=organization, invoice_id__in=wanted
            )
        }
        now = clock.now()
        for invoice_id in wanted:
            row = rows.get(invoice_id)
            if row is None:
                outcome.skipped[invoice_id] = "not_found"
                continue
            if row.assignee_id == (assignee.pk if assignee else None):
                outcome.skipped[invoice_id] = "unchanged"
                continue
            row.assignee = assignee
            row.save(update_fields=["assignee"])
            ReviewEntry.objects.create(
                review=row, kind=EntryKind.ASSIGN, user=membership.user, at=now, assignee=assignee
            )
            outcome.changed.append(invoice_id)
    return outcome


def review_comment(*, membership: Membership, invoice_id: int, text: str) -> ReviewEntry:
    """Add a comment; viewers may not (they read the trail only)."""
    _require_reviewer(membership)
    text = text.strip()
    if not text:
        raise DeskError("comment_empty")
    if len(text) > REASON_MAX:
        raise DeskError("reason_too_long")
    row = InvoiceReview.objects.filter(organization=membership.organization, invoice_id=invoice_id).first()
    if row is None:
        raise DeskError("not_found")
    return ReviewEntry.objects.create(
        review=row, kind=EntryKind.COMMENT, user=membership.user, at=clock.now(), text=text
    )


def company_assignee_set(*, membership: Membership, company: Company, assignee: User | None) -> CompanyDesk:
    """Who gets the company's new invoices from now on (the invoices already open keep theirs)."""
    _require_reviewer(membership)
    if company.organization_id != membership.organization_id:
        raise DeskError("not_found")
    if assignee is not None and not reviewers_of(membership.organization).filter(pk=assignee.pk).exists():
        raise DeskError("bad_assignee")
    desk, _ = CompanyDesk.objects.update_or_create(company=company, defaults={"default_assignee": assignee})
    return desk


DIGEST_LISTED = 5


def digests_send() -> int:
    """Daily: tell each reviewer how many invoices wait for them, naming the oldest; returns events raised."""
    today = clock.now().date().isoformat()
    raised = 0
    for organization in Organization.objects.filter(
        pk__in=InvoiceReview.objects.filter(state=ReviewState.TO_REVIEW, assignee__isnull=False).values(
            "organization_id"
        )
    ):
        for user in reviewers_of(organization):
            waiting = waiting_for(user, organization)
            count = waiting.count()
            if not count:
                continue
            oldest = [
                f"{row.invoice.seller_name or row.invoice.seller_cif or '?'} {row.invoice.number or '?'} "
                f"({row.invoice.received_at.date().isoformat()})"
                for row in waiting[:DIGEST_LISTED]
            ]
            event = event_raise(
                organization=organization,
                kind=Kind.DESK_DIGEST,
                key=f"desk-digest:{user.pk}:{today}",
                params={"count": count, "summary": "; ".join(oldest)},
                recipients=[user],
                link=reverse("desk", kwargs={"slug": organization.slug})
                + "?assignee="
                + str(user.pk)
                + "&state=to_review",
            )
            raised += event is not None
    return raised
