"""Logging filters that keep secrets out of the server's logs."""

from __future__ import annotations

import logging


class RedactQueryString(logging.Filter):
    """Drop the query string from uvicorn access-log lines.

    The OAuth callback carries ANAF's one-time authorization code in its query string; it must never reach
    a log file, and no other query string of the hub is worth keeping there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True
