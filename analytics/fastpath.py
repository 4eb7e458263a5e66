"""``POST /api/track`` without the site's middleware stack (the ingestion hot path).

First in ``MIDDLEWARE``: a tracking request that a browser with analytics consent sends,
as a JSON body within the size limit, is answered here after doing only what must happen
before the 202 — the consent gate, the envelope and per-event validation, the rate limit
(one Redis round trip) and the hand-off (one more: ``analytics.handoff``) — then the
security headers the rest of the stack would have added. Sessions, CSRF, authentication,
messages, allauth, axes, CSP and redirects are never run for it, and under ASGI it runs on
the event loop, with no thread hop.

Anything else falls through, untouched and before any count, to the full stack and
``analytics.api.TrackApi``, which gives the same answers it always has: no consent (the
privacy gate's 202), a server integration's token, another content type, an oversized or
malformed body, an invalid event (400 with per-index errors). While Redis is down the
request writes its events itself (``analytics.services.track_ingest``).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost, RequestAborted, ValidationError
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.log import log_response
from rest_framework import serializers

from analytics import fastschema, handoff
from analytics.context import request_context
from analytics.serializers import BATCH_ID
from analytics.validation import EventsInvalid, validate_events
from core import degrade
from core.csp import SiteCSPMiddleware
from core.errors import too_many_requests
from core.parsers import parse_json_body, snake_body
from core.ratelimit import arate_limit, rate_limit
from leads.facade import visitor_cookie_set, visitor_cookie_value, visitor_id_from_request
from privacy.facade import analytics_allowed

TRACK_PATH = "/api/track"
_BATCH_KEYS = frozenset({"events", "batch_id", "visitor_id"})


def first_touch(events: list) -> dict[str, str]:
    """UTM, referrer and landing page from the first page view of the batch."""
    for event in events:
        if isinstance(event, dict) and event.get("type") == "page_view":
            props = event.get("properties")
            if not isinstance(props, dict):
                return {}
            touch = {
                key: props[key]
                for key in ("utm_source", "utm_medium", "utm_campaign", "referrer")
                if isinstance(props.get(key), str)
            }
            landing = props.get("path") or props.get("url")
            if isinstance(landing, str):
                touch["landing_page"] = landing
            return touch
    return {}


# A NUL or a UTF-16 surrogate written as an escape: left to the full parser's checks.
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON.")


def _shallow(data: Any, max_depth: int) -> bool:
    """No object or array nested deeper than ``max_depth`` (level by level; strings are
    not visited)."""
    level, depth = [data], 1
    while level:
        if depth > max_depth:
            return False
        deeper = []
        for item in level:
            for child in item.values() if type(item) is dict else item:
                if type(child) is dict or type(child) is list:
                    deeper.append(child)
        level, depth = deeper, depth + 1
    return True


def parse_body(raw: bytes) -> dict | None:
    """The body as ``core.parsers.parse_json_body`` gives it, or None when that would refuse
    it. The common body is checked once as text (no NUL, no surrogate escape, no string
    longer than the limit since the whole text is not) and its nesting without visiting
    strings; anything else goes through ``parse_json_body`` itself."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    max_depth = getattr(settings, "API_JSON_MAX_DEPTH", 20)
    max_string = getattr(settings, "API_JSON_MAX_STRING", 20_000)
    if "\x00" in text or len(text) > max_string or _RISKY_ESCAPE.search(text):
        try:
            return parse_json_body(raw)
        except (ValidationError, serializers.ValidationError):
            return None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict or not _shallow(data, max_depth):
        return None
    try:
        return snake_body(data)
    except serializers.ValidationError:
        return None


@dataclass(frozen=True)
class Accepted:
    """A request the fast path answers: its validated events and who sent them."""

    clean: list[dict]
    batch_id: str | None
    visitor_id: uuid.UUID | None  # from the signed cookie
    touch: dict[str, str]


