"""``R_BT_32_cui``: a seller CUI with a wrong check digit is refused as ANAF does (docs/anaf.md §2.6)."""

from __future__ import annotations

import io
import zipfile

import httpx
from lxml import etree

from anaf_sandbox import checks
from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import ALFA, BUCATARIA, make_invoice

WRONG_DIGIT = "16000016"  # ALFA (16000015) with the check digit changed
R_BT_32 = (
    "AccountingSupplierParty (1) sectiune Party (1) sectiune PartyTaxScheme (1) sectiune CompanyID (1)  "
    f"eroare regula: R_BT_32_cui: Cui vanzator incorect / validare CUI ({WRONG_DIGIT}) "
)
ERRORS_NS = "{mfp:anaf:dgti:efactura:mesajEroriFactuta:v1}"


def wrong_seller() -> bytes:
    """A valid invoice from ALFA whose seller VAT id then got a wrong check digit (build_ubl refuses it)."""
    xml = make_invoice(seller=ALFA, buyer=BUCATARIA)
    assert xml.count(f"RO{ALFA}".encode()) == 1
    return xml.replace(f"RO{ALFA}".encode(), f"RO{WRONG_DIGIT}".encode())


def test_validare_answers_r_bt_32_cui_for_a_wrong_check_digit(api: httpx.Client) -> None:
    answer = api.post("/prod/FCTEL/rest/validare/FACT1", content=wrong_seller()).json()

    assert answer["stare"] == "nok"
    assert answer["Messages"] == [{"message": f"E: {R_BT_32}"}]
    assert answer["trace_id"]


def test_validare_accepts_a_correct_seller_cui(api: httpx.Client) -> None:
    assert api.post("/prod/FCTEL/rest/validare/FACT1", content=make_invoice()).json()["stare"] == "ok"


def test_transformare_refuses_it_too_unless_told_not_to_validate(api: httpx.Client) -> None:
    xml = wrong_seller()

    checked = api.post("/prod/FCTEL/rest/transformare/FACT1", content=xml)
    unchecked = api.post("/prod/FCTEL/rest/transformare/FACT1/DA", content=xml)

    assert checked.json()["Messages"] == [{"message": f"E: {R_BT_32}"}]
    assert unchecked.headers["content-type"] == "application/pdf"


def test_an_upload_is_accepted_then_nok_with_the_rule_in_the_error_report(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    receipt = etree.fromstring(
        api.post(
            "/prod/FCTEL/rest/upload",
            params={"standard": "UBL", "cif": ALFA},
            content=wrong_seller(),
        ).content
    )
    assert receipt.get("ExecutionStatus") == "0"
    index = str(receipt.get("index_incarcare"))
    sandbox.advance(6)

    state = etree.fromstring(api.get("/prod/FCTEL/rest/stareMesaj", params={"id_incarcare": index}).content)
    assert state.get("stare") == "nok"
    archive = api.get("/prod/FCTEL/rest/descarcare", params={"id": state.get("id_descarcare")}).content
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        report = etree.fromstring(opened.read(f"{index}.xml"))
    assert [error.get("errorMessage") for error in report.iter(f"{ERRORS_NS}Error")] == [R_BT_32]
    # The seller cannot be identified, so the error message goes to the uploading CIF (§2.1).
    listed = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": ALFA}).json()
    assert [(m["tip"], m["id_solicitare"]) for m in listed["mesaje"]] == [("ERORI FACTURA", index)]
    buyer = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": BUCATARIA}).json()
    assert "mesaje" not in buyer  # a nok invoice never reaches the buyer


def test_which_codes_are_checked() -> None:
    def errors(value: str, country: str = "RO") -> list[str]:
        xml = make_invoice().replace(f"RO{ALFA}".encode(), value.encode())
        code = f"<cbc:IdentificationCode>{country}</cbc:IdentificationCode>"
        xml = xml.replace(b"<cbc:IdentificationCode>RO</cbc:IdentificationCode>", code.encode(), 1)
        return checks.seller_cui_errors(xml)

    assert errors(f"RO{ALFA}") == []
    assert errors(ALFA) == []
    assert errors(f"ro {ALFA}") == []
    assert len(errors("RO1111111111118")) == 1  # 13 digits: no CUI at all
    assert errors(WRONG_DIGIT) == [R_BT_32]
    assert errors(WRONG_DIGIT, country="DE") == []
    assert errors("DE123456789", country="DE") == []
    assert checks.seller_cui_errors(b"<not-xml") == []
