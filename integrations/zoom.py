"""Zoom through its REST API v2 with server-to-server OAuth (Zoom publishes no official
Python SDK for the REST API; httpx speaks it directly).

Publishing a virtual event creates its Zoom meeting (webinar for webinars), registrations
are pushed as registrants, and after the event the participant, Q&A and poll reports are
pulled into attendance (``event_attended`` interactions) through the events app's API
import; the CSV upload stays as the fallback. 429 (honouring ``Retry-After``) and 5xx are
retried; an expired token is renewed once."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import timezone

from integrations.models import ZoomMeeting, ZoomRegistrant

log = logging.getLogger(__name__)

TOKEN_KEY = "integrations:zoom:token"  # noqa: S105 - a cache key, not a secret
REPORT_DELAY = timedelta(minutes=30)  # Zoom's reports settle after the meeting ends


class ZoomUnavailable(ConnectionError):
    """Zoom could not be reached or kept failing; the task retries later."""


class ZoomRefused(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"Zoom refused ({status}): {str(body)[:300]}")
        self.status = status


def enabled() -> bool:
    return bool(
        settings.ZOOM_ACCOUNT_ID and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET
    )


def _token(*, renew: bool = False) -> str:
    token = None if renew else cache.get(TOKEN_KEY)
    if token:
        return token
    try:
        response = httpx.post(
            settings.ZOOM_OAUTH_URL,
            params={"grant_type": "account_credentials", "account_id": settings.ZOOM_ACCOUNT_ID},
            auth=(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET),
            timeout=10,
        )
    except httpx.HTTPError as exc:
        raise ZoomUnavailable(str(exc)) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise ZoomUnavailable(f"oauth {response.status_code}")
    if response.status_code != 200:
        raise ZoomRefused(response.status_code, response.text)
    data = response.json()
    cache.set(TOKEN_KEY, data["access_token"], max(int(data.get("expires_in", 3600)) - 60, 30))
    return data["access_token"]


def _request(method: str, path: str, *, json: dict | None = None, params: dict | None = None):
    url = settings.ZOOM_API_URL.rstrip("/") + path
    renewed = False
    for attempt in range(settings.ZOOM_MAX_RETRIES + 1):
        try:
            response = httpx.request(
                method,
                url,
                json=json,
                params=params,
                headers={"Authorization": f"Bearer {_token(renew=renewed)}"},
                timeout=15,
            )
        except httpx.HTTPError as exc:
            if attempt == settings.ZOOM_MAX_RETRIES:
                raise ZoomUnavailable(str(exc)) from exc
            continue
        if response.status_code == 401 and not renewed:  # token expired or revoked
            renewed = True
            continue
        if response.status_code == 429 or response.status_code >= 500:
            if attempt == settings.ZOOM_MAX_RETRIES:
                raise ZoomUnavailable(f"{response.status_code}: {response.text[:200]}")
            wait = response.headers.get("Retry-After", "")
            time.sleep(
                min(float(wait), 30.0)
                if wait.replace(".", "", 1).isdigit()
                else settings.ZOOM_BACKOFF_SECONDS * 2**attempt
            )
            continue
        if response.status_code >= 400:
            raise ZoomRefused(response.status_code, response.text)
        return response.json() if response.content else {}
    raise ZoomUnavailable("retries exhausted")


def _kind(event: Any) -> str:
    return ZoomMeeting.Kind.WEBINAR if event.event_type == "webinar" else ZoomMeeting.Kind.MEETING


def wants_meeting(event: Any) -> bool:
    return enabled() and event.format in {"virtual", "hybrid"} and not event.cancelled


# --- publishing and registrants -----------------------------------------------------------------


def meeting_for_event(*, event_id: int) -> str:
    """Create the Zoom meeting/webinar of a published virtual event (once) and push its
    current registrations. Returns the Zoom id."""
    from events.facade import event_meeting

    event = event_meeting(event_id=event_id)
    if event is None or not wants_meeting(event):
        return ""
    existing = ZoomMeeting.objects.filter(event_id=event_id).exclude(zoom_id="").first()
    if existing:
        registrants_push(event_id=event_id)
        return existing.zoom_id
    kind = _kind(event)
    body = {
        "topic": event.title[:200],
        "type": 5 if kind == ZoomMeeting.Kind.WEBINAR else 2,  # webinar / scheduled meeting
        "start_time": event.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": event.duration_minutes,
        "timezone": event.timezone,
        "agenda": (event.summary or "")[:2000],
        "settings": {"approval_type": 0, "registration_type": 1, "auto_recording": "none"},
    }
    path = f"/users/{settings.ZOOM_USER}/{'webinars' if kind == 'webinar' else 'meetings'}"
    created = _request("POST", path, json=body)
    meeting, _ = ZoomMeeting.objects.update_or_create(
        event_id=event_id,
        defaults={"kind": kind, "zoom_id": str(created["id"]), "join_url": created["join_url"]},
    )
    if not event.join_url:
        from events.facade import event_set_join_url

        event_set_join_url(event_id=event_id, join_url=created["join_url"], platform="Zoom")
    registrants_push(event_id=event_id)
    return meeting.zoom_id


def registrants_push(*, event_id: int) -> int:
    """Register each confirmed registration of the event with Zoom (once each)."""
    from events.facade import registrants_confirmed

    meeting = ZoomMeeting.objects.filter(event_id=event_id).exclude(zoom_id="").first()
    if meeting is None:
        return 0
    pushed_ids = ZoomRegistrant.objects.filter(registration__event_id=event_id).values_list(
        "registration_id", flat=True
    )
    pending = registrants_confirmed(event_id=event_id, exclude_ids=set(pushed_ids))
    pushed = 0
    for reg in pending:
        first, _, last = reg.name.partition(" ")
        data = _request(
            "POST",
            f"/{meeting.kind}s/{meeting.zoom_id}/registrants",
            json={
                "email": reg.email,
                "first_name": first or reg.email.split("@")[0],
                "last_name": last,
            },
        )
        try:
            ZoomRegistrant.objects.create(
                registration_id=reg.registration_id,
                registrant_id=str(data.get("registrant_id") or data.get("id")),
                join_url=data.get("join_url", ""),
            )
        except IntegrityError:
            continue
        pushed += 1
    return pushed


# --- reports ---------------------------------------------------------------------------------


def _paged(path: str, key: str) -> list[dict]:
    items: list[dict] = []
    token = ""
    while True:
        params = {"page_size": 300}
        if token:
            params["next_page_token"] = token
        data = _request("GET", path, params=params)
        items += data.get(key) or []
        token = data.get("next_page_token") or ""
        if not token:
            return items


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def report_pull(*, event_id: int) -> Any:
    """Pull the participant, Q&A and poll reports of a finished event into attendance."""
    from events.facade import Attendee, attendance_import_api

    meeting = ZoomMeeting.objects.get(event_id=event_id)
    base = f"/report/{meeting.kind}s/{meeting.zoom_id}"
    people: dict[str, Attendee] = {}
    for p in _paged(f"{base}/participants", "participants"):
        email = (p.get("user_email") or "").strip().lower()
        if not email:
            continue
        person = people.setdefault(email, Attendee(email=email, name=p.get("name", "")))
        person.attended = True
        seconds = int(p.get("duration") or 0)
        person.minutes = (person.minutes or 0) + round(seconds / 60)
        joined = _time(p.get("join_time"))
        if joined and (person.first_join is None or joined < person.first_join):
            person.first_join = joined
    questions: dict[str, int] = {}
    polls: dict[str, int] = {}
    if meeting.kind == ZoomMeeting.Kind.WEBINAR:
        for q in _request("GET", f"{base}/qa").get("questions") or []:
            email = (q.get("email") or "").strip().lower()
            if email:
                questions[email] = questions.get(email, 0) + len(q.get("question_details") or [])
    for q in _request("GET", f"{base}/polls").get("questions") or []:
        email = (q.get("email") or "").strip().lower()
        if email:
            polls[email] = polls.get(email, 0) + len(q.get("question_details") or [])
    result = attendance_import_api(
        event_id=event_id, attendees=list(people.values()), questions=questions, polls=polls
    )
    ZoomMeeting.objects.filter(pk=meeting.pk).update(report_pulled_at=timezone.now())
    return result


def reports_pull_due() -> int:
    """Beat: pull the reports of events that ended at least ``REPORT_DELAY`` ago."""
    if not enabled():
        return 0
    done = 0
    due = ZoomMeeting.objects.filter(
        report_pulled_at__isnull=True,
        event__ends_at__lte=timezone.now() - REPORT_DELAY,
    ).exclude(zoom_id="")
    for meeting in due:
        try:
            report_pull(event_id=meeting.event_id)
            done += 1
        except (ZoomUnavailable, ZoomRefused) as exc:
            ZoomMeeting.objects.filter(pk=meeting.pk).update(last_error=str(exc)[:500])
    return done


# --- signal receivers (connected in apps.py) ------------------------------------------------


def page_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Wagtail published a page: a virtual event gets its Zoom meeting after commit."""
    from integrations import tasks
    from integrations.queue import enqueue

    if getattr(instance, "format", None) and wants_meeting(instance):
        enqueue(tasks.zoom_event_published, instance.pk)


def registration_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from integrations import tasks
    from integrations.queue import enqueue

    if (
        enabled()
        and instance.status == "registered"
        and ZoomMeeting.objects.filter(event_id=instance.event_id).exclude(zoom_id="").exists()
    ):
        enqueue(tasks.zoom_push_registrants, instance.event_id)