def accept(request: HttpRequest) -> Accepted | None:
    """The request's events if the fast path may answer it; None to fall through.

    Reads nothing but the request (no Redis, no database): the consent gate comes first.
    """
    if request.method != "POST" or request.path != TRACK_PATH:
        return None
    if not analytics_allowed(request=request):
        return None  # the privacy gate answers (privacy.middleware)
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta or request.content_type != "application/json":
        return None
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= settings.API_MAX_BODY_BYTES:
        return None
    try:
        request.get_host()  # ALLOWED_HOSTS: a forged Host is the full stack's 400
    except DisallowedHost:
        return None  # raised here it would escape the ASGI handler uncaught
    visitor_id = visitor_id_from_request(request)  # never a body's id (browsers)
    compiled = fastschema.decode(request.body)
    if compiled is not None:  # the common body, checked in one compiled pass
        clean, batch_id, touch = compiled
        return Accepted(clean=clean, batch_id=batch_id, visitor_id=visitor_id, touch=touch)
    data = parse_body(request.body)
    if data is None:
        return None
    batch_id = None
    if "events" in data:
        if not _BATCH_KEYS.issuperset(data):
            return None
        events = data["events"]
        batch_id = data.get("batch_id")
        if batch_id is not None and not (isinstance(batch_id, str) and BATCH_ID.match(batch_id)):
            return None
        if not isinstance(data.get("visitor_id") or "", str):
            return None
    else:
        if not isinstance(data.get("visitor_id") or "", str):
            return None
        events = [data]
    try:
        clean = validate_events(events)
    except EventsInvalid:
        return None
    return Accepted(
        clean=clean, batch_id=batch_id, visitor_id=visitor_id, touch=first_touch(events)
    )


def _entry(request: HttpRequest, accepted: Accepted) -> handoff.Entry:
    context = request_context(request)
    return handoff.Entry(
        visitor_id=str(accepted.visitor_id or uuid.uuid4()),
        events=accepted.clean,
        user_agent=context["user_agent"],
        ip_truncated=context["ip_truncated"],
        touch=accepted.touch,
        batch_id=accepted.batch_id,
        received_at=timezone.now(),
    )


def _write_direct(request: HttpRequest, accepted: Accepted) -> tuple[uuid.UUID, int, bool]:
    """The events written by the request itself (no buffer, or Redis down), with the
    request context built here: the fast path runs before the middleware that builds it."""
    from analytics.services import track_ingest
    from core.context import context_from_request

    vid, stored = track_ingest(
        clean=accepted.clean,
        visitor_id=str(accepted.visitor_id) if accepted.visitor_id else None,
        ctx=context_from_request(request),
        touch=accepted.touch,
        batch_id=accepted.batch_id,
    )
    duplicate = accepted.batch_id is not None and not stored
    return vid, (len(accepted.clean) if duplicate else stored), duplicate


def _write_direct_closing(request: HttpRequest, accepted: Accepted) -> tuple[uuid.UUID, int, bool]:
    """``_write_direct`` from the event loop: the connection goes back to the pool here (no
    ``request_finished`` signal is sent on the fast path)."""
    try:
        return _write_direct(request, accepted)
    finally:
        close_old_connections()


Raw = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers, body (ASGI)


def _raw(response: HttpResponse) -> Raw:
    """A response as Django's ASGI handler sends it (headers, then cookies)."""
    headers = [(name.encode(), value.encode("latin1")) for name, value in response.items()]
    for morsel in response.cookies.values():
        headers.append((b"Set-Cookie", morsel.output(header="").encode("ascii").strip()))
    return response.status_code, headers, response.content


class _NoCookies:
    COOKIES: dict[str, str] = {}


_NO_COOKIES = _NoCookies()


