"""Demo slots: open times from the Sales team's weekly hours (or the team calendar in
settings), filtered by the day and part of day the visitor asked for in their own time
zone, labelled in that zone with its name; and the booking itself, held by the database so
two visitors cannot take the same slot.

A *hold* (``demo_hold``) takes a slot like a booking but lapses at its ``expires_at``
unless the address's owner confirms it with the one-time link (``demo_hold_confirm``).
A lapsed hold frees its slot at once for availability (it is not counted as taken) and is
marked ``expired`` lazily (before a booking of the same slot) and by the beat sweep
(``demo_holds_expire``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from chat.models import Conversation, DemoBooking, SalesAvailability

PARTS_OF_DAY = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class ToolRefused(Exception):
    pass


def visitor_zone(tz_name: str | None) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(tz_name) if tz_name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def zone_label(tz: dt.tzinfo) -> str:
    """ "Nairobi" for Africa/Nairobi: the name a visitor recognises."""
    key = getattr(tz, "key", "") or str(tz)
    return key.rsplit("/", 1)[-1].replace("_", " ")


def slot_label(start: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    local = start.astimezone(tz) if tz else timezone.localtime(start)
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def _slot_id(user_id: int | None, start: dt.datetime) -> str:
    return f"{user_id or 'team'}|{start.astimezone(dt.UTC):%Y%m%dT%H%M}"


def parse_slot_id(slot_id: str) -> tuple[int | None, dt.datetime]:
    m = re.fullmatch(r"(team|\d+)\|(\d{8}T\d{4})", slot_id or "")
    if not m:
        raise ValueError("bad slot id")
    user = None if m.group(1) == "team" else int(m.group(1))
    start = dt.datetime.strptime(m.group(2), "%Y%m%dT%H%M").replace(tzinfo=dt.UTC)
    return user, start


def _candidates(now: dt.datetime) -> list[tuple[dt.datetime, int | None, int]]:
    """Every open (start, sales user, minutes) in the coming days, earliest first."""
    tz = timezone.get_current_timezone()
    cfg = settings.CHAT_DEMO_AVAILABILITY
    rows = list(
        SalesAvailability.objects.filter(active=True, user__is_active=True).select_related("user")
    )
    taken = set(
        DemoBooking.objects.filter(_live(now), starts_at__gte=now).values_list(
            "slot_key", flat=True
        )
    )
    earliest = now + dt.timedelta(hours=12)
    out: list[tuple[dt.datetime, int | None, int]] = []
    for day_offset in range(1, int(cfg.get("days_ahead", 14)) + 1):
        day = (timezone.localtime(now) + dt.timedelta(days=day_offset)).date()
        if rows:
            for row in rows:
                if row.weekday != day.weekday():
                    continue
                start = dt.datetime.combine(day, row.start_time, tzinfo=tz)
                end = dt.datetime.combine(day, row.end_time, tzinfo=tz)
                while start + dt.timedelta(minutes=row.slot_minutes) <= end:
                    out.append((start, row.user_id, row.slot_minutes))
                    start += dt.timedelta(minutes=row.slot_minutes)
        elif day.weekday() in cfg.get("weekdays", [3, 4]):
            for hour in cfg.get("hours", [10, 14]):
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
                out.append((start, None, int(cfg.get("minutes", 30))))
    unique = {_slot_id(c[1], c[0]): c for c in out}  # overlapping rows offer a time once
    return sorted(
        (c for key, c in unique.items() if c[0] >= earliest and key not in taken),
        key=lambda c: (c[0], c[1] or 0),
    )


def _live(now: dt.datetime) -> Q:
    """Bookings that take their slot: confirmed ones and holds that have not lapsed."""
    return Q(status=DemoBooking.Status.CONFIRMED) | Q(
        status=DemoBooking.Status.HELD, expires_at__gt=now
    )


def _expire_lapsed(*, slot_key: str | None = None) -> int:
    """Mark lapsed holds ``expired`` (their links stop working); returns how many."""
    rows = DemoBooking.objects.filter(
        status=DemoBooking.Status.HELD, expires_at__lte=timezone.now()
    )
    if slot_key is not None:
        rows = rows.filter(slot_key=slot_key)
    return rows.update(status=DemoBooking.Status.EXPIRED, confirm_token_hash="")


def demo_holds_expire() -> int:
    """The beat sweep: every lapsed hold becomes ``expired``."""
    return _expire_lapsed()


def hold_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _fits(start: dt.datetime, tz: dt.tzinfo, pref: dict[str, Any]) -> bool:
    local = start.astimezone(tz)
    if pref.get("weekday") and WEEKDAYS[local.weekday()] != pref["weekday"]:
        return False
    part = PARTS_OF_DAY.get(pref.get("part_of_day") or "")
    if part and not part[0] <= local.hour < part[1]:
        return False
    after = str(pref.get("after_hour") or "")
    return not (after.isdigit() and local.hour < int(after))


def _as_slot(start: dt.datetime, user_id: int | None, minutes: int, tz: dt.tzinfo) -> dict:
    return {
        "id": _slot_id(user_id, start),
        "label": slot_label(start, tz),
        "starts_at": start.isoformat(),
        "minutes": minutes,
    }


def demo_slots_open(
    *, limit: int = 3, now: dt.datetime | None = None, tz_name: str = ""
) -> list[dict]:
    """Open demo slots, at most one a day so the choice stays simple."""
    return demo_slots_for(preference={}, tz_name=tz_name, limit=limit, now=now)["slots"]


def demo_slots_for(
    *,
    preference: dict[str, Any],
    tz_name: str = "",
    limit: int = 3,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Slots that honour the visitor's day and part of day (in their zone), one a day; when
    none fit, the nearest others and ``none_fit`` saying what could not be matched."""
    now = now or timezone.now()
    tz = visitor_zone(tz_name)
    cands = _candidates(now)
    pref = {k: v for k, v in (preference or {}).items() if v}
    # A time named in another zone ("2pm EAT" from a browser in New York) is read there;
    # the slots are still labelled in the visitor's own zone.
    asked_tz = visitor_zone(pref.pop("zone")) if pref.get("zone") else tz

    def pick(filter_pref: dict[str, Any]) -> list[dict]:
        out: list[dict] = []
        days: set[dt.date] = set()
        for start, user_id, minutes in cands:
            day = start.astimezone(tz).date()
            if day in days or not _fits(start, asked_tz, filter_pref):
                continue
            out.append(_as_slot(start, user_id, minutes, tz))
            days.add(day)
            if len(out) >= limit:
                break
        return out

    slots = pick(pref)
    none_fit = ""
    if pref and not slots:
        wanted = " ".join(
            x
            for x in (
                pref.get("weekday", "").capitalize(),
                pref.get("part_of_day", ""),
                f"after {pref['after_hour']}:00" if pref.get("after_hour") else "",
            )
            if x
        )
        if wanted and asked_tz is not tz:
            wanted += f" ({zone_label(asked_tz)} time)"
        none_fit = f"on {wanted} in the next two weeks" if wanted else "at that time"
        # the nearest others: the same day and part of day at another hour, then the same
        # day, then the same part of day on other days, then any
        for keep in (("weekday", "part_of_day"), ("weekday",), ("part_of_day",), ()):
            relaxed = {k: v for k, v in pref.items() if k in keep}
            if relaxed == pref and keep:
                continue
            if slots := pick(relaxed):
                break
    return {"slots": slots, "none_fit": none_fit, "timezone_name": zone_label(tz)}


