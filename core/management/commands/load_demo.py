"""``manage.py load_demo``: load the demo site and data (idempotent; safe to run again).

Each app that has demo content exposes ``<app>.demo.load(log)``; they run in dependency
order so pages exist before the events, leads and chats that point at them.

``--history`` also runs each module's ``load_history(log)``: a SYNTHETIC year of leads,
deals and experiment exposures (``predictions.demo``, ``experiments.demo``), replaced on
each run. ``--history-if-missing`` does so only when no module reports history yet
(``has_history()``), so that ``make run`` pays for it once. ``--train`` then trains the
models on it once (predictions' models, the learned score, a rescore), in this process.
"""

from __future__ import annotations

import importlib
import importlib.util
import time

from django.core.management import call_command
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
    "experiments.demo",
)


class Command(BaseCommand):
    help = "Load demo content: pages, resources, events, leads (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also generate a SYNTHETIC year of leads, deals and experiment exposures "
            "(predictions.demo_history, experiments.demo) so the forecast, the models and "
            "the experiments have history on the first run (replaced on each run).",
        )
        parser.add_argument(
            "--history-if-missing",
            action="store_true",
            help="As --history, only when no synthetic history is loaded yet.",
        )
        parser.add_argument(
            "--train",
            action="store_true",
            help="After loading history, train the predictions and the learned score on it "
            "and rescore the leads.",
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
        history = options.get("history") or (
            options.get("history_if_missing")
            and not any(getattr(m, "has_history", lambda: False)() for m in modules)
        )
        if history:
            started = time.monotonic()
            for module in modules:
                if hasattr(module, "load_history"):
                    with transaction.atomic():
                        module.load_history(messages.append)
            messages.append(f"history loaded in {time.monotonic() - started:.1f}s")
        for message in messages:
            self.stdout.write(message)
        if history and options.get("train"):
            self._train()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def _train(self) -> None:
        from predictions.facade import models_train

        started = time.monotonic()
        self.stdout.write("training the models on the synthetic history…")
        # The rules' scores first: the intent score's baseline is the rules' engagement.
        call_command("rescore_leads", "--no-progress", stdout=self.stdout)
        for name, status in models_train().items():
            self.stdout.write(f"  {name}: {status}")
        call_command("train_scoring_model", "--no-progress", stdout=self.stdout)
        call_command("rescore_leads", "--no-progress", stdout=self.stdout)  # learned scores
        self.stdout.write(f"models trained in {time.monotonic() - started:.1f}s")
