"""Webhook problems as sentences in the reader's language.

Deliveries record what happened in English (`HTTP 500`, `URL: <reason>`, `ConnectError: ...`), which
stays searchable in logs and the database; the pages word it here, at the edge.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_UNSAFE = (
    (re.compile(r"only http:// and https:// URLs with a host are allowed"), "scheme"),
    (re.compile(r"credentials in the URL are not allowed"), "credentials"),
    (re.compile(r"bad port"), "port"),
    (re.compile(r"the host name does not resolve: (?P<host>.+)"), "resolve"),
    (re.compile(r"(?P<host>.+) resolves to a private address \((?P<ip>.+)\)"), "private"),
)
_NETWORK = {
    "ConnectError": "connect",
    "ConnectTimeout": "timeout",
    "ReadTimeout": "timeout",
    "WriteTimeout": "timeout",
    "PoolTimeout": "timeout",
    "RemoteProtocolError": "protocol",
}


def unsafe_url_message(reason: str) -> str:
    """Why an address may not receive webhooks (`network.UnsafeUrl`'s text), as a sentence."""
    for pattern, code in _UNSAFE:
        found = pattern.fullmatch(reason.strip())
        if not found:
            continue
        params = found.groupdict()
        if code == "scheme":
            return _("Only http:// and https:// addresses with a host name are accepted.")
        if code == "credentials":
            return _("A user name or password inside the address is not accepted.")
        if code == "port":
            return _("The port in the address is not valid.")
        if code == "resolve":
            return _("The host name %(host)s cannot be found.") % params
        return _("%(host)s points to a private network address (%(ip)s).") % params
    return reason


def delivery_error_message(error: str) -> str:
    """A recorded delivery error (`services.delivery_attempt`) as a sentence; empty stays empty."""
    if not error:
        return ""
    status = re.fullmatch(r"HTTP (\d{3})", error)
    if status:
        return _("The receiver answered with HTTP status %(status)s.") % {"status": status.group(1)}
    if error.startswith("URL: "):
        return unsafe_url_message(error.removeprefix("URL: "))
    kind = _NETWORK.get(error.split(":", 1)[0])
    if kind == "connect":
        return _("The receiver could not be reached.")
    if kind == "timeout":
        return _("The receiver did not answer in time.")
    if kind == "protocol":
        return _("The receiver closed the connection without a valid answer.")
    return _("The delivery failed (%(detail)s).") % {"detail": error}
