"""Small typed readers of the environment, used by `hub.settings` only, and the configuration file.

Secrets may also come from a file named by `NAME_FILE` (Docker/Kubernetes secrets). `EFACTURA_CONFIG`
names an env file (`NAME=value` lines) that every process reads first (docs/configuration.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from dotenv import dotenv_values


class ConfigFileMissing(FileNotFoundError):
    """`EFACTURA_CONFIG` (or `--config`) names a file that does not exist."""


def load_config_file(path: str | Path) -> list[str]:
    """Put the settings of the env file at `path` into the environment; a variable the environment already
    sets wins over the file. Returns the names taken from the file (never their values: some are secrets)."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ConfigFileMissing(
            f"configuration file not found: {file} / fișierul de configurare nu există: {file}"
        )
    taken = []
    for name, value in dotenv_values(file).items():
        if value is not None and name not in os.environ:
            os.environ[name] = value
            taken.append(name)
    return taken


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    """The value of `name`, or the stripped content of the file named by `name_FILE`."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def email_settings_from_url(url: str) -> dict[str, object]:
    """Django e-mail settings from `EMAIL_URL`: smtp://user:pass@host:port?tls=1 | smtps://... |
    console:// | file:///path | memory://."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if scheme not in {"smtp", "smtps", "submission"}:
        raise ValueError(f"EMAIL_URL: unsupported scheme {scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    default_port = {"smtp": 25, "smtps": 465, "submission": 587}[scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "submission" or query.get("tls", "") in {"1", "true", "yes"},
        "EMAIL_TIMEOUT": int(query.get("timeout", "20")),
    }
