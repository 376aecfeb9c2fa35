"""`efactura invoice verify ZIP...`, run as a real command on ZIPs shaped like ANAF's downloads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.einvoice.signature_fixtures import anaf_zip, detached_signature, enveloped_signature, invoice_xml

INVOICE = invoice_xml()


def verify(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efactura", "invoice", "verify", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_it_tells_each_zip_its_verdict_and_format_and_fails_on_a_tampered_one(tmp_path: Path) -> None:
    detached = write(tmp_path, "2025.zip", anaf_zip(INVOICE, detached_signature(INVOICE, "5004879752.xml")))
    enveloped = write(tmp_path, "2023.zip", anaf_zip(INVOICE, enveloped_signature(INVOICE)))
    altered = INVOICE.replace(b"TST-0001", b"TST-0666")
    tampered = write(tmp_path, "tampered.zip", anaf_zip(altered, enveloped_signature(INVOICE)))

    result = verify(detached, enveloped, tampered)

    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"{detached}: signature matches; format: detached 2024",
        f"{enveloped}: signature matches; format: enveloped (before 2024)",
        f"{tampered}: signature DOES NOT match; format: enveloped (before 2024); "
        "The signed copy is intact but differs from the invoice"
        " / Copia semnată este intactă, dar diferă de factură",
    ]


def test_it_exits_zero_when_every_signature_matches(tmp_path: Path) -> None:
    detached = write(tmp_path, "a.zip", anaf_zip(INVOICE, detached_signature(INVOICE, "5004879752.xml")))
    enveloped = write(tmp_path, "b.zip", anaf_zip(INVOICE, enveloped_signature(INVOICE)))

    result = verify(detached, enveloped)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("signature matches") == 2


def test_a_tampered_detached_zip_fails(tmp_path: Path) -> None:
    signature = detached_signature(INVOICE, "5004879752.xml")
    tampered = write(tmp_path, "t.zip", anaf_zip(INVOICE.replace(b"1000.00", b"1.00"), signature))

    result = verify(tampered)

    assert result.returncode == 1
    assert "signature DOES NOT match; format: detached 2024; No digest in the signature" in result.stdout


def test_json_output_and_what_cannot_be_verified(tmp_path: Path) -> None:
    good = write(tmp_path, "good.zip", anaf_zip(INVOICE, enveloped_signature(INVOICE)))
    unsigned = write(tmp_path, "unsigned.zip", anaf_zip(INVOICE, None))
    not_a_zip = write(tmp_path, "invoice.xml", INVOICE)

    result = verify("--json", good, unsigned, not_a_zip, tmp_path / "missing.zip")

    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "file": str(good),
        "matches": True,
        "format": "enveloped (before 2024)",
        "reason": None,
    }
    assert [(row["matches"], row["format"]) for row in rows[1:]] == [(False, None)] * 3
    assert "no semnatura_*.xml" in rows[1]["reason"]
    assert "Not a ZIP archive" in rows[2]["reason"]
    assert "Cannot read the file / Fișierul nu poate fi citit" in rows[3]["reason"]
