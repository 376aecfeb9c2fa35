"""The Celery app of the hub: configured from Django settings (`CELERY_*`), tasks discovered in the apps."""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _resume_interrupted(**kwargs: Any) -> None:
    """A worker that starts resumes what a dead one left (the SQLite broker never redelivers it)."""
    from hub.inbox.tasks import inbox_resume_interrupted_task

    inbox_resume_interrupted_task.delay()
