"""The file-store registry: every path under ``VAR_DIR`` that a setting names or that exists
on disk is declared in ``privacy.stores.FILE_STORES`` (personal ones with a purge); a new
store nobody declared fails here."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import override_settings

from privacy.stores import FILE_STORES, outbox_purge, uncovered_file_stores


def test_every_file_store_is_declared():
    assert uncovered_file_stores() == {}


def test_a_new_store_is_reported(tmp_path):
    with override_settings(VAR_DIR=tmp_path, TRANSCRIPT_ARCHIVE=str(tmp_path / "transcripts")):
        (tmp_path / "exports").mkdir()
        (tmp_path / "outbox").mkdir()
        missing = uncovered_file_stores()
    assert missing == {"transcripts": "setting TRANSCRIPT_ARCHIVE", "exports": "on disk"}


def test_personal_stores_have_a_purge():
    for store in FILE_STORES:
        assert store.purge is not None or not store.personal or store.name == "database"


def test_outbox_purge_removes_only_the_persons_messages(tmp_path):
    sep = b"-" * 79 + b"\n"
    (tmp_path / "a.log").write_bytes(b"To: amina@example.org\n\nHello Amina\n" + sep)
    (tmp_path / "b.log").write_bytes(
        b"To: other@example.org\n\nHi\n" + sep + b"To: amina@example.org\n\nAgain\n" + sep
    )
    with override_settings(EMAIL_FILE_PATH=str(tmp_path)):
        assert outbox_purge(["Amina@Example.org"]) == 2
    assert not (tmp_path / "a.log").exists()
    remaining = Path(tmp_path / "b.log").read_bytes()
    assert b"other@example.org" in remaining and b"amina" not in remaining.lower()
    assert str(tmp_path) != settings.EMAIL_FILE_PATH
