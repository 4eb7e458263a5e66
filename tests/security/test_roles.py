"""Acceptance 4 (roles) and 3 (staff socket): roles that hold.

- A marketer gets 403 on every admin page of a model that holds personal data (the privacy
  registry: outbox, subscribers, enrolments, exit-offer events, conversations, leads...).
- Ops is read-only everywhere: every staff write endpoint of the API answers 403, and the
  admin refuses its changes.
- The chat staff socket (hand-offs, every conversation's messages) is for Sales only.
"""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.roles import personal_data_models
from leads.models import Lead
from tests.factories import make_lead, staff_user

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _admin_models() -> list[tuple[str, str]]:
    return sorted((m._meta.app_label, m._meta.model_name) for m in admin.site._registry)


def test_marketer_gets_403_on_every_personal_data_admin_page(client, marketer):
    make_lead("victim@example.com", company="Acme")
    personal = personal_data_models()
    client.force_login(marketer)
    checked = []
    for app_label, model_name in _admin_models():
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
        resp = client.get(url)
        if (app_label, model_name) in personal:
            assert resp.status_code == 403, (url, resp.status_code)
            checked.append(url)
        else:
            assert resp.status_code in (200, 403), (url, resp.status_code)
            assert b"victim@example.com" not in resp.content, url
    # The pages the issue names are among those refused.
    for name in (
        "mail_outboundemail",
        "nurture_subscriber",
        "nurture_enrolment",
        "tools_exitoffer",
        "chat_conversation",
        "leads_lead",
    ):
        assert f"/admin/{name.replace('_', '/', 1)}/" in checked, name


def test_marketer_still_compares_exit_offers_in_aggregate(api_client, marketer):
    api_client.force_authenticate(marketer)
    assert api_client.get("/api/offers/exit-intent/stats").status_code == 200


def _api_write_routes() -> list[tuple[str, str]]:
    """(path, method) of every unsafe method of every DRF view, ids filled with a real lead."""
    routes: list[tuple[str, str]] = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                view = getattr(p.callback, "cls", None)
                if view is None or not issubclass(view, APIView):
                    continue
                for method in ("post", "put", "patch", "delete"):
                    if hasattr(view, method):
                        routes.append((prefix + str(p.pattern), method))

    walk(get_resolver().url_patterns)
    return routes


def _fill(pattern: str, lead: Lead) -> str:
    path = re.sub(r"<uuid:[a-z_]+>", str(lead.pk), pattern)
    path = re.sub(r"<(str|slug|int):[a-z_]+>", "1", path)
    return "/" + path.lstrip("^").rstrip("$")


def test_ops_is_refused_every_staff_write_in_the_api(ops_user):
    lead = make_lead("ops-target@example.com", company="Acme")
    anon = APIClient()
    ops = _token_client(ops_user)
    staff_writes = []
    for pattern, method in _api_write_routes():
        url = _fill(pattern, lead)
        anonymous = getattr(anon, method)(url, {}, format="json")
        if anonymous.status_code not in (401, 403):
            continue  # a public endpoint (capture, track, chat...): not a staff write
        staff_writes.append((method, url))
        resp = getattr(ops, method)(url, {"company": "Ops was here"}, format="json")
        assert resp.status_code == 403, (method, url, resp.status_code)
    assert ("post", f"/api/leads/{lead.pk}/score") in staff_writes
    assert ("patch", f"/api/leads/{lead.pk}") in staff_writes
    lead.refresh_from_db()
    assert lead.company == "Acme" and lead.deleted_at is None and lead.scored_at is None


def test_ops_reads_but_cannot_change_in_the_admin(client, ops_user):
    lead = make_lead("ops-admin@example.com", company="Acme")
    client.force_login(ops_user)
    assert client.get(f"/admin/leads/lead/{lead.pk}/change/").status_code == 200
    resp = client.post(f"/admin/leads/lead/{lead.pk}/change/", {"company": "Hacked"})
    assert resp.status_code == 403
    assert client.post(f"/admin/leads/lead/{lead.pk}/delete/", {"post": "yes"}).status_code == 403
    lead.refresh_from_db()
    assert lead.company == "Acme" and lead.deleted_at is None


def _staff_socket_accepts(user) -> bool:
    from chat.consumers import StaffChatConsumer

    async def run() -> bool:
        # The consumer itself, with the signed-in user in its scope (as the auth stack sets).
        communicator = WebsocketCommunicator(StaffChatConsumer.as_asgi(), "/ws/chat/staff")
        communicator.scope["user"] = user
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    result: dict = {}

    def target() -> None:  # a loop of its own: a browser test may hold the main thread's
        result["ok"] = asyncio.run(run())

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return result["ok"]


@pytest.mark.django_db(transaction=True)
def test_only_sales_opens_the_chat_staff_socket():
    marketer = staff_user("Marketers", username="mk-socket")
    ops = staff_user("Ops", username="ops-socket")
    sales = staff_user("Sales", username="sales-socket")
    assert _staff_socket_accepts(marketer) is False
    assert _staff_socket_accepts(ops) is False
    assert _staff_socket_accepts(sales) is True
