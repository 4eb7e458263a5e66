"""App config for operations; installs the role groups after every migrate."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    name = "ementech.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from ementech.ops.roles import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="ops.ensure_roles")
