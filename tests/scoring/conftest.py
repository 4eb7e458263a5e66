"""Fixtures of the scoring tests: leads built through the leads and analytics services."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from analytics.services import interactions_record
from leads.services import ConsentInput, lead_capture, lead_update

CONSENT = ConsentInput(data_processing=True, marketing=True, wording="I agree.")

HOT_PROFILE = {
    "name": "Amina Hot",
    "company": "Acme Fintech",
    "role": "CTO",
    "seniority": "c_level",
    "company_size": "201-500",
    "industry": "fintech",
    "budget": "100k+",
    "timeline": "immediate",
    "authority": "decision_maker",
    "pain_points": ["manual onboarding", "fraud review backlog", "support costs"],
    "tech_stack": ["python", "postgres", "aws"],
}


def engaged_events(now: dt.datetime, *, sessions: int = 12, pages: int = 30) -> list[dict]:
    """A lot of recent activity: many sessions, distinct pages, downloads, tools, chat."""
    events: list[dict] = []
    for i in range(pages):
        at = now - dt.timedelta(minutes=5 * (pages - i))
        events.append(
            {
                "type": "page_view",
                "session_id": f"s{i % sessions}",
                "occurred_at": at.isoformat(),
                "properties": {"path": f"/services/page-{i}/", "duration": 90},
            }
        )
    for j, etype in enumerate(
        [
            "resource_download",
            "resource_download",
            "roi_calculate",
            "assessment_complete",
            "form_submit",
            "event_register",
            "chat_message",
            "email_click",
        ]
    ):
        props: dict[str, Any] = {"path": "/resources/"}
        if etype == "resource_download":
            props["resource_id"] = f"guide-{j}"
        if etype == "form_submit":
            props["form"] = "contact"
        if etype == "event_register":
            props["event_id"] = "webinar-1"
        if etype == "chat_message":
            props = {"message": "What does an AI pilot cost?"}
        if etype == "email_click":
            props = {"email_id": "e1"}
        events.append(
            {
                "type": etype,
                "session_id": "s0",
                "properties": props,
                "occurred_at": (now - dt.timedelta(minutes=1)).isoformat(),
            }
        )
    return events


def make_lead(
    email: str,
    *,
    profile: dict | None = None,
    events: list[dict] | None = None,
    buying_stage: str | None = None,
    outcome: str | None = None,
    actor=None,
):
    """A lead as the site builds it: capture, tracked events, staff edits."""
    lead = lead_capture(email=email, consent=CONSENT, source="contact", profile=profile).lead
    if events:
        interactions_record(events=events, visitor=None, lead=lead, strict=False)
    data = {}
    if buying_stage:
        data["buying_stage"] = buying_stage
    if outcome:
        data["outcome"] = outcome
    if data:
        lead = lead_update(lead=lead, data=data, actor=actor)
    return lead


@pytest.fixture
def hot_lead(db):
    return make_lead(
        "amina@acme.test",
        profile=HOT_PROFILE,
        events=engaged_events(timezone.now()),
        buying_stage="decision",
    )


@pytest.fixture
def cold_lead(db):
    now = timezone.now()
    return make_lead(
        "cold@nowhere.test",
        events=[
            {
                "type": "page_view",
                "session_id": "c1",
                "occurred_at": now.isoformat(),
                "properties": {"path": "/"},
            }
        ],
    )


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.requests.append(  # type: ignore[attr-defined]
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body or b"{}")}
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")  # what Slack's incoming webhooks answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def slack_stub(settings):
    """A local Slack incoming-webhook endpoint; ``.requests`` holds what it received."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SLACK_WEBHOOK_URL = (
        f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/XXXX"
    )
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def openai_stub():
    """The AI engineer's stub server speaking OpenAI's wire format, the official SDK
    pointed at it."""
    from django.test import override_settings

    from tests.ai_providers.stub import StubLLM

    stub = StubLLM().start()
    with override_settings(
        LLM_PROVIDER="auto",
        OPENAI_API_KEY="sk-test-not-a-secret",
        OPENAI_BASE_URL=stub.openai_url,
        ANTHROPIC_API_KEY="",
        LLM_FALLBACK_CHAIN=[],
        LLM_CACHE_SECONDS=0,
    ):
        yield stub
    stub.stop()
