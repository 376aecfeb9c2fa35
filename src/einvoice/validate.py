"""Check an e-invoice the way ANAF does: UBL 2.1 XSD, then the official Schematron (compiled XSLT).

UBL is checked against the XSD and the combined CIUS-RO 1.0.9 XSLT (ANAF's verdict), plus CEN EN 16931
1.3.16 whose extra findings are warnings; CII against CEN's CII rules only (there is no CIUS-RO for CII).
Artefacts are package data (``einvoice/data``, see its SOURCES.md), compiled once per process, lazily.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from .namespaces import (
    CAC,
    CBC,
    CII,
    CII_ROOT,
    EXT,
    QDT,
    RAM,
    UBL_CREDIT_NOTE,
    UBL_CREDIT_NOTE_ROOT,
    UBL_INVOICE,
    UBL_INVOICE_ROOT,
    UDT,
)

__all__ = ["Finding", "RuleSet", "ValidationReport", "validate", "warm_up"]

logger = logging.getLogger(__name__)

RuleSet = Literal["all", "ro", "en16931"]
RULE_SETS: tuple[str, ...] = ("all", "ro", "en16931")

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"

# Root element -> XSD file (None: no schema vendored, Schematron only).
_ROOTS: dict[str, str | None] = {
    UBL_INVOICE_ROOT: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    UBL_CREDIT_NOTE_ROOT: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
    CII_ROOT: None,
}
_STYLESHEETS = {
    "cius-ro": "cius-ro-1.0.9/EN16931-CIUS_RO-UBL-validation.xslt",
    "cen-ubl": "en16931-1.3.16/EN16931-UBL-validation.xslt",
    "cen-cii": "en16931-1.3.16/EN16931-CII-validation.xslt",
}

# Prefixes used to shorten SVRL locations ("/*:Invoice[namespace-uri()='...'][1]" -> "/Invoice[1]").
_PREFIXES = {
    UBL_INVOICE: "",
    UBL_CREDIT_NOTE: "",
    CAC: "cac:",
    CBC: "cbc:",
    EXT: "ext:",
    CII: "rsm:",
    RAM: "ram:",
    UDT: "udt:",
    QDT: "qdt:",
}
_LOCATION_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]")

SAFE_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": False,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a document.

    ``rule`` is the rule id ("BR-RO-010", "BR-CO-15", "UBL-SR-53") or "XSD" for schema and
    well-formedness errors; ``severity`` is the Schematron flag ("fatal" or "warning"); ``message`` is the
    rule text as published (Romanian for BR-RO rules); ``location`` an XPath into the document.
    """

    rule: str
    severity: str
    message: str
    location: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
        }


@dataclass(slots=True)
class ValidationReport:
    """The outcome of :func:`validate`: ``valid`` is True exactly when ``errors`` is empty.

    With the default rule set, ``valid`` is ANAF's verdict (XSD + CIUS-RO bundle); what only CEN 1.3.16
    finds is listed under ``warnings``. ``checked`` names what ran, in order: "xsd", "cius-ro", "en16931"
    (empty when the document was refused before any of them, e.g. not XML).
    """

    valid: bool
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def schema_errors(self) -> list[Finding]:
        """Errors ANAF reports at upload time (XSD and XML well-formedness), before any Schematron."""
        return [finding for finding in self.errors if finding.rule == "XSD"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": [finding.as_dict() for finding in self.errors],
            "warnings": [finding.as_dict() for finding in self.warnings],
            "checked": list(self.checked),
        }


def validate(data: bytes, rules: str = "all") -> ValidationReport:
    """Check ``data`` (UBL Invoice/CreditNote or CII) and report every problem; never raises on bad input.

    ``rules``: "all" (XSD + CIUS-RO decide ``valid``; CEN 1.3.16 extras as warnings), "ro" (XSD + CIUS-RO),
    "en16931" (XSD + CEN 1.3.16 alone). CII documents are always checked against CEN's CII rules.
    """
    if rules not in RULE_SETS:
        raise ValueError(f"rules must be one of {', '.join(RULE_SETS)}, not {rules!r}")
    try:
        tree = etree.fromstring(data, etree.XMLParser(**SAFE_PARSER_OPTIONS)).getroottree()
    except etree.XMLSyntaxError as exc:
        return _rejected(
            f"Fișierul nu este un XML bine format: {exc.msg}. / The file is not well-formed XML: {exc.msg}."
        )
    except (ValueError, TypeError) as exc:  # e.g. str given, or an encoding lxml cannot decode
        return _rejected(f"Fișierul nu poate fi citit ca XML. / The file cannot be read as XML: {exc}.")
    if tree.docinfo.internalDTD is not None or tree.docinfo.system_url or tree.docinfo.public_id:
        return _rejected(
            "Fișierul conține o declarație DOCTYPE, care nu este permisă. "
            "/ The file contains a DOCTYPE declaration, which is not allowed."
        )
    root_tag = tree.getroot().tag
    if not isinstance(root_tag, str) or root_tag not in _ROOTS:
        return _rejected(
            f"Elementul rădăcină {root_tag} nu este o factură UBL (Invoice, CreditNote) sau CII. "
            f"/ The root element {root_tag} is not a UBL Invoice, CreditNote or CII invoice."
        )

    engine = _engine()
    errors: list[Finding] = []
    warnings: list[Finding] = []
    checked: list[str] = []
    xsd = _ROOTS[root_tag]
    if xsd is not None:
        errors.extend(engine.check_schema(xsd, tree))
        checked.append("xsd")
    # Saxon gets our own re-serialisation: no DOCTYPE, no entities, always UTF-8.
    text = etree.tostring(tree, encoding="unicode")
    if xsd is None:
        _sort(engine.run_schematron("cen-cii", text), errors, warnings)
        checked.append("en16931")
    elif rules == "en16931":
        _sort(engine.run_schematron("cen-ubl", text), errors, warnings)
        checked.append("en16931")
    else:
        anaf = engine.run_schematron("cius-ro", text)
        _sort(anaf, errors, warnings)
        checked.append("cius-ro")
        if rules == "all":
            seen = {(finding.rule, finding.location) for finding in anaf}
            warnings.extend(
                finding
                for finding in engine.run_schematron("cen-ubl", text)
                if (finding.rule, finding.location) not in seen
            )
            checked.append("en16931")
    return ValidationReport(valid=not errors, errors=errors, warnings=warnings, checked=checked)


