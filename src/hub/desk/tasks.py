"""Periodic work of the desk."""

from __future__ import annotations

from celery import shared_task

from hub.desk.services import digests_send


@shared_task
def desk_digest_task() -> int:
    return digests_send()
