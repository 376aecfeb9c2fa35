"""Links put into notifications."""

from __future__ import annotations

from django.urls import reverse


def reauthorization_link(slug: str) -> str:
    return reverse("ro-efactura", kwargs={"slug": slug}) + "#authorization"
