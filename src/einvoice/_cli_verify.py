"""`efactura invoice verify ZIP...`: does the Ministry's signature in each ANAF ZIP cover its document?"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .archive import open_anaf_zip
from .errors import EInvoiceError
from .signature import SignatureVerdict, verify_signature


def register(sub: Any) -> None:
    """Add `verify` to the subparsers of `efactura invoice`."""
    command = sub.add_parser(
        "verify",
        help="check that the signature in ANAF ZIPs matches their invoice (both signature formats)",
        description="Prints, per ZIP, whether semnatura_*.xml covers the document and in which format "
        "(detached 2024 or enveloped, before 2024). Only the digest is compared, not the Ministry's RSA "
        "signature. Exit status 0 when every signature matches, 1 otherwise.",
    )
    command.add_argument("files", nargs="+", metavar="ZIP", type=Path)
    command.add_argument("--json", action="store_true", help="one JSON object per ZIP (a list for several)")
    command.set_defaults(func=run_verify)


def _verdict(path: Path) -> SignatureVerdict:
    try:
        archive = open_anaf_zip(path.read_bytes())
    except OSError as exc:
        reason = f"Cannot read the file / Fișierul nu poate fi citit: {exc.strerror or exc}"
        return SignatureVerdict(False, None, reason)
    except EInvoiceError as exc:
        return SignatureVerdict(False, None, str(exc))
    if archive.signature is None:
        return SignatureVerdict(
            False, None, "The ZIP holds no semnatura_*.xml / Arhiva nu conține semnătura (semnatura_*.xml)"
        )
    if not archive.xml_name:
        return SignatureVerdict(False, None, "The ZIP holds no document / Arhiva nu conține niciun document")
    return verify_signature(archive.xml, archive.signature)


def run_verify(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    all_match = True
    for path in args.files:
        verdict = _verdict(path)
        all_match = all_match and verdict.matches
        shown = str(verdict.format) if verdict.format else "unknown format"
        if args.json:
            results.append(
                {
                    "file": str(path),
                    "matches": verdict.matches,
                    "format": shown if verdict.format else None,
                    "reason": verdict.reason or None,
                }
            )
        elif verdict.matches:
            print(f"{path}: signature matches; format: {shown}")
        else:
            print(f"{path}: signature DOES NOT match; format: {shown}; {verdict.reason}")
    if args.json:
        payload: Any = results[0] if len(results) == 1 else results
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0 if all_match else 1
