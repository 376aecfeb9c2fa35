"""The sandbox's private keys: the IdP's JWT key (§1.8, kid ``anaf_2023_2024``) and an MF-like signing key
and certificate for ``semnatura_{id}.xml`` (§2.5). Kept in ``--state DIR`` so tokens and signatures survive a
restart; without a state directory one set per process is made and reused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

JWT_KID = "anaf_2023_2024"


@dataclass(frozen=True, slots=True)
class SandboxKeys:
    jwt_key: rsa.RSAPrivateKey
    mf_key: rsa.RSAPrivateKey
    mf_certificate: x509.Certificate

    @property
    def mf_certificate_der(self) -> bytes:
        return self.mf_certificate.public_bytes(serialization.Encoding.DER)


_process_keys: SandboxKeys | None = None
_lock = threading.Lock()


def load_keys(state_dir: Path | None) -> SandboxKeys:
    """Keys from ``state_dir`` (created there on first use), or this process's shared set."""
    global _process_keys  # noqa: PLW0603 - one key set per process keeps tests fast
    if state_dir is None:
        with _lock:
            if _process_keys is None:
                _process_keys = _generate()
            return _process_keys
    return _load_or_create(state_dir)


def _generate() -> SandboxKeys:
    jwt_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SandboxKeys(jwt_key, mf_key, _mf_certificate(mf_key))


def _mf_certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ministerul Finantelor (sandbox)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "RO e-Factura sandbox signing"),
        ]
    )
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _read_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} is not an RSA key")
    return key


def _load_or_create(state_dir: Path) -> SandboxKeys:
    state_dir.mkdir(parents=True, exist_ok=True)
    jwt_path, mf_path, cert_path = (
        state_dir / "jwt-key.pem",
        state_dir / "mf-key.pem",
        state_dir / "mf-cert.pem",
    )
    if jwt_path.exists() and mf_path.exists() and cert_path.exists():
        return SandboxKeys(
            _read_key(jwt_path), _read_key(mf_path), x509.load_pem_x509_certificate(cert_path.read_bytes())
        )
    keys = _generate()
    jwt_path.write_bytes(_pem(keys.jwt_key))
    mf_path.write_bytes(_pem(keys.mf_key))
    cert_path.write_bytes(keys.mf_certificate.public_bytes(serialization.Encoding.PEM))
    for path in (jwt_path, mf_path):
        path.chmod(0o600)
    return keys