def _rejected(message: str) -> ValidationReport:
    return ValidationReport(valid=False, errors=[Finding("XSD", "fatal", message, None)])


def _sort(findings: list[Finding], errors: list[Finding], warnings: list[Finding]) -> None:
    for finding in findings:
        (errors if finding.severity == "fatal" else warnings).append(finding)


def data_path() -> Path:
    """The folder of vendored artefacts (it must be on disk: the XSDs import each other by relative path)."""
    folder = files("einvoice") / "data"
    if not isinstance(folder, Path):  # pragma: no cover - zipped installs are not supported
        raise RuntimeError("einvoice must be installed as files on disk to load its XSD and XSLT artefacts")
    return folder


class _Engine:
    """Compiled schemas and stylesheets, shared by every thread of the process.

    lxml's ``XMLSchema`` keeps its error log on the object, so schema checks take a short lock.
    SaxonC documents ``PyXsltExecutable`` as not thread-safe: each thread runs its own ``clone()`` of the
    executable compiled once here, and parses with its own document builder.
    """

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor  # imported late: it starts a native runtime

        self._saxon = PySaxonProcessor(license=False)
        self._compile_lock = threading.Lock()
        self._schema_lock = threading.Lock()
        self._schemas: dict[str, etree.XMLSchema] = {}
        self._executables: dict[str, Any] = {}
        self._local = threading.local()

    def schema(self, name: str) -> etree.XMLSchema:
        with self._compile_lock:
            if name not in self._schemas:
                parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
                self._schemas[name] = etree.XMLSchema(etree.parse(str(data_path() / name), parser))
            return self._schemas[name]

    def executable(self, name: str) -> Any:
        with self._compile_lock:
            if name not in self._executables:
                compiler = self._saxon.new_xslt30_processor()
                path = data_path() / _STYLESHEETS[name]
                self._executables[name] = compiler.compile_stylesheet(stylesheet_text=findings_only(path))
                logger.debug("compiled %s", path.name)
            return self._executables[name]

    def check_schema(self, name: str, tree: etree._ElementTree) -> list[Finding]:
        schema = self.schema(name)
        with self._schema_lock:
            schema.validate(tree)
            entries: list[Any] = [*schema.error_log]  # type: ignore[misc]
        return [
            Finding("XSD", "fatal", f"{_short_names(entry.message)} (line {entry.line})", entry.path or None)
            for entry in entries
        ]

    def run_schematron(self, name: str, text: str) -> list[Finding]:
        from saxonche import PySaxonApiError

        local = self._local.__dict__
        if name not in local:
            compiled = self.executable(name)
            with self._compile_lock:
                local[name] = compiled.clone()
                local.setdefault("builder", self._saxon.new_document_builder())
        try:
            node = local["builder"].parse_xml(xml_text=text)
            svrl = local[name].transform_to_string(xdm_node=node)
        except Exception as exc:  # validate() reports, it never raises on a document
            # A stylesheet can stop on values it cannot cast; ANAF's engine would reject such a file too.
            if not isinstance(exc, PySaxonApiError):
                logger.exception("unexpected failure running %s", name)
            return [
                Finding(
                    "SCHEMATRON",
                    "fatal",
                    f"Validarea Schematron s-a oprit: {exc}. / Schematron validation stopped: {exc}.",
                    None,
                )
            ]
        return parse_svrl(svrl.encode("utf-8"))


_XSL = "http://www.w3.org/1999/XSL/Transform"


