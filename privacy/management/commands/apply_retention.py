"""``manage.py apply_retention [--dry-run]``: apply the retention periods now, in batches.

Prints one line per rule (rows deleted, or leads erased); ``--dry-run`` only counts.
Running it twice in a row removes nothing the second time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from privacy.retention import RULES, retention_apply, retention_plan


class Command(BaseCommand):
    help = "Delete or erase data kept longer than its retention period (see settings)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would go.")
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, dry_run: bool = False, batch_size: int | None = None, **options):
        plan = retention_plan()
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
            for rule in RULES:
                if rule.name in plan:
                    days = settings.PRIVACY_RETENTION_DAYS[rule.name]
                    self.stdout.write(
                        f"{rule.name}: {plan[rule.name]} would be removed "
                        f"(older than {days} days: {rule.description})"
                    )
                else:
                    self.stdout.write(f"{rule.name}: skipped (model not installed)")
            return
        total = sum(plan.values())
        bar = tqdm(total=total, desc="retention", unit="row", disable=None, file=self.stderr)

        def progress(_rule: str, removed: int) -> None:
            bar.update(removed)

        counts = retention_apply(batch_size=batch_size, progress=progress)
        bar.close()
        for rule in RULES:
            if rule.name in counts:
                self.stdout.write(f"{rule.name}: {counts[rule.name]} removed")
            else:
                self.stdout.write(f"{rule.name}: skipped (model not installed)")
        self.stdout.write(self.style.SUCCESS(f"Retention applied: {sum(counts.values())} removed."))
