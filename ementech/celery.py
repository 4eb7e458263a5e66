"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")

app = Celery("ementech", task_cls="core.task_class:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["core"])


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **_: object) -> None:
    from ementech.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()


@worker_process_init.connect
def _embed_batches_on_every_core(**_: object) -> None:
    """The worker embeds pages' chunks in batches: let its model use every core."""
    from ementech.ai.embeddings import use_cores_for_batches

    use_cores_for_batches()