class _Responder:
    """The 202 (or 429) with the headers the full stack would have added: the visitor
    cookie, ``Cache-Control: no-store, private``, SecurityMiddleware's, X-Frame-Options, the
    site's Content-Security-Policy and the API view's ``Allow``."""

    ALLOW = "POST, OPTIONS"  # analytics.api.TrackApi's methods, as DRF lists them

    def __init__(self) -> None:
        self._security = SecurityMiddleware(lambda request: None)
        self._frame = XFrameOptionsMiddleware(lambda request: None)
        self._csp = SiteCSPMiddleware(lambda request: None)
        self._csp_header: tuple[str, str] | None = None
        self._kicks: set[Any] = set()
        # The 202's headers but its length, learnt from the first one (by is_secure(): the
        # only thing they depend on), and the visitor cookie's header of this second.
        self._headers: dict[bool, list[tuple[bytes, bytes] | None]] = {}
        self._cookie: tuple[int, bytes, bytes] | None = None

    def _policy(self, request: HttpRequest) -> tuple[str, str] | None:
        """The CSP header of ``/api/track`` (no nonce is ever asked for on it, so it is the
        same for every request: computed once by the site's CSP middleware)."""
        if self._csp_header is None:
            probe = HttpResponse()
            self._csp.process_request(request)
            self._csp.process_response(request, probe)
            for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
                if name in probe:
                    self._csp_header = (name, probe[name])
                    break
            else:
                self._csp_header = ("", "")
        return self._csp_header if self._csp_header[0] else None

    def secure_enough(self, request: HttpRequest) -> bool:
        return self._security.process_request(request) is None  # else: the SSL redirect

    def answer(
        self, request: HttpRequest, response: HttpResponse, vid: uuid.UUID | None = None
    ) -> HttpResponse:
        if vid is not None:
            visitor_cookie_set(request, response, vid)
        patch_cache_control(response, no_store=True, private=True)
        response["Content-Length"] = str(len(response.content))
        response["Allow"] = self.ALLOW
        policy = self._policy(request)
        if policy is not None:
            response[policy[0]] = policy[1]
        response = self._security.process_response(request, response)
        return self._frame.process_response(request, response)

    def accepted(self, request: HttpRequest, vid: uuid.UUID, n: int, duplicate: bool):
        answer: dict[str, Any] = {"accepted": n}
        if duplicate:
            answer["duplicate"] = True  # a retry: stored the first time
        return self.answer(request, JsonResponse(answer, status=202), vid)

    def buffered(self, request: HttpRequest, entry: handoff.Entry, result: int) -> HttpResponse:
        vid = uuid.UUID(entry.visitor_id)
        return self.accepted(request, vid, len(entry.events), result == handoff.DUPLICATE)

    def raw_accepted(
        self, request: HttpRequest, vid: uuid.UUID, n: int, duplicate: bool, cookie: bool
    ) -> Raw:
        """``accepted``'s 202 as ASGI parts, the same bytes without building a response:
        the first one (per ``is_secure()``) is built by ``accepted`` and its headers kept;
        ``cookie`` is whether the visitor cookie is set (the browser did not send it)."""
        secure = request.is_secure()
        headers = self._headers.get(secure)
        if headers is None:
            response = self.accepted(request, vid, n, duplicate)
            self._headers[secure] = [
                None if name == "Content-Length" else (name.encode(), value.encode("latin1"))
                for name, value in response.items()
            ]
            return _raw(response)
        body = b'{"accepted": %d, "duplicate": true}' % n if duplicate else b'{"accepted": %d}' % n
        length = (b"Content-Length", b"%d" % len(body))
        out = [length if header is None else header for header in headers]
        if cookie:
            out.append((b"Set-Cookie", self._cookie_header(vid)))
        return 202, out, body

    def _cookie_header(self, vid: uuid.UUID) -> bytes:
        """What ``visitor_cookie_set`` and Django's ASGI handler would send: made once a
        second (its expiry moves with the clock) around a stand-in id, then the id's own
        signed value in its place (legal cookie characters: never quoted)."""
        now = int(time.time())
        if self._cookie is None or self._cookie[0] != now:
            probe, stand_in = HttpResponse(), uuid.UUID(int=0)
            visitor_cookie_set(_NO_COOKIES, probe, stand_in)
            morsel = next(iter(probe.cookies.values()))
            header = morsel.output(header="").encode("ascii").strip()
            before, _, after = header.partition(visitor_cookie_value(stand_in).encode())
            self._cookie = (now, before, after)
        return self._cookie[1] + visitor_cookie_value(vid).encode("ascii") + self._cookie[2]

    def track(self, request: HttpRequest) -> HttpResponse | None:
        """The answer (sync), or None to fall through to the full stack."""
        accepted = accept(request)
        if accepted is None or not self.secure_enough(request):
            return None
        limited = rate_limit(request, "track")
        if limited is not None:
            return self.answer(request, limited)
        if handoff.enabled():
            entry = _entry(request, accepted)
            try:
                result = handoff.push(entry)
            except degrade.DOWN_ERRORS:
                pass
            else:
                if result == handoff.SCHEDULE:
                    handoff.schedule_drain()
                return self.buffered(request, entry, result)
        return self.accepted(request, *_write_direct(request, accepted))

    async def atrack(self, request: HttpRequest, *, raw: bool = False) -> HttpResponse | Raw | None:
        """``track`` on the event loop: no thread hop unless Redis is down. With ``raw``
        the 202 of a buffered request comes as ASGI parts (``raw_accepted``)."""
        accepted = accept(request)
        if accepted is None or not self.secure_enough(request):
            return None
        if handoff.enabled():
            entry = _entry(request, accepted)
            decision, result = await handoff.alimited_push(request, entry)
            if not decision.allowed:
                return self.answer(request, too_many_requests(decision.retry_after))
            if result is not None:
                if result == handoff.SCHEDULE:
                    kick = asyncio.get_running_loop().run_in_executor(None, handoff.schedule_drain)
                    self._kicks.add(kick)
                    kick.add_done_callback(self._kicks.discard)
                if not raw:
                    return self.buffered(request, entry, result)
                vid = uuid.UUID(entry.visitor_id)
                duplicate = result == handoff.DUPLICATE
                cookie = accepted.visitor_id is None  # else the cookie holds this id
                return self.raw_accepted(request, vid, len(entry.events), duplicate, cookie)
        else:
            limited = await arate_limit(request, "track")
            if limited is not None:
                return self.answer(request, limited)
        written = await sync_to_async(_write_direct_closing)(request, accepted)
        return self.accepted(request, *written)


