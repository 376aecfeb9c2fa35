"""The outbox against the sandbox over HTTP: checked, sent once, followed to ANAF's answer, never twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import anaf_sandbox.checks
from einvoice import DocumentKind
from hub.accounts.models import Company, Organization
from hub.documents import archive
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.services.intake import DuplicateInvoice, outgoing_intake
from hub.outbox.services.sending import outgoing_send
from hub.outbox.wording import explanation
from tests.hub.outbox.documents import dated_xml
from tests.hub.outbox.helpers import ALFA, issued_xml, later, upload_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alfa(authorized: Organization) -> Company:
    return Company.objects.get(organization=authorized, cif=ALFA)


def _reload(invoice: OutgoingInvoice) -> OutgoingInvoice:
    return OutgoingInvoice.objects.get(pk=invoice.pk)


def test_it_sends_a_valid_invoice_once_and_archives_the_signed_answer(
    hub_sandbox: Any, alfa: Company
) -> None:
    intake = outgoing_intake(company=alfa, xml=issued_xml(), filename="f1.xml")
    invoice = _reload(intake.invoice)
    assert invoice.state == OutgoingState.SENT  # eager Celery: sent, ANAF still processing
    assert invoice.upload_id
    assert invoice.number == "ALFA-2026-0001"
    assert invoice.seller_cif == ALFA
    assert not invoice.b2c

    later(hub_sandbox, minutes=1)

    invoice = _reload(invoice)
    assert invoice.state == OutgoingState.OK
    assert invoice.signature_valid is True
    assert archive.blob_exists(invoice.answer_sha256)
    assert archive.blob_get(invoice.xml_sha256) == issued_xml()
    calls = upload_calls(hub_sandbox)
    assert len(calls) == 1
    assert "standard=UBL" in calls[0]["query"]
    assert "cif=16000015" in calls[0]["query"]
    assert [a.outcome for a in invoice.attempts.all()] == ["sent"]


def test_an_invalid_invoice_is_kept_with_explained_errors_and_never_sent(
    hub_sandbox: Any, alfa: Company
) -> None:
    xml = issued_xml(buyer_id="8609469")  # the buyer's check digit is wrong

    invoice = outgoing_intake(company=alfa, xml=xml).invoice

    assert invoice.state == OutgoingState.INVALID
    errors = {error["rule"]: error for error in invoice.errors}
    assert errors["HUB-CIF-BUYER"]["value"] == "8609469"
    assert "8609469" in explanation(errors["HUB-CIF-BUYER"])
    assert upload_calls(hub_sandbox) == []
    assert archive.blob_get(invoice.xml_sha256) == xml  # nothing lost


def test_a_second_seller_tax_code_is_checked_as_anaf_does(hub_sandbox: Any, alfa: Company) -> None:
    xml = dated_xml("CUI-2", date(2026, 11, 27), second_tax_id="16000016")  # a wrong check digit
    assert anaf_sandbox.checks.seller_cui_errors(xml)  # what ANAF's own check answers

    invoice = outgoing_intake(company=alfa, xml=xml).invoice

    assert invoice.state == OutgoingState.INVALID
    found = {error["rule"]: error for error in invoice.errors}["HUB-CIF-SELLER"]
    assert found["value"] == "16000016"
    assert "PartyTaxScheme[2]" in found["location"]
    assert upload_calls(hub_sandbox) == []
    assert outgoing_intake(company=alfa, xml=dated_xml("CUI-3", date(2026, 11, 27))).invoice.errors == []


def test_a_schematron_error_names_rule_value_and_location(hub_sandbox: Any, alfa: Company) -> None:
    xml = issued_xml().replace(b"<cbc:PaymentMeansCode>30", b"<cbc:PaymentMeansCode>999")

    invoice = outgoing_intake(company=alfa, xml=xml).invoice

    assert invoice.state == OutgoingState.INVALID
    found = {error["rule"]: error for error in invoice.errors}["BR-CL-16"]
    assert found["value"] == "999"
    assert found["location"].endswith("cbc:PaymentMeansCode[1]")
    assert upload_calls(hub_sandbox) == []


def test_a_duplicate_is_refused_with_the_first_unless_deliberate(hub_sandbox: Any, alfa: Company) -> None:
    first = outgoing_intake(company=alfa, xml=issued_xml()).invoice

    with pytest.raises(DuplicateInvoice) as refused:
        outgoing_intake(company=alfa, xml=issued_xml())
    assert refused.value.first.pk == first.pk
    assert len(upload_calls(hub_sandbox)) == 1

    later(hub_sandbox, minutes=1)
    again = outgoing_intake(company=alfa, xml=issued_xml(), deliberate_resend=True).invoice
    later(hub_sandbox, minutes=1)

    again = _reload(again)
    assert again.state == OutgoingState.NOK  # ANAF's own duplicate answer
    assert "a mai fost transmisa anterior" in again.errors[0]["message"]
    assert _reload(first).upload_id in explanation(again.errors[0])


def test_an_idempotency_key_and_a_second_worker_never_upload_twice(hub_sandbox: Any, alfa: Company) -> None:
    first = outgoing_intake(company=alfa, xml=issued_xml(), idempotency_key="k-1")
    replay = outgoing_intake(company=alfa, xml=issued_xml(), idempotency_key="k-1")

    assert replay.replayed
    assert replay.invoice.pk == first.invoice.pk
    assert outgoing_send(invoice_id=first.invoice.pk) == "busy"  # a second worker finds it taken
    assert len(upload_calls(hub_sandbox)) == 1


def test_a_timeout_after_the_upload_arrived_links_it_without_a_second_upload(
    hub_sandbox: Any, alfa: Company, settings: Any
) -> None:
    settings.EFACTURA_ANAF_TIMEOUT_SECONDS = 1
    hub_sandbox.add_faults(
        {"path": "/*/FCTEL/rest/upload", "kind": "timeout", "seconds": 3, "after": True, "count": 1}
    )

    invoice = outgoing_intake(company=alfa, xml=issued_xml()).invoice

    invoice = _reload(invoice)
    assert invoice.state == OutgoingState.UNCERTAIN
    assert invoice.upload_id == ""
    later(hub_sandbox, minutes=2)  # past ANAF's indexing delay: the sent message is listed
    later(hub_sandbox, minutes=1)

    invoice = _reload(invoice)
    assert invoice.state == OutgoingState.OK
    assert invoice.upload_id
    assert len(upload_calls(hub_sandbox)) == 1  # the sandbox recorded exactly one upload
    assert [a.outcome for a in invoice.attempts.all()] == ["found"]
    assert hub_sandbox.calls("/listaMesajePaginatieFactura")


@pytest.mark.parametrize("kind", ["technical_error", "http_502", "http_500"])
def test_a_lost_answer_that_was_filed_is_found_not_sent_again(
    hub_sandbox: Any, alfa: Company, kind: str
) -> None:
    hub_sandbox.add_faults({"path": "/*/FCTEL/rest/upload", "kind": kind, "after": True, "count": 1})

    invoice = outgoing_intake(company=alfa, xml=issued_xml()).invoice
    assert _reload(invoice).state == OutgoingState.UNCERTAIN
    later(hub_sandbox, minutes=2)
    later(hub_sandbox, minutes=1)

    assert _reload(invoice).state == OutgoingState.OK
    assert len(upload_calls(hub_sandbox)) == 1


def test_a_technical_error_that_filed_nothing_is_uploaded_again_only_after_the_check(
    hub_sandbox: Any, alfa: Company
) -> None:
    hub_sandbox.add_faults({"path": "/*/FCTEL/rest/upload", "kind": "technical_error", "count": 1})

    invoice = outgoing_intake(company=alfa, xml=issued_xml()).invoice
    assert _reload(invoice).state == OutgoingState.UNCERTAIN
    later(hub_sandbox, minutes=2)  # listed: nothing; too early to say nothing arrived
    assert _reload(invoice).state == OutgoingState.UNCERTAIN
    assert len(upload_calls(hub_sandbox)) == 1

    later(hub_sandbox, minutes=25)  # past the settle time: nothing arrived, so it is sent again
    later(hub_sandbox, minutes=1)

    invoice = _reload(invoice)
    assert invoice.state == OutgoingState.OK
    assert [a.outcome for a in invoice.attempts.all()] == ["uncertain", "absent", "sent"]
    calls = upload_calls(hub_sandbox)
    assert len(calls) == 2
    assert calls[0]["fault"] == "technical_error"
    assert not calls[1].get("fault")


def test_a_consumer_invoice_goes_to_uploadb2c_and_a_credit_note_as_cn(
    hub_sandbox: Any, alfa: Company
) -> None:
    b2c = outgoing_intake(company=alfa, xml=issued_xml("B2C-1", buyer_id="0000000000000")).invoice
    note = outgoing_intake(company=alfa, xml=issued_xml("CN-1", kind=DocumentKind.CREDIT_NOTE)).invoice

    assert b2c.b2c
    assert note.standard == "CN"
    paths = [(call["path"].rsplit("/", 1)[-1], call["query"]) for call in upload_calls(hub_sandbox)]
    assert paths[0][0] == "uploadb2c"
    assert "standard=UBL" in paths[0][1]
    assert paths[1][0] == "upload"
    assert "standard=CN" in paths[1][1]
    later(hub_sandbox, minutes=1)
    assert _reload(b2c).state == OutgoingState.OK
    assert _reload(note).state == OutgoingState.OK
