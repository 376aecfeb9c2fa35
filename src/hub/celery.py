"""The Celery app of the hub: configured from Django settings (`CELERY_*`), tasks discovered in the apps.

Every process that runs tasks compiles the validation stylesheets when it starts (`einvoice.warm_up`), so
the first invoice a sync reads costs what every other one does: each prefork child compiles its own (a
compiled SaxonC runtime does not survive a fork, so the prefork parent never compiles), and a solo or
threads worker, which runs the tasks itself, compiles at its start.
"""

import logging
import os
from typing import Any

from celery import Celery
from celery.concurrency import get_implementation
from celery.concurrency.prefork import TaskPool as PreforkPool
from celery.signals import worker_init, worker_process_init

import einvoice

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

log = logging.getLogger(__name__)
WARM_RULES = "ro"  # what a sync runs on each received invoice: XSD and CIUS-RO (docs/performance.md)

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def validation_warm_up() -> None:
    """Compile the stylesheets now; a failure is logged, the first document compiles them again."""
    try:
        einvoice.warm_up(WARM_RULES)
    except Exception:
        log.exception("compiling the validation stylesheets at worker start failed")


@worker_process_init.connect
def _warm_up_pool_child(**_kwargs: Any) -> None:
    validation_warm_up()


@worker_init.connect
def _warm_up_worker(sender: Any = None, **_kwargs: Any) -> None:
    pool = get_implementation(getattr(sender, "pool_cls", None) or "prefork")
    if not (isinstance(pool, type) and issubclass(pool, PreforkPool)):
        validation_warm_up()
