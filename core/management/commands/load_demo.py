"""``manage.py load_demo``: load the demo site and data (idempotent; safe to run again).

Each app that has demo content exposes ``<app>.demo.load(log)``; they run in dependency
order so pages exist before the events, leads and chats that point at them.
"""

from __future__ import annotations

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

DEMO_MODULES = (
    "core.demo",
    "content.demo",
    "events.demo",
    "leads.demo",
    "analytics.demo",
    "scoring.demo",
    "nurture.demo",
    "tools.demo",
    "chat.demo",
    "privacy.demo",
    "predictions.demo",
)


class Command(BaseCommand):
    help = "Load demo content: pages, resources, events, leads (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also generate a SYNTHETIC year of deals (predictions.synthetic) so the "
            "forecast and the models have history on the first run.",
        )

    def handle(self, *args, **options) -> None:
        # An app without demo content has no ``demo`` module; a broken one still raises.
        modules = [
            importlib.import_module(dotted)
            for dotted in DEMO_MODULES
            if importlib.util.find_spec(dotted) is not None
        ]
        messages: list[str] = []
        for module in tqdm(modules, desc="demo", unit="app", disable=None):
            with transaction.atomic():
                module.load(messages.append)
        if options.get("history"):
            for module in modules:
                if hasattr(module, "load_history"):
                    with transaction.atomic():
                        module.load_history(messages.append)
        for message in messages:
            self.stdout.write(message)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