def findings_only(path: Path) -> str:
    """A stylesheet that imports the official one at ``path`` unchanged and reports only its findings.

    The official root template (ISO Schematron's skeleton) writes an SVRL report of every pattern and every
    rule that fired, indented, and walks the document once more per pattern in the default mode, which does
    nothing. The rules are evaluated by the official templates alone, pattern after pattern as the official
    root does; this root keeps their ``failed-assert`` and ``successful-report`` elements, in the same order,
    so a clean document's report is one empty element. It saves about a sixth of a CIUS-RO run.
    """
    official = etree.parse(str(path), etree.XMLParser(**SAFE_PARSER_OPTIONS)).getroot()
    roots = [
        template
        for template in official.iterfind(f"{{{_XSL}}}template")
        if template.get("match") == "/" and template.get("mode") is None
    ]
    if len(roots) != 1:  # not the skeleton's layout: run it as published
        return path.read_text(encoding="utf-8")
    modes = [
        element.get("mode")
        for element in roots[0].iter(f"{{{_XSL}}}apply-templates")
        if element.get("select") == "/" and element.get("mode")
    ]
    if not modes:
        return path.read_text(encoding="utf-8")
    patterns = "".join(f'<xsl:apply-templates mode="{mode}" select="/"/>' for mode in modes)
    return (
        f'<xsl:stylesheet version="2.0" xmlns:xsl="{_XSL}" xmlns:svrl="{SVRL_NS}">'
        f'<xsl:import href="{escape(path.as_uri(), quote=True)}"/>'
        '<xsl:output method="xml" indent="no"/>'
        f'<xsl:template match="/"><xsl:variable name="report">{patterns}</xsl:variable>'
        "<svrl:schematron-output>"
        '<xsl:copy-of select="$report/(svrl:failed-assert | svrl:successful-report)"/>'
        "</svrl:schematron-output></xsl:template></xsl:stylesheet>"
    )


def parse_svrl(svrl: bytes) -> list[Finding]:
    """Findings (``failed-assert`` and ``successful-report``) of an SVRL report, in document order."""
    if b"failed-assert" not in svrl and b"successful-report" not in svrl:
        return []  # a clean report (most documents) holds neither element: no need to parse it
    root = etree.fromstring(svrl, etree.XMLParser(**SAFE_PARSER_OPTIONS, remove_blank_text=True))
    findings = []
    for element in root.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
        text = " ".join("".join(map(str, element.itertext())).split())
        rule = element.get("id") or _rule_from_text(text)
        findings.append(
            Finding(rule, element.get("flag") or "fatal", text, short_location(element.get("location")))
        )
    return findings


def _rule_from_text(text: str) -> str:
    match = re.match(r"\[([A-Z][\w.-]+)\]", text)
    return match.group(1) if match else "SCHEMATRON"


def _short_names(message: str) -> str:
    """Write lxml's "{urn:...CommonBasicComponents-2}IssueDate" as "cbc:IssueDate"."""
    return re.sub(r"\{([^}]*)\}", lambda match: _PREFIXES.get(match.group(1), match.group(0)), message)


def short_location(location: str | None) -> str | None:
    """Turn Schematron's namespace-uri() steps into prefixed ones (cac:, cbc:, ram:...)."""
    if not location:
        return None

    def step(match: re.Match[str]) -> str:
        prefix = _PREFIXES.get(match.group(2))
        return match.group(0) if prefix is None else f"{prefix}{match.group(1)}"

    return _LOCATION_STEP.sub(step, location)


_engine_lock = threading.Lock()
_engine_instance: _Engine | None = None


def _engine() -> _Engine:
    global _engine_instance  # noqa: PLW0603 - one engine per process, created on first use
    with _engine_lock:
        if _engine_instance is None:
            _engine_instance = _Engine()
        return _engine_instance


def warm_up(rules: str = "all") -> None:
    """Compile what ``rules`` needs now rather than on the first document (e.g. at a worker's start).

    Loads the XSDs, compiles the Schematron stylesheets of ``rules`` (see :func:`validate`) once for the
    process and runs each on an empty document, so the first invoice a worker reads costs what every other
    one does.
    """
    if rules not in RULE_SETS:
        raise ValueError(f"rules must be one of {', '.join(RULE_SETS)}, not {rules!r}")
    engine = _engine()
    for name in _ROOTS.values():
        if name is not None:
            engine.schema(name)
    names = {"all": ("cius-ro", "cen-ubl", "cen-cii"), "ro": ("cius-ro", "cen-cii")}
    for stylesheet in names.get(rules, ("cen-ubl", "cen-cii")):
        engine.executable(stylesheet)
        # Saxon finishes preparing a stylesheet's rules on its first run (about 0.3 s for CIUS-RO), once for
        # the executable and every clone of it: an empty document of each root it checks pays that here.
        for root in _WARM_UP_ROOTS[stylesheet]:
            namespace, _, local_name = root[1:].partition("}")
            engine.run_schematron(stylesheet, f'<{local_name} xmlns="{namespace}"/>')


_WARM_UP_ROOTS = {
    "cius-ro": (UBL_INVOICE_ROOT, UBL_CREDIT_NOTE_ROOT),
    "cen-ubl": (UBL_INVOICE_ROOT, UBL_CREDIT_NOTE_ROOT),
    "cen-cii": (CII_ROOT,),
}
