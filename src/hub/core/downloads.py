"""`Content-Disposition` for files whose names come from outside (entry names inside supplier ZIPs)."""

from __future__ import annotations

import unicodedata

from django.utils.http import content_disposition_header


def download_name(name: str, fallback: str = "document") -> str:
    """The last path component without control characters (CR/LF would split the header) or quotes."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if unicodedata.category(char)[0] != "C" and char != '"')
    return cleaned.strip().lstrip(".") or fallback


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The header value; a non-ASCII name travels RFC 6266-encoded (`filename*=utf-8''...`)."""
    return content_disposition_header(not inline, download_name(name)) or "attachment"
