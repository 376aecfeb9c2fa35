"""How the sandbox judges an uploaded document (docs/anaf.md §2.1 upload errors, §2.6 validare, §2.9).

Schema problems are answered at upload (``ExecutionStatus="1"``); business-rule problems make the message
``nok`` later: the CIUS-RO Schematron (from ``einvoice.validate``) and ANAF's own field rules, of which the
sandbox knows ``R_BT_32_cui`` (the seller's CUI check digit, §2.6). This module words them the way ANAF does
and reads the few facts the duplicate check needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lxml import etree

import einvoice
from einvoice.cif import cif_is_valid, normalize_cif
from einvoice.namespaces import CAC, CBC, CII_ROOT, UBL_CREDIT_NOTE_ROOT, UBL_INVOICE_ROOT

RASP = "mfp:anaf:dgti:spv:reqMesaj:v1"
ROOTS = {
    "UBL": UBL_INVOICE_ROOT,
    "CN": UBL_CREDIT_NOTE_ROOT,
    "CII": CII_ROOT,
    "RASP": f"{{{RASP}}}header",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(slots=True)
class Verdict:
    """``schema_errors`` refuse the upload; ``rule_errors`` (Schematron) and ``field_errors`` (ANAF's own
    field rules) make it ``nok``."""

    schema_errors: list[str] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)
    field_errors: list[str] = field(default_factory=list)

    @property
    def nok_errors(self) -> list[str]:
        """The texts of the error report in a ``nok`` ZIP (§2.5)."""
        return [*self.rule_errors, *self.field_errors]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the duplicate check and the message list need from an invoice (§2.3 ``detalii``, §2.9)."""

    number: str | None
    issue_date: date | None
    seller_cif: str | None
    buyer_cif: str | None


def _sax(message: str, line: int = 1, column: int = 1) -> str:
    # §2.1: ANAF quotes the Java parser's exception; keep its shape.
    return (
        f"Fisierul transmis nu este valid. org.xml.sax.SAXParseException; lineNumber: {line}; "
        f"columnNumber: {column}; {message} "
    )


def root_problem(xml: bytes, standard: str) -> str | None:
    """An upload error when ``xml`` is not well-formed or its root does not fit ``standard``."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        return _sax(exc.msg, line if isinstance(line, int) else 1, column if isinstance(column, int) else 1)
    if root.tag != ROOTS[standard]:
        local = etree.QName(root).localname
        line = root.sourceline if isinstance(root.sourceline, int) else 1
        return _sax(f"cvc-elt.1.a: Cannot find the declaration of element '{local}'.", line)
    return None


def judge(xml: bytes) -> Verdict:
    """Run ``einvoice.validate`` (XSD + CIUS-RO) and ANAF's field rules; word the findings like ANAF."""
    report = einvoice.validate(xml, rules="ro")
    verdict = Verdict()
    for finding in report.errors:
        if finding.rule == "XSD":
            verdict.schema_errors.append(_sax(finding.message))
        else:
            text = finding.message
            verdict.rule_errors.append(text if text.startswith("[") else f"[{finding.rule}]-{text}")
    if not verdict.schema_errors:
        verdict.field_errors.extend(seller_cui_errors(xml))
    return verdict


def seller_cui_errors(xml: bytes) -> list[str]:
    """``R_BT_32_cui`` (§2.6): each Romanian code in the seller's ``PartyTaxScheme/CompanyID`` of a UBL
    invoice or credit note must have a correct check digit (``RO`` + digits, or digits for a seller in RO).

    Worded as ``validare`` quotes it, without its ``E: `` prefix; the CUI is quoted without ``RO``.
    """
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        return []
    if root.tag not in (ROOTS["UBL"], ROOTS["CN"]):
        return []
    ns = {"cbc": CBC, "cac": CAC}
    party = root.find("cac:AccountingSupplierParty/cac:Party", ns)
    if party is None:
        return []
    country = (party.findtext("cac:PostalAddress/cac:Country/cbc:IdentificationCode", "", ns) or "").strip()
    errors = []
    for position, scheme in enumerate(party.findall("cac:PartyTaxScheme", ns), start=1):
        value = (scheme.findtext("cbc:CompanyID", "", ns) or "").strip()
        romanian = value[:2].upper() == "RO" or (value.isdigit() and country.upper() == "RO")
        if not value or not romanian or cif_is_valid(value):
            continue
        cui = value[2:].strip() if value[:2].upper() == "RO" else value
        errors.append(
            "AccountingSupplierParty (1) sectiune Party (1) sectiune PartyTaxScheme "
            f"({position}) sectiune CompanyID (1)  eroare regula: R_BT_32_cui: Cui vanzator incorect / "
            f"validare CUI ({cui}) "
        )
    return errors


def validare_messages(verdict: Verdict) -> list[str]:
    """§2.6 ``Messages`` texts for ``validare`` / ``transformare``."""
    texts = [f"E: {text.strip()}" for text in verdict.schema_errors]
    texts += [f"E: validari globale  SCHEMATRON   eroare: {text}" for text in verdict.rule_errors]
    texts += [f"E: {text}" for text in verdict.field_errors]
    return texts


def _cif(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return normalize_cif(text)
    except ValueError:
        return None


def facts(xml: bytes) -> Facts:
    """Number, issue date, seller and buyer CIF of a UBL invoice or credit note (None where absent)."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        return Facts(None, None, None, None)
    ns = {"cbc": CBC, "cac": CAC}

    def first(paths: tuple[str, ...]) -> str | None:
        for path in paths:
            found = root.xpath(f"string({path})", namespaces=ns)
            if isinstance(found, str) and found.strip():
                return found.strip()
        return None

    def party(role: str) -> str | None:
        base = f"cac:{role}/cac:Party"
        return _cif(
            first(
                (
                    f"{base}/cac:PartyTaxScheme/cbc:CompanyID",
                    f"{base}/cac:PartyLegalEntity/cbc:CompanyID",
                    f"{base}/cac:PartyIdentification/cbc:ID",
                )
            )
        )

    issued = first(("cbc:IssueDate",))
    try:
        issue_date = date.fromisoformat(issued) if issued else None
    except ValueError:
        issue_date = None
    return Facts(
        number=first(("cbc:ID",)),
        issue_date=issue_date,
        seller_cif=party("AccountingSupplierParty"),
        buyer_cif=party("AccountingCustomerParty"),
    )


def rasp_target(xml: bytes) -> str | None:
    """The upload index a RASP message answers (its ``index_incarcare`` attribute)."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        return None
    value = root.get("index_incarcare")
    return value if value and value.isdigit() else None
