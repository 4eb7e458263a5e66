"""Acceptance 5: a person who typed their details in the chat *before* ticking consent, then
signed up and asked for erasure, leaves no trace of their email, name or phone anywhere:
not in any table (a ``pg_dump`` of the database, and a raw scan of every column) and not in
any file under ``VAR_DIR`` (the email outbox kept full copies of the emails to them)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from chat.models import Conversation
from privacy.models import DeletionLog
from privacy.selectors import personal_data_collect, subject_for_email
from tests.privacy.scan import database_matches

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "zawadi.otieno.q7@example.org"
NAME = "Zawadi Otieno"
PHONE_TYPED = "+254 733 918 406"
LINK = re.compile(rb"https?://[^\s]+/privacy/requests/([0-9a-f-]{36})/([A-Za-z0-9_-]+)")


def _needles() -> list[str]:
    return [EMAIL, NAME, PHONE_TYPED, "733918406", "733 918 406"]


def _dump() -> bytes:
    """The database as ``pg_dump`` writes it (PostgreSQL), else every table read raw."""
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        db = connection.settings_dict
        out = subprocess.run(
            ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p",
             str(db["PORT"] or 5432), "-U", db["USER"] or "postgres", db["NAME"]],
            capture_output=True, check=True, timeout=120,
            env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
        ).stdout  # fmt: skip
        return out.lower()
    return "\n".join(str(hit) for hit in database_matches(_needles())).encode().lower()


def _var_hits(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and path.suffix not in {".css", ".js", ".png", ".svg", ".woff2"}:
            raw = path.read_bytes().lower()
            hits += [f"{path}: {n}" for n in _needles() if n.lower().encode() in raw]
    return hits


@pytest.fixture
def file_outbox():
    outbox = Path(settings.VAR_DIR) / "outbox"
    with override_settings(
        EMAIL_BACKEND="mail.backends.RecordingEmailBackend",
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    ):
        yield outbox


def test_erasure_after_chatting_before_consent_leaves_no_trace(file_outbox):
    visitor_browser = APIClient()
    # 1. In the chat, before any consent, the person types who they are.
    chat = visitor_browser.post(
        "/api/chat/qualify",
        {"message": f"Hi, I'm {NAME}. Email me at {EMAIL} or call {PHONE_TYPED}."},
        format="json",
    )
    assert chat.status_code == 200
    b"".join(chat.streaming_content)
    conversation = Conversation.objects.get()
    assert conversation.lead_id is None  # no consent: the details never reached a lead

    # 2. Later they sign up (a welcome email goes to the file outbox).
    signup = visitor_browser.post(
        "/api/leads",
        {"email": EMAIL, "name": NAME, "phone": PHONE_TYPED, "source": "contact_form",
         "consent": {"data_processing": True, "marketing": True}},
        format="json",
    )  # fmt: skip
    assert signup.status_code in (200, 201), signup.content

    # The export finds the conversation although it is linked to no lead or visitor.
    exported = personal_data_collect(subject_for_email(EMAIL))
    assert [row["id"] for row in exported["chat.Conversation"]] == [str(conversation.pk)]
    assert len(exported["chat.Message"]) >= 1

    # 3. They ask for erasure; the link arrives by email (written to the file outbox).
    asked = visitor_browser.post(
        "/api/privacy/requests", {"email": EMAIL, "type": "erasure"}, format="json"
    )
    assert asked.status_code == 202
    written = b"".join(p.read_bytes() for p in file_outbox.rglob("*") if p.is_file())
    match = LINK.search(written)
    assert match, "the erasure link was not written to the file outbox"
    assert EMAIL.encode() in written.lower()
    assert EMAIL.encode() in _dump()  # the scan can fail: the data is there before erasure
    link = f"/privacy/requests/{match[1].decode()}/{match[2].decode()}"

    confirmed = visitor_browser.post(link)
    assert confirmed.status_code == 200
    assert DeletionLog.objects.count() == 1
    assert not Conversation.objects.filter(pk=conversation.pk).exists()

    dump = _dump()
    assert [n for n in _needles() if n.lower().encode() in dump] == []
    assert database_matches(_needles()) == []
    assert _var_hits(Path(settings.VAR_DIR)) == []
