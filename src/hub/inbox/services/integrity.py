"""`archive_verify`: re-hash every stored original ZIP and re-check its signature digest against the rows.

Run by `efactura archive verify` and on a schedule (beat, `EFACTURA_ARCHIVE_VERIFY_CRON`). A ZIP that is
missing, no longer hashes to its name, or whose signature check now disagrees with the one recorded when
it was archived is a difference: printed, logged, and raised as an event to the organization's admins
(once per distinct set of differences).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

import einvoice
from hub.accounts.models import Organization
from hub.accounts.selectors import admins_of
from hub.core.events import Kind
from hub.documents import archive
from hub.inbox.models import Invoice, Message, MessageState
from hub.notifications.services import event_raise

log = logging.getLogger(__name__)


@dataclass
class Difference:
    organization_id: int
    download_id: str
    problem: str  # missing | corrupt | signature


@dataclass
class VerifyReport:
    checked: int = 0
    signatures: int = 0
    differences: list[Difference] = field(default_factory=list)


def archive_verify(*, notify: bool = True) -> VerifyReport:
    """Check every stored or archived message's ZIP; with `notify`, raise an event per organization."""
    report = VerifyReport()
    signatures = dict(
        Invoice.objects.exclude(signature_valid__isnull=True).values_list("message_id", "signature_valid")
    )
    messages = (
        Message.objects.filter(state__in=[MessageState.STORED, MessageState.ARCHIVED])
        .exclude(zip_sha256="")
        .values_list("pk", "company__organization_id", "download_id", "zip_sha256")
        .order_by("pk")
    )
    for message_id, organization_id, download_id, digest in messages.iterator(chunk_size=500):
        report.checked += 1
        problem = _check(digest, signatures.get(message_id), report)
        if problem:
            report.differences.append(Difference(organization_id, download_id, problem))
    if report.differences:
        log.error("archive verify: %s differences in %s ZIPs", len(report.differences), report.checked)
        if notify:
            _raise_events(report.differences)
    return report


def _check(digest: str, recorded_signature: bool | None, report: VerifyReport) -> str:
    storage = archive.archive_storage()
    name = archive.blob_name(digest)
    try:
        with storage.open(name, "rb") as handle:
            data: bytes = handle.read()
    except (FileNotFoundError, OSError):
        return "missing"
    if hashlib.sha256(data).hexdigest() != digest:
        return "corrupt"
    if recorded_signature is None:
        return ""
    report.signatures += 1
    try:
        opened = einvoice.open_anaf_zip(data)
        valid = bool(opened.signature and einvoice.verify_signature_digest(opened.xml, opened.signature))
    except Exception:  # an unreadable signature now, where one was read before, is a difference too
        valid = False
    return "" if valid == recorded_signature else "signature"


def _raise_events(differences: list[Difference]) -> None:
    by_organization: dict[int, list[Difference]] = defaultdict(list)
    for difference in differences:
        by_organization[difference.organization_id].append(difference)
    for organization in Organization.objects.filter(pk__in=list(by_organization)):
        found = sorted(by_organization[organization.pk], key=lambda d: d.download_id)
        summary = ", ".join(f"{d.download_id} ({d.problem})" for d in found[:50])
        fingerprint = hashlib.sha256(summary.encode()).hexdigest()[:16]
        event_raise(
            organization=organization,
            kind=Kind.INBOX_ARCHIVE_DAMAGED,
            key=f"inbox-archive-damaged:{organization.pk}:{fingerprint}",
            params={"count": len(found), "ids": summary},
            recipients=admins_of(organization),
        )
