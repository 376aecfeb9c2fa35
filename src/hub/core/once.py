"""One-time form tokens: a form that creates something is accepted once, however often it is sent.

The page embeds a signed nonce (`{% form_once %}`); the view calls `form_once_consume` before it creates.
The first request with the nonce inserts its row and goes on; a double click, a second tab or F5 on the
result collides with the unique key and is told the form was already sent. The check is the database's
unique constraint, so it holds across processes and hosts.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hub.core import clock
from hub.core.models import FormToken

FIELD = "form_once"
SALT = "hub.core.once"
MAX_AGE = timedelta(days=1)


def form_once_token(request: HttpRequest) -> str:
    """A fresh signed nonce for one rendering of a form, bound to the signed-in user."""
    return signing.dumps({"n": secrets.token_urlsafe(16), "u": request.user.pk}, salt=SALT)


def form_once_consume(request: HttpRequest) -> bool:
    """True for the first valid submission of this form's token; False for a repeat or a missing token."""
    try:
        data = signing.loads(request.POST.get(FIELD, ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if data.get("u") != request.user.pk:
        return False
    now = clock.now()
    try:
        with transaction.atomic():
            FormToken.objects.create(nonce=data["n"], used_at=now)
    except IntegrityError:
        return False
    FormToken.objects.filter(used_at__lt=now - MAX_AGE).delete()  # past max age a token is refused anyway
    return True
