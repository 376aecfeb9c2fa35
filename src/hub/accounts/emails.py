"""The invitation e-mail: a one-time link (Django's password-reset token) to set the password and log in.

Sent through the hub's configured Django mail backend (the same `EMAIL_*` settings the notification
e-mails use), over `accounts/emails/invitation-subject|-body-text|-body-html` templates.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hub.accounts.models import Membership, User


def invitation_link(user: User) -> str:
    """Valid once: the token is bound to the password hash, which setting the password changes."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("invitation-accept", kwargs={"uidb64": uidb64, "token": token})


def invitation_email(*, membership: Membership, inviter: User | None) -> None:
    """Send the invitation in the invitee's language; raises OSError when the SMTP server fails."""
    user = membership.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "inviter": inviter,
            "organization": membership.organization,
            "role": membership.get_role_display(),
            "link": invitation_link(user),
        }
        subject = render_to_string("accounts/emails/invitation-subject.txt", context).strip()
        text = render_to_string("accounts/emails/invitation-body-text.txt", context)
        html = render_to_string("accounts/emails/invitation-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