def demo_book(
    *, conversation: Conversation, slot: dict, idempotency_key: str, reason: str = ""
) -> DemoBooking:
    """Book ``slot`` for the conversation's lead. The same key returns the same booking;
    a slot already held raises ``ToolRefused`` (the database decides under concurrency)."""
    return _insert(
        conversation=conversation,
        lead_id=conversation.lead_id,
        slot=slot,
        idempotency_key=idempotency_key,
        reason=reason,
    )


def demo_hold(
    *, conversation: Conversation, lead_id: Any, slot: dict, idempotency_key: str, reason: str = ""
) -> tuple[DemoBooking, str]:
    """Hold ``slot`` for the lead ``lead_id`` until ``CHAT_DEMO_HOLD_HOURS`` from now.
    Returns the booking and the confirmation token ('' when the key had already been used:
    no second link for the same hold). Only the token's SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(hours=float(settings.CHAT_DEMO_HOLD_HOURS))
    booking = _insert(
        conversation=conversation,
        lead_id=lead_id,
        slot=slot,
        idempotency_key=idempotency_key,
        reason=reason,
        status=DemoBooking.Status.HELD,
        expires_at=expires,
        confirm_token_hash=hold_token_hash(token),
    )
    return booking, token if booking.confirm_token_hash == hold_token_hash(token) else ""


def demo_hold_for_token(token: str, *, for_update: bool = False) -> DemoBooking | None:
    """The live hold a confirmation token belongs to (None if unknown, used or lapsed)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    rows = DemoBooking.objects.select_related("lead", "conversation")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    booking = rows.filter(
        confirm_token_hash=hold_token_hash(token), status=DemoBooking.Status.HELD
    ).first()
    if booking is None or booking.expires_at <= timezone.now():
        return None
    return booking


@transaction.atomic
def demo_hold_confirm(*, token: str) -> DemoBooking | None:
    """The address's owner opened the link and confirmed: the hold becomes a booking (once;
    the token is spent). None for an unknown, used or lapsed link."""
    booking = demo_hold_for_token(token, for_update=True)
    if booking is None:
        _expire_lapsed()
        return None
    booking.status = DemoBooking.Status.CONFIRMED
    booking.confirmed_at = timezone.now()
    booking.confirm_token_hash = ""
    booking.save(update_fields=["status", "confirmed_at", "confirm_token_hash"])
    return booking


def _insert(
    *,
    conversation: Conversation,
    lead_id: Any,
    slot: dict,
    idempotency_key: str,
    reason: str,
    **extra: Any,
) -> DemoBooking:
    existing = DemoBooking.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    user_id, start = parse_slot_id(slot["id"])
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    _expire_lapsed(slot_key=slot["id"])  # a lapsed hold must not keep the slot
    try:
        with transaction.atomic():
            return DemoBooking.objects.create(
                conversation=conversation,
                lead_id=lead_id,
                sales_user=user,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=int(slot.get("minutes", 30))),
                slot_key=slot["id"],
                idempotency_key=idempotency_key,
                reason=reason[:300],
                **extra,
            )
    except IntegrityError as exc:
        again = DemoBooking.objects.filter(idempotency_key=idempotency_key).first()
        if again:
            return again
        raise ToolRefused("that slot has just been taken") from exc
