"""Every e-Factura endpoint against the sandbox: upload to download, validation, PDF, signature (§2)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from anaf import (
    AnafEndpoints,
    EFacturaClient,
    MessageStatus,
    NoSpvRights,
    ResponseError,
    TokenProvider,
)
from tests.anaf.anaf_testkit import FAST_RETRY, UBL_SAMPLE, Recorder, advance, calls, invoice_for, query_value

LAG_SECONDS = 30


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """ANAF takes its time: an upload stays `in prelucrare` until the sandbox clock moves on."""
    return {**sandbox_seed, "processing": {**sandbox_seed.get("processing", {}), "lag_seconds": LAG_SECONDS}}


def processed(sandbox: Any, client: EFacturaClient, upload_id: str | None) -> MessageStatus:
    """Let ANAF's processing time pass, then ask for the status once."""
    assert upload_id is not None
    advance(sandbox, LAG_SECONDS + 1)
    status = client.status(upload_id)
    assert status.is_final
    return status


def zip_entries(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_hello_echoes_the_certificate(client: EFacturaClient, certificate: dict[str, Any]) -> None:
    text = client.hello("Test Hello App!")

    assert "Hello" in text
    assert "Test Hello App!" in text


def test_an_invoice_goes_from_upload_to_a_signed_zip_kept_byte_for_byte(
    sandbox: Any, provider: TokenProvider, endpoints: AnafEndpoints, cif: str
) -> None:
    recorder = Recorder()
    xml = invoice_for(cif)
    with EFacturaClient(provider, "test", endpoints, recorder.client(), retry=FAST_RETRY) as client:
        receipt = client.upload(xml, f"RO{cif}")
        assert receipt.accepted
        assert receipt.upload_id is not None
        assert receipt.upload_id.isdigit()
        assert receipt.responded_at is not None
        assert client.status(receipt.upload_id).state == "in prelucrare"

        status = processed(sandbox, client, receipt.upload_id)
        assert status.state == "ok"
        assert status.download_id is not None

        message = client.download(status.download_id)

    assert message.raw == recorder.bodies[-1]  # exactly what came over the wire
    entries = zip_entries(message.raw)
    assert sorted(entries) == [f"{receipt.upload_id}.xml", f"semnatura_{receipt.upload_id}.xml"]
    assert entries[f"{receipt.upload_id}.xml"] == xml


def test_the_sent_invoice_appears_in_the_sellers_list(sandbox: Any, client: EFacturaClient, cif: str) -> None:
    receipt = client.upload(invoice_for(cif), cif)
    assert receipt.upload_id is not None
    processed(sandbox, client, receipt.upload_id)

    page = client.list_messages(cif, days=1, filter="T")

    [message] = page.messages
    assert message.upload_id == receipt.upload_id
    assert message.kind == "FACTURA TRIMISA"
    assert message.seller_cif == cif
    assert message.created is not None
    assert message.raw["id_solicitare"] == receipt.upload_id


def test_a_duplicate_upload_is_a_nok_verdict_with_the_error_report(
    sandbox: Any, client: EFacturaClient, cif: str
) -> None:
    first = client.upload(invoice_for(cif), cif)
    assert first.upload_id is not None
    processed(sandbox, client, first.upload_id)

    again = client.upload(invoice_for(cif), cif)
    assert again.accepted
    status = processed(sandbox, client, again.upload_id)

    assert status.state == "nok"
    assert status.download_id is not None
    report = zip_entries(client.download(status.download_id).raw)[f"{again.upload_id}.xml"]
    assert b"Factura a mai fost transmisa anterior" in report


def test_an_upload_refused_on_the_spot_is_a_result_with_anafs_words(client: EFacturaClient, cif: str) -> None:
    result = client.upload(b"<Invoice1>not an invoice</Invoice1>", cif)

    assert not result.accepted
    assert result.upload_id is None
    assert result.errors
    assert result.errors[0].startswith("Fisierul transmis nu este valid")


def test_an_upload_for_a_cif_without_rights_raises_no_spv_rights(
    client: EFacturaClient, foreign_cif: str
) -> None:
    with pytest.raises(NoSpvRights) as refused:
        client.upload(UBL_SAMPLE, foreign_cif)

    assert refused.value.anaf_text == f"Nu aveti drept in SPV pentru CIF={foreign_cif}"
    assert refused.value.status == 200


def test_upload_flags_and_b2c_reach_anaf(sandbox: Any, client: EFacturaClient, cif: str) -> None:
    client.upload(invoice_for(cif), cif, extern=True, self_billed=True)
    enforced = client.upload(invoice_for(cif), cif, enforcement=True)
    b2c = client.upload_b2c(invoice_for(cif), cif)

    first, second = calls(sandbox, "/test/FCTEL/rest/upload")[:2]
    assert query_value(first, "extern") == "DA"
    assert query_value(first, "autofactura") == "DA"
    assert query_value(first, "executare") is None
    assert query_value(second, "executare") == "DA"
    assert not enforced.accepted
    assert "executari silite" in enforced.errors[0]
    assert b2c.accepted
    assert len(calls(sandbox, "/test/FCTEL/rest/uploadb2c")) == 1


def test_a_buyer_answer_rasp_is_uploaded(client: EFacturaClient, cif: str) -> None:
    receipt = client.upload(invoice_for(cif), cif)
    rasp = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" index_incarcare="{receipt.upload_id}" '
        'message="Factura a fost primita, multumim."/>'
    ).encode()

    answer = client.upload(rasp, cif, "RASP")

    assert answer.accepted


