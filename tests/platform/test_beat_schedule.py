"""Every periodic task in the beat timetable names a task the worker knows: a renamed or
moved task would otherwise be sent every period and dropped by the worker as unregistered."""

from __future__ import annotations

from ementech.celery import app
from ementech.schedule import beat_schedule


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    unknown = {
        name: entry["task"]
        for name, entry in beat_schedule().items()
        if entry["task"] not in app.tasks
    }
    assert unknown == {}


def test_models_are_retrained_on_a_schedule():
    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert "predictions.tasks.train_models" in tasks
