"""Demo data for the chat app: weekday demo hours for the demo Sales users (idempotent):
mornings 9:00–12:00 and afternoons 14:00–17:00, Monday to Friday (Nairobi time)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from chat.models import SalesAvailability

HOURS = ((dt.time(9), dt.time(12)), (dt.time(14), dt.time(17)))


def load(log) -> None:
    users = get_user_model().objects.filter(groups__name="Sales", is_active=True).distinct()
    created = 0
    for user in users:
        for weekday in range(5):
            for start, end in HOURS:
                _, new = SalesAvailability.objects.get_or_create(
                    user=user,
                    weekday=weekday,
                    start_time=start,
                    defaults={"end_time": end, "slot_minutes": 30},
                )
                created += int(new)
    log(f"chat: {created} availability rows for {users.count()} Sales users")
