"""Seed data: who may log in, which companies exist, what their inboxes hold, how the sandbox behaves.

The JSON Schema (``seed.schema.json``) is the reference for every key; this module checks a seed against
it and turns it into typed settings with the contract's defaults (§1.7 lifetimes, §3 limits, §1.4 code).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

SEEDS = resources.files("anaf_sandbox") / "seeds"


class SeedError(ValueError):
    """The seed does not match ``seed.schema.json`` or refers to something missing."""


@cache
def schema() -> dict[str, Any]:
    text = (resources.files("anaf_sandbox") / "seed.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def load_seed_file(path: Path) -> dict[str, Any]:
    """Read a seed file; relative message ``file`` paths become absolute (relative to the seed file)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for message in data.get("messages", []):
        file = Path(message.get("file", ""))
        if message.get("file") and not file.is_absolute():
            message["file"] = str((path.parent / file).resolve())
    return data


def default_seed() -> dict[str, Any]:
    """The seed used by the demo and by ``efactura sandbox`` without ``--seed``."""
    data: dict[str, Any] = json.loads((SEEDS / "default.json").read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class App:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class Certificate:
    serial: str
    holder: str
    pin: str
    issuer: str
    not_after: date | None
    cifs: frozenset[str]


@dataclass(frozen=True, slots=True)
class Company:
    cif: str
    name: str
    vat_payer: bool = True
    registration: str = ""
    efactura_register: bool = True
    street: str = ""
    city: str = ""
    county: str = ""
    postal_code: str = ""


@dataclass(frozen=True, slots=True)
class SeedMessage:
    cif: str
    direction: str
    file: str
    partner_cif: str | None = None
    created_at: datetime | None = None
    age_days: float | None = None
    id: str | None = None
    id_solicitare: str | None = None


@dataclass(frozen=True, slots=True)
class Traffic:
    invoices_per_company_per_day: int = 2
    days: int = 30
    seed: int = 1
    credit_note_ratio: float = 0.1
    companies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    access_days: float = 90
    refresh_days: float = 365
    refresh_mode: str = "sliding"
    max_grant_age_days: float | None = 730
    reuse_spent_refresh: bool = False
    roles: str = "HELLO@EFACTURA@ETRANSPORT@SRV_EFACTURA@SRV_ETRANSPORT"
    opaque_refresh_token: bool = False


@dataclass(frozen=True, slots=True)
class OAuthPolicy:
    code_seconds: float = 60
    pin_attempts: int = 3
    lock_minutes: float = 15


@dataclass(frozen=True, slots=True)
class Limits:
    calls_per_minute: int = 1000
    stare_per_message_per_day: int = 100
    descarcare_per_message_per_day: int = 10
    lista_per_cif_per_day: int = 1500
    paginatie_per_cif_per_day: int = 100000
    rasp_per_cif_per_day: int = 1000
    retention_days: int = 60
    page_size: int = 500
    vat_requests_per_second: int = 1


@dataclass(frozen=True, slots=True)
class Processing:
    lag_seconds: float = 3
    invalid_token_status: int = 401


@dataclass(frozen=True, slots=True)
class Seed:
    """A checked seed. ``raw`` is the dict as given (without defaults), for ``SandboxHandle.seed``."""

    raw: dict[str, Any]
    apps: tuple[App, ...]
    certificates: tuple[Certificate, ...]
    companies: tuple[Company, ...] = ()
    messages: tuple[SeedMessage, ...] = ()
    traffic: Traffic | None = None
    tokens: TokenPolicy = field(default_factory=TokenPolicy)
    oauth: OAuthPolicy = field(default_factory=OAuthPolicy)
    limits: Limits = field(default_factory=Limits)
    processing: Processing = field(default_factory=Processing)
    faults: tuple[dict[str, Any], ...] = ()

    def app(self, client_id: str) -> App | None:
        return next((a for a in self.apps if a.client_id == client_id), None)

    def certificate(self, serial: str) -> Certificate | None:
        return next((c for c in self.certificates if c.serial == serial), None)

    def company(self, cif: str) -> Company | None:
        return next((c for c in self.companies if c.cif == cif), None)


def parse_seed(data: dict[str, Any]) -> Seed:
    """Check ``data`` against the schema and apply defaults; raises :class:`SeedError`."""
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
        raise SeedError(f"seed invalid at {where}: {errors[0].message}")
    try:
        seed = _build(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise SeedError(f"seed invalid: {exc}") from exc
    serials = [c.serial for c in seed.certificates]
    if len(set(serials)) != len(serials):
        raise SeedError("seed invalid: certificate serials must be unique")
    for message in seed.messages:
        if not Path(message.file).is_file():
            raise SeedError(f"seed invalid: message file {message.file} does not exist")
    return seed


def _build(data: dict[str, Any]) -> Seed:
    apps = tuple(
        App(a["client_id"], a["client_secret"], tuple(a["redirect_uris"]), a.get("name", ""))
        for a in data["apps"]
    )
    certificates = tuple(
        Certificate(
            serial=c["serial"].lower(),
            holder=c["holder"],
            pin=c["pin"],
            issuer=c.get("issuer", "DigiSign Qualified CA Class 3 2017"),
            not_after=date.fromisoformat(c["not_after"]) if c.get("not_after") else None,
            cifs=frozenset(c.get("cifs", [])),
        )
        for c in data["certificates"]
    )
    companies = tuple(
        Company(
            cif=c["cif"],
            name=c["name"],
            vat_payer=c.get("vat_payer", True),
            registration=c.get("registration", ""),
            efactura_register=c.get("efactura_register", True),
            **dict(c.get("address", {})),
        )
        for c in data.get("companies", [])
    )
    messages = tuple(
        SeedMessage(
            cif=m["cif"],
            direction=m["direction"],
            file=m["file"],
            partner_cif=m.get("partner_cif"),
            created_at=_aware(m["created_at"]) if m.get("created_at") else None,
            age_days=m.get("age_days"),
            id=m.get("id"),
            id_solicitare=m.get("id_solicitare"),
        )
        for m in data.get("messages", [])
    )
    traffic = None
    if "traffic" in data:
        t = dict(data["traffic"])
        t["companies"] = tuple(t.get("companies", ()))
        traffic = Traffic(**t)
    return Seed(
        raw=data,
        apps=apps,
        certificates=certificates,
        companies=companies,
        messages=messages,
        traffic=traffic,
        tokens=TokenPolicy(**data.get("tokens", {})),
        oauth=OAuthPolicy(**data.get("oauth", {})),
        limits=Limits(**data.get("limits", {})),
        processing=Processing(**data.get("processing", {})),
        faults=tuple(data.get("faults", ())),
    )


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"created_at {text!r} needs a UTC offset")
    return moment