def test_status_of_an_unknown_upload_is_a_plain_response_error(client: EFacturaClient) -> None:
    with pytest.raises(ResponseError) as refused:
        client.status("999999999")

    assert type(refused.value) is ResponseError  # under-match: not "no rights", not "expired"
    assert refused.value.anaf_text == "Nu exista factura cu id_incarcare= 999999999"


def test_check_cif_rights_tells_which_companies_the_token_reaches(
    client: EFacturaClient, cif: str, foreign_cif: str
) -> None:
    assert client.check_cif_rights(cif) is True
    assert client.check_cif_rights(foreign_cif) is False


def test_validate_returns_anafs_verdict(client: EFacturaClient, cif: str) -> None:
    good = client.validate(invoice_for(cif), "FACT1")
    bad = client.validate(b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>", "UBL")

    assert good.valid
    assert good.trace_id
    assert not good.messages
    assert not bad.valid
    assert bad.messages


def test_to_pdf_returns_a_pdf_or_the_findings(sandbox: Any, client: EFacturaClient, cif: str) -> None:
    pdf = client.to_pdf(invoice_for(cif))
    refused = client.to_pdf(b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>")
    unchecked = client.to_pdf(UBL_SAMPLE, "FACT1", validate=False)

    assert pdf.pdf is not None
    assert pdf.pdf.startswith(b"%PDF")
    assert not refused.ok
    assert refused.validation is not None
    assert refused.validation.messages
    assert unchecked.ok
    assert [c["path"] for c in calls(sandbox, "/transformare/")][
        -1
    ] == "/prod/FCTEL/rest/transformare/FACT1/DA"


def test_anaf_verifies_the_signature_of_a_downloaded_invoice(
    sandbox: Any, client: EFacturaClient, cif: str
) -> None:
    receipt = client.upload(invoice_for(cif), cif)
    assert receipt.upload_id is not None
    status = processed(sandbox, client, receipt.upload_id)
    assert status.download_id is not None
    entries = zip_entries(client.download(status.download_id).raw)
    xml, signature = entries[f"{receipt.upload_id}.xml"], entries[f"semnatura_{receipt.upload_id}.xml"]

    genuine = client.verify_signature(xml, signature)
    forged = client.verify_signature(xml.replace(b"</Invoice>", b"<!-- edited --></Invoice>"), signature)

    assert genuine.valid
    assert "validate cu succes" in genuine.message
    assert not forged.valid
    assert "NU au putut fi validate" in forged.message


def test_the_environment_chooses_anafs_path(
    sandbox: Any, provider: TokenProvider, endpoints: AnafEndpoints
) -> None:
    with EFacturaClient(provider, "prod", endpoints, retry=FAST_RETRY) as production:
        production.list_messages("16000015", days=1)

    assert [c["path"] for c in calls(sandbox, "listaMesajeFactura")] == [
        "/prod/FCTEL/rest/listaMesajeFactura"
    ]


def test_a_hello_that_mentions_maintenance_is_still_a_hello(client: EFacturaClient) -> None:
    assert "mentenanta" in client.hello("lucrari de mentenanta")
