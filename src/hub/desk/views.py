"""Desk pages: "To review" (the filtered list with bulk actions), one invoice's review and trail, and the
default assignee of each company. Reading is for every member; changing needs an owner or an accountant."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.models import Membership, Organization, User
from hub.desk.buyer_messages import review_tell_supplier, reviews_transition_telling, sent_panel
from hub.desk.forms import ACTIONS, ActionForm, CommentForm, ReviewFilterForm
from hub.desk.models import InvoiceReview
from hub.desk.selectors import desks_of, review_get, reviewers_of, reviews_for
from hub.desk.services import (
    DeskError,
    Outcome,
    company_assignee_set,
    review_comment,
    reviews_assign,
    reviews_transition,
)
from hub.desk.wording import error_message

PAGE_SIZE = 50
BULK_LIMIT = 1000  # "every invoice matching the filters" acts on at most this many at once


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _organization(request: HttpRequest) -> Organization:
    return _membership(request).organization


@org_view()
def desk_list(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    form = ReviewFilterForm(request.GET or None, organization=organization)
    rows = reviews_for(organization, form.filters())
    total = rows.count()
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    last_page = max(1, -(-total // PAGE_SIZE))
    page = min(page, last_page)
    query = urlencode({key: value for key, value in request.GET.items() if key != "page" and value})
    context: dict[str, Any] = {
        "form": form,
        "reviews": list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
        "total": total,
        "page": page,
        "has_previous": page > 1,
        "has_next": page < last_page,
        "query": query,
        "action_form": ActionForm(organization=organization),
    }
    return render(request, "desk/list.html", context)


def _selected(request: HttpRequest, organization: Organization) -> list[int]:
    if request.POST.get("all_matching"):
        form = ReviewFilterForm(QueryDict(request.POST.get("query", "")), organization=organization)
        return list(
            reviews_for(organization, form.filters()).values_list("invoice_id", flat=True)[:BULK_LIMIT]
        )
    chosen: list[int] = []
    for value in request.POST.getlist("invoice"):
        try:
            chosen.append(int(value))
        except ValueError:
            continue
    return chosen


def _apply(request: HttpRequest, invoice_ids: list[int]) -> Outcome | None:
    """Run the posted action on the invoices; errors become messages and None."""
    membership = _membership(request)
    form = ActionForm(request.POST, organization=membership.organization)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return None
    try:
        action = form.cleaned_data["action"]
        if action == "assign":
            assignee = None
            if form.cleaned_data["assignee"]:
                assignee = User.objects.filter(pk=int(form.cleaned_data["assignee"])).first()
            return reviews_assign(membership=membership, invoice_ids=invoice_ids, assignee=assignee)
        transition = (
            reviews_transition_telling if form.cleaned_data["notify_supplier"] else reviews_transition
        )
        return transition(
            membership=membership,
            invoice_ids=invoice_ids,
            to_state=ACTIONS[action],
            reason=form.cleaned_data["reason"],
        )
    except DeskError as exc:
        messages.error(request, error_message(exc.code))
        return None


def _report(request: HttpRequest, outcome: Outcome) -> None:
    if outcome.changed:
        messages.success(
            request,
            ngettext("%(count)d invoice changed.", "%(count)d invoices changed.", len(outcome.changed))
            % {"count": len(outcome.changed)},
        )
    if outcome.skipped:
        reasons = sorted({error_message(code) for code in outcome.skipped.values()})
        messages.warning(
            request,
            ngettext(
                "%(count)d invoice left as it was: %(reasons)s",
                "%(count)d invoices left as they were: %(reasons)s",
                len(outcome.skipped),
            )
            % {"count": len(outcome.skipped), "reasons": " ".join(reasons)},
        )


@org_view(authorize=True)
@require_POST
def desk_bulk(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    query = request.POST.get("query", "")
    back = reverse("desk", kwargs={"slug": organization.slug}) + (f"?{query}" if query else "")
    invoice_ids = _selected(request, organization)
    if not invoice_ids:
        messages.error(request, error_message("nothing_chosen"))
        return redirect(back)
    outcome = _apply(request, invoice_ids)
    if outcome is not None:
        _report(request, outcome)
    return redirect(back)


def _review(organization: Organization, invoice_id: int) -> InvoiceReview:
    try:
        return review_get(organization, invoice_id)
    except InvoiceReview.DoesNotExist:
        raise Http404 from None


@org_view()
def desk_review(request: HttpRequest, invoice_id: int) -> HttpResponse:
    organization = _organization(request)
    review = _review(organization, invoice_id)
    if request.method == "POST":
        if not _membership(request).can_authorize:
            messages.error(request, error_message("no_permission"))
            return render(request, "desk/review.html", _review_context(request, review), status=403)
        outcome = _apply(request, [invoice_id])
        if outcome is not None:
            _report(request, outcome)
        return redirect("desk-review", slug=organization.slug, invoice_id=invoice_id)
    return render(request, "desk/review.html", _review_context(request, review))


def _review_context(request: HttpRequest, review: InvoiceReview) -> dict[str, Any]:
    organization = _organization(request)
    return {
        "review": review,
        "invoice": review.invoice,
        "entries": review.entries.select_related("user", "assignee"),
        "action_form": ActionForm(organization=organization),
        "comment_form": CommentForm(),
        "buyer_messages": sent_panel(request, review.invoice, on_desk=True),
    }


@org_view(authorize=True)
@require_POST
def desk_comment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    organization = _organization(request)
    _review(organization, invoice_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            review_comment(
                membership=_membership(request), invoice_id=invoice_id, text=form.cleaned_data["text"]
            )
        except DeskError as exc:
            messages.error(request, error_message(exc.code))
    else:
        messages.error(request, error_message("comment_empty"))
    return redirect("desk-review", slug=organization.slug, invoice_id=invoice_id)


@org_view(authorize=True)
@require_POST
def desk_rasp(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Tell the supplier of the current decision through ANAF, when it was decided without a message."""
    organization = _organization(request)
    _review(organization, invoice_id)
    try:
        review_tell_supplier(membership=_membership(request), invoice_id=invoice_id)
    except DeskError as exc:
        messages.error(request, error_message(exc.code))
    else:
        messages.success(request, _("The message to the supplier is on its way to ANAF."))
    return redirect("desk-review", slug=organization.slug, invoice_id=invoice_id)


@org_view()
def desk_assignees(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    membership = _membership(request)
    people = list(reviewers_of(organization))
    if request.method == "POST":
        if not membership.can_authorize:
            messages.error(request, error_message("no_permission"))
            return redirect("desk-assignees", slug=organization.slug)
        by_id = {str(user.pk): user for user in people}
        try:
            for company in organization.companies.all():
                chosen = request.POST.get(f"company-{company.pk}")
                if chosen is None:
                    continue
                if chosen and chosen not in by_id:
                    raise DeskError("bad_assignee")
                company_assignee_set(membership=membership, company=company, assignee=by_id.get(chosen))
        except DeskError as exc:
            messages.error(request, error_message(exc.code))
        else:
            messages.success(request, _("Default assignees saved."))
        return redirect("desk-assignees", slug=organization.slug)
    desks = desks_of(organization)
    rows = [
        (company, getattr(desks.get(company.pk), "default_assignee_id", None))
        for company in organization.companies.all().order_by("name", "cif")
    ]
    return render(request, "desk/assignees.html", {"rows": rows, "people": people})
