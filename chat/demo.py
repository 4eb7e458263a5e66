"""Demo data for the chat app: weekly demo hours for the demo Sales users (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from chat.models import SalesAvailability


def load(log) -> None:
    users = get_user_model().objects.filter(groups__name="Sales", is_active=True).distinct()
    created = 0
    for user in users:
        for weekday in (1, 3):  # Tuesday and Thursday mornings
            _, new = SalesAvailability.objects.get_or_create(
                user=user,
                weekday=weekday,
                start_time=dt.time(10),
                defaults={"end_time": dt.time(12), "slot_minutes": 30},
            )
            created += int(new)
    log(f"chat: {created} availability rows for {users.count()} Sales users")
