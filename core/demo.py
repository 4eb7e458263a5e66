"""Demo staff accounts (embedded mode only) for trying each role."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import MARKETERS, OPS, SALES, roles_setup

DEMO_PASSWORD = "engage-demo"  # noqa: S105 - only in the embedded mode (or DEMO_ACCOUNTS=1)
DEMO_USERS = (
    ("admin", None, True),
    ("marketer", MARKETERS, False),
    ("sales", SALES, False),
    ("ops", OPS, False),
)


def load(log) -> None:
    roles_setup()
    if not settings.DEMO_ACCOUNTS:
        log("demo staff accounts skipped (service mode; set DEMO_ACCOUNTS=1 to create them)")
        return
    User = get_user_model()
    for username, group_name, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@ementech.test",
                "is_staff": True,
                "is_superuser": superuser,
                "first_name": username.title(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
    log(f"demo staff accounts: {', '.join(u for u, _, _ in DEMO_USERS)} (password {DEMO_PASSWORD})")
