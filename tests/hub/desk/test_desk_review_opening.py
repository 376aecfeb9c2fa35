"""The review a received invoice gets when its row is created, wherever it is created from."""

from __future__ import annotations

import pytest

from hub.accounts.models import Company, User
from hub.core import clock
from hub.desk.models import CompanyDesk, InvoiceReview, ReviewState
from hub.inbox.models import Direction, DocumentKind, Invoice, InvoiceState, Message

pytestmark = pytest.mark.django_db


def _invoice(company: Company, number: str, direction: str = Direction.RECEIVED) -> Invoice:
    now = clock.now()
    message = Message.objects.create(company=company, download_id=number, direction=direction, listed_at=now)
    return Invoice.objects.create(
        organization_id=company.organization_id,
        company=company,
        message=message,
        direction=direction,
        kind=DocumentKind.INVOICE,
        state=InvoiceState.OK,
        number=number,
        received_at=now,
        created=now,
    )


def test_each_received_invoice_gets_one_review_with_its_companys_default_assignee(
    companies: list[Company], member: User, owner: User
) -> None:
    with_desk, other_desk, without_desk = companies
    CompanyDesk.objects.create(company=with_desk, default_assignee=member)
    CompanyDesk.objects.create(company=other_desk, default_assignee=owner)
    before = clock.now()

    first = _invoice(with_desk, "1")
    second = _invoice(other_desk, "2")
    third = _invoice(without_desk, "3")
    sent = _invoice(with_desk, "4", direction=Direction.SENT)
    first.number = "1bis"
    first.save()  # saved again: still one review

    reviews = {review.invoice_id: review for review in InvoiceReview.objects.all()}
    assert set(reviews) == {first.pk, second.pk, third.pk}
    assert sent.pk not in reviews
    assert [(reviews[row.pk].assignee_id, reviews[row.pk].company_id) for row in (first, second, third)] == [
        (member.pk, with_desk.pk),
        (owner.pk, other_desk.pk),
        (None, without_desk.pk),
    ]
    for review in reviews.values():
        assert review.organization_id == with_desk.organization_id
        assert review.state == ReviewState.TO_REVIEW
        assert review.reason == ""
        assert review.changed_by is None
        assert review.changed_at is None
        assert before <= review.created <= clock.now()
