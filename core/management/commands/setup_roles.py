"""``manage.py setup_roles``: create or refresh the Marketers, Sales and Ops groups."""

from django.core.management.base import BaseCommand

from core.roles import roles_setup


class Command(BaseCommand):
    help = "Create or refresh the staff role groups and their permissions (idempotent)."

    def handle(self, *args, **options) -> None:
        for role, count in roles_setup().items():
            self.stdout.write(f"{role}: {count} permissions")
