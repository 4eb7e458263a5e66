"""``manage.py sync_hubspot [--full]``: push our pending changes, then pull HubSpot's.

``--full`` resends every lead and reads every contact (first connection, or after a
long outage); without it, only dirty leads and contacts modified since the last pull."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from integrations.hubspot import client as hs
from integrations.hubspot.sync import contacts_mark_all_dirty, contacts_pull, contacts_push_all


class Command(BaseCommand):
    help = "Synchronise leads and HubSpot contacts (both ways)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--full", action="store_true", help="resend and reread everything")
        parser.add_argument("--no-push", action="store_true", help="only pull from HubSpot")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, full: bool, no_push: bool, no_progress: bool, **options) -> None:
        if not hs.enabled():
            raise CommandError("HubSpot is not configured (set HUBSPOT_ACCESS_TOKEN).")
        quiet = no_progress or not self.stdout.isatty()
        try:
            if not no_push:
                total = contacts_mark_all_dirty() if full else None
                with tqdm(total=total, desc="push", unit="lead", disable=quiet) as bar:
                    pushed = contacts_push_all(progress=bar.update)
                self.stdout.write(
                    f"pushed {pushed.upserted}, archived {pushed.archived}, refused {pushed.failed}"
                )
            with tqdm(desc="pull", unit="contact", disable=quiet) as bar:
                pulled = contacts_pull(full=full, progress=bar.update)
        except hs.HubSpotUnavailable as exc:
            raise CommandError(f"HubSpot unavailable ({exc}); nothing is lost, run again.") from exc
        self.stdout.write(
            f"pulled: {pulled.created} created, {pulled.updated} updated, "
            f"{pulled.unchanged} unchanged, {pulled.skipped} skipped, "
            f"{pulled.conflicts} conflicts"
        )
