"""One request context: who is asking, built once per request and handed to services.

Services never see HTTP (issue 12). A view, a Channels consumer or a task hands a service a
``RequestContext`` instead of the request: the browser's visitor id (the signed ``em_vid``
cookie, read by ``leads.identity``, never a body's value), the consent in force (privacy's
banner cookie and the browser's GPC/DNT signal), the truncated client address
(``core.net``), the user agent and the signed-in user. ``context_build`` is the one builder:
``RequestContextMiddleware`` runs it for every request (``request.ctx``) and
``context_from_scope`` for a WebSocket scope, from the same inputs (cookies and a
``META``-style header dict). The middleware builds it on first use, and the parts that
cost a query, the verified lead (``lead_id``) and the user, are looked up on first use of
those, so a request that needs nothing pays nothing.

A context made outside any request (a Celery task, a management command) is just
``RequestContext(...)`` with what the caller knows; ``RequestContext()`` is "nobody".
The tracking fast path (``analytics.fastpath``) answers before any middleware and builds
one only when it writes events itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import SimpleLazyObject

from core.net import client_ip_from_meta, truncate_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

    from leads.identity import Identity
    from privacy.selectors import ConsentState

USER_AGENT_MAX = 400


@dataclass(frozen=True)
class RequestContext:
    """What services may know about the caller. Frozen; the lazy parts are cached."""

    visitor_id: uuid.UUID | None = None  # signed em_vid cookie (leads.identity), never a body
    ip_truncated: str = ""  # core.net.truncate_ip: never a raw address
    user_agent: str = ""
    consent: ConsentState | None = None  # None: no request, so no consent was given
    user: Any = field(default=None, compare=False, repr=False)  # lazy; read via user_id

    @property
    def tracking_allowed(self) -> bool:
        """Analytics consent in force (the banner's choice, not overridden by GPC/DNT)."""
        return self.consent is not None and self.consent.effective_analytics

    @property
    def tracked_visitor_id(self) -> uuid.UUID | None:
        """The visitor id only when tracking is allowed: who to recognise or personalise
        for. ``visitor_id`` itself is the browser's identity, used to attribute what it
        does (a sign-up, a consent choice) whatever the analytics consent."""
        return self.visitor_id if self.tracking_allowed else None

    @cached_property
    def identity(self) -> Identity:
        """The browser's identity level and verified lead (one query, on first use)."""
        from leads.facade import identity_of

        return identity_of(self.visitor_id)

    @property
    def lead_id(self) -> uuid.UUID | None:
        """The lead this browser is verified for (``leads.identity``), else None."""
        return self.identity.lead_id if self.identity.verified else None

    @cached_property
    def user_id(self) -> Any:
        """The signed-in user's id, or None (evaluates the lazy user on first use)."""
        user = self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user.pk

    @property
    def is_staff(self) -> bool:
        return self.user_id is not None and bool(getattr(self.user, "is_staff", False))


def context_build(
    *, cookies: Mapping[str, str], meta: Mapping[str, Any], user: Any = None
) -> RequestContext:
    """THE builder, for an HTTP request and a WebSocket scope alike: ``cookies`` by name,
    ``meta`` as Django's ``request.META`` (``REMOTE_ADDR``, ``HTTP_*``). No query here."""
    from leads.facade import VISITOR_COOKIE, visitor_id_from_cookie
    from privacy.facade import consent_state_of

    return RequestContext(
        visitor_id=visitor_id_from_cookie(cookies.get(VISITOR_COOKIE)),
        ip_truncated=truncate_ip(client_ip_from_meta(meta)),
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:USER_AGENT_MAX],
        consent=consent_state_of(cookies=cookies, meta=meta),
        user=user,
    )


def context_from_request(request: HttpRequest) -> RequestContext:
    """The request's context: ``request.ctx`` as the middleware built it, else built now
    and kept there (a request that skipped the middleware: a test's RequestFactory)."""
    ctx = getattr(request, "ctx", None)
    if ctx is None:
        ctx = _build_for(request)
        request.ctx = ctx
    return ctx


def scope_meta(scope: Mapping[str, Any]) -> dict[str, str]:
    """A WebSocket (or HTTP) ASGI scope's headers and client as ``request.META`` names them."""
    meta: dict[str, str] = {}
    for name, value in scope.get("headers") or ():
        key = "HTTP_" + name.decode("latin1").upper().replace("-", "_")
        text = value.decode("latin1")
        meta[key] = f"{meta[key]},{text}" if key in meta else text
    client = scope.get("client")
    if client:
        meta["REMOTE_ADDR"] = str(client[0])
    return meta


def context_from_scope(scope: Mapping[str, Any]) -> RequestContext:
    """A Channels consumer's context (cookies parsed by Channels' cookie middleware)."""
    return context_build(
        cookies=scope.get("cookies") or {}, meta=scope_meta(scope), user=scope.get("user")
    )


class RequestContextMiddleware(MiddlewareMixin):
    """Attaches ``request.ctx`` (see ``context_from_request``), after authentication. Sync
    and async capable (``MiddlewareMixin``), so it adds no thread hop under ASGI.

    The context is built on first use (a ``SimpleLazyObject``, once per request): a page that
    never asks pays neither the cookie's signature check nor the address parsing."""

    def process_request(self, request: HttpRequest) -> None:
        request.ctx = SimpleLazyObject(lambda: _build_for(request))


def _build_for(request: HttpRequest) -> RequestContext:
    return context_build(
        cookies=request.COOKIES, meta=request.META, user=getattr(request, "user", None)
    )