class TrackFastPathMiddleware:
    """First in ``MIDDLEWARE``: the fast path for the synchronous (WSGI) handler and the
    test client. Under ASGI, ``TrackASGIHandler`` answers before any middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.responder = _Responder()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.responder.track(request) or self.get_response(request)


class TrackASGIHandler(ASGIHandler):
    """Django's ASGI handler, answering ``POST /api/track`` on the event loop before the
    middleware chain and the request signals (whose sync receivers and sync middleware each
    cost a hop to a thread, and a new thread per request); anything the fast path declines
    goes through the chain as before."""

    def __init__(self) -> None:
        super().__init__()
        self.responder = _Responder()

    async def handle(self, scope, receive, send) -> None:
        if scope.get("method") != "POST" or scope.get("path") != TRACK_PATH:
            await super().handle(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            request, error_response = self.create_request(scope, body_file)
            response = None
            if request is not None:
                response = await self.responder.atrack(request, raw=True)
            if type(response) is tuple:
                status, headers, body = response
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            if response is not None:
                await self.send_response(response, send)
                if response.status_code >= 400:
                    await sync_to_async(log_response, thread_sensitive=False)(
                        "%s: %s",
                        response.reason_phrase,
                        request.path,
                        response=response,
                        request=request,
                    )
                return
            # Declined: Django's own flow, with the body already read.
            await signals.request_started.asend(sender=self.__class__, scope=scope)
            if request is None:
                response = error_response
            else:
                response = await self.run_get_response(request)
            await self.send_response(response, send)
            await sync_to_async(response.close)()
        finally:
            body_file.close()
