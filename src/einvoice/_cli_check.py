"""`efactura invoice validate` and `efactura invoice render`: the check and render half of the CLI."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .errors import EInvoiceError
from .parse import parse
from .render import render_html, render_pdf
from .validate import RULE_SETS, Finding, ValidationReport, validate

# A PDF of 5,000 lines is already about 100 pages; a 15,000-line invoice took minutes and gigabytes.
DEFAULT_MAX_LINES = 5000
TOO_LARGE = 3  # exit code: refused by --max-lines


def register(sub: Any) -> None:
    """Add `validate` and `render` to the subparsers of `efactura invoice`."""
    check = sub.add_parser(
        "validate",
        help="check invoices against the UBL XSD and the CIUS-RO / EN 16931 Schematron",
        description="Exit status 0 when every file is valid for ANAF, 1 otherwise.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", type=Path)
    check.add_argument(
        "--json", action="store_true", help="print one JSON object per file (a list for several)"
    )
    check.add_argument(
        "--rules",
        choices=RULE_SETS,
        default="all",
        help="all: CIUS-RO decides, CEN 1.3.16 extras as warnings (default); ro: CIUS-RO; en16931: CEN alone",
    )
    check.set_defaults(func=run_validate)

    render = sub.add_parser("render", help="render an invoice as PDF or HTML")
    render.add_argument("file", metavar="FILE", type=Path)
    render.add_argument("-o", "--output", required=True, type=Path, help="OUT.pdf or OUT.html")
    render.add_argument("--lang", choices=("ro", "en"), default="ro")
    render.add_argument(
        "--max-lines",
        type=int,
        default=DEFAULT_MAX_LINES,
        help=f"refuse invoices with more lines (default {DEFAULT_MAX_LINES}; 0: no limit)",
    )
    render.set_defaults(func=run_render)


def run_validate(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    all_valid = True
    for path in args.files:
        try:
            report = validate(path.read_bytes(), rules=args.rules)
        except OSError as exc:
            message = f"Fișierul nu poate fi citit / Cannot read the file: {exc.strerror or exc}"
            report = ValidationReport(valid=False, errors=[Finding("IO", "fatal", message)])
        all_valid = all_valid and report.valid
        if args.json:
            results.append({"file": str(path), **report.as_dict()})
        else:
            _print_report(str(path), report)
    if args.json:
        payload: Any = results[0] if len(results) == 1 else results
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0 if all_valid else 1


def _print_report(name: str, report: ValidationReport) -> None:
    verdict = "valid" if report.valid else "INVALID"
    print(f"{name}: {verdict} ({len(report.errors)} errors, {len(report.warnings)} warnings)")
    for label, findings in (("error", report.errors), ("warning", report.warnings)):
        for finding in findings:
            where = f" at {finding.location}" if finding.location else ""
            print(f"  {label} {finding.rule}{where}: {finding.message}")


def run_render(args: argparse.Namespace) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        print(
            "Fișierul rezultat trebuie să fie .pdf sau .html / The output must end in .pdf or .html",
            file=sys.stderr,
        )
        return 2
    try:
        invoice = parse(args.file.read_bytes())
    except OSError as exc:
        print(f"Fișierul nu poate fi citit / Cannot read the file: {exc}", file=sys.stderr)
        return 1
    except EInvoiceError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    if args.max_lines and len(invoice.lines) > args.max_lines:
        print(
            f"Factura are {len(invoice.lines)} linii, mai mult de {args.max_lines}: nu o redau "
            f"(--max-lines 0 o redă oricum) / The invoice has {len(invoice.lines)} lines, more than "
            f"{args.max_lines}: not rendered (--max-lines 0 renders it anyway)",
            file=sys.stderr,
        )
        return TOO_LARGE
    if suffix == ".pdf":
        args.output.write_bytes(render_pdf(invoice, lang=args.lang))
    else:
        args.output.write_text(render_html(invoice, lang=args.lang), encoding="utf-8")
    print(args.output)
    return 0
