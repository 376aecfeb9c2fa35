"""Read one ANAF ZIP with `einvoice`: open it safely, classify, parse, validate, check the signature digest.

Validation runs what ANAF applies, the XSD and CIUS-RO (`rules="ro"`); CEN EN 16931 alone costs about as
much again per document and decides nothing at ANAF, so it runs on demand (`rules="all"`, or
`einvoice.validate(xml, rules="en16931")`). `Reading.checked` names what ran.

Nothing here raises for a bad document: every failure becomes `Reading.problem`, so a caller (the inbox
today, an outbox tomorrow) can still keep and list what it could not read. No database access.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import einvoice

log = logging.getLogger(__name__)
MAX_VALIDATION_FINDINGS = 200
UNKNOWN = "unknown"  # the kind of a document einvoice could not classify or parse


@dataclass
class Reading:
    """What `einvoice` made of one ZIP."""

    kind: str = UNKNOWN
    invoice: einvoice.Invoice | None = None
    problem: str = ""
    warnings: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    findings_warnings: list[dict[str, str]] = field(default_factory=list)
    valid: bool | None = None
    signature_valid: bool | None = None
    checked: list[str] = field(default_factory=list)  # the rule sets run: "xsd", "cius-ro", "en16931"


def finding_as_dict(item: einvoice.Finding) -> dict[str, str]:
    """A finding as the hub stores it (JSON)."""
    return {
        "rule": str(item.rule),
        "severity": str(item.severity),
        "message": str(item.message),
        "location": str(item.location or ""),
    }


def read_zip(data: bytes, *, rules: str = "ro", opened: einvoice.AnafArchive | None = None) -> Reading:
    """Open, classify, parse and validate (`rules` as `einvoice.validate`'s); every failure becomes
    `problem`, nothing raises. `opened` is `einvoice.open_anaf_zip(data)` when the caller has it already."""
    reading = Reading()
    try:
        archive = opened if opened is not None else einvoice.open_anaf_zip(data)
    except einvoice.UnsafeArchive as exc:
        reading.problem = f"ZIP: {exc}"
        return reading
    reading.kind = archive.kind
    if archive.signature is not None and archive.xml:
        try:
            reading.signature_valid = einvoice.verify_signature_digest(archive.xml, archive.signature)
        except Exception as exc:  # a broken signature file is a finding about the document, not a crash
            log.info("signature unreadable: %s", exc.__class__.__name__)
            reading.signature_valid = False
    if archive.kind == "error_report":
        reading.problem = "\n".join(archive.errors) or "ANAF error report"
        return reading
    if archive.kind == "buyer_message":
        reading.warnings = [archive.message or ""]
        return reading
    if archive.kind == "unknown":
        reading.problem = f"{archive.xml_name or 'no XML'}: not an invoice, credit note or ANAF message"
        return reading
    try:
        reading.invoice = einvoice.parse(archive.xml)
    except einvoice.EInvoiceError as exc:
        reading.problem = f"XML: {exc}"
        reading.kind = UNKNOWN
        return reading
    reading.warnings = list(reading.invoice.warnings)
    try:
        report = einvoice.validate(archive.xml, rules=rules)
    except Exception as exc:  # the validator must never cost us the document
        log.warning("validation crashed: %s", exc.__class__.__name__)
        reading.problem = f"validation: {exc.__class__.__name__}"
        return reading
    reading.valid = bool(report.valid)
    reading.checked = list(report.checked)
    reading.errors = [finding_as_dict(item) for item in report.errors[:MAX_VALIDATION_FINDINGS]]
    reading.findings_warnings = [finding_as_dict(item) for item in report.warnings[:MAX_VALIDATION_FINDINGS]]
    return reading
