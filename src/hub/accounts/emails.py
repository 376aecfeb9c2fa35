"""The invitation e-mail (a one-time link to accept) and the e-mail-change confirmation.

Sent through the hub's configured Django mail backend (the same `EMAIL_*` settings the notification
e-mails use), over `accounts/emails/<kind>-subject|-body-text|-body-html` templates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hub.accounts.models import Invitation, Role, User
from hub.accounts.tokens import email_change_token


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("invitation-open", kwargs={"token": token})


def invitation_email(*, invitation: Invitation, token: str) -> None:
    """Send the invitation in the chosen language; raises OSError when the SMTP server fails."""
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        context = {
            "inviter": invitation.invited_by,
            "organization": invitation.organization,
            "role": Role(invitation.role).label,
            "link": invitation_link(token),
        }
        subject = render_to_string("accounts/emails/invitation-subject.txt", context).strip()
        text = render_to_string("accounts/emails/invitation-body-text.txt", context)
        html = render_to_string("accounts/emails/invitation-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


def email_change_email(*, user: User, new_email: str) -> None:
    """Ask the new address to confirm; the link carries a signed, expiring token bound to the account."""
    token = email_change_token(user=user, new_email=new_email)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "link": settings.SITE_URL + reverse("email-confirm", kwargs={"token": token}),
        }
        subject = render_to_string("accounts/emails/email-change-subject.txt", context).strip()
        text = render_to_string("accounts/emails/email-change-body-text.txt", context)
    EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [new_email]).send()
