"""The ``core`` app: what every other app leans on (errors, rate limits, the request
context, consent input, enqueue-after-commit, realtime push, roles and permissions).

It has no tables of its own yet; after every migrate it installs the role groups and the
rows Wagtail cannot run without.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.roles import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="core.ensure_roles")
