"""A knowledge change reaches every process through the published index set: the worker
(here the eager task) publishes the new version's set, and a second process — a stand-in
for another web process — maps that very set on its next query instead of building its
own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from content.knowledge import current_version, index_root
from content.models import FAQ
from ementech.ai import config as ai_config

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, os, sys
import django
django.setup()
from content.knowledge import snapshot
for line in sys.stdin:
    kb = snapshot()
    hits = kb.lexical.search(line.strip(), k=5)
    print(json.dumps({"version": kb.version, "path": str(kb.files.path),
                      "hits": [h for h, _ in hits]}), flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def other_process():
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="ementech.settings.test",
        DATABASE_URL=_database_url(),
        # A web process: it waits for the worker's set rather than building one.
        KNOWLEDGE_INDEX_WAIT_SECONDS="300",
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(query: str) -> dict:
        child.stdin.write(query + "\n")
        child.stdin.flush()
        line = child.stdout.readline()
        assert line, "the second process died"
        return json.loads(line)

    yield ask
    child.stdin.close()
    child.wait(timeout=30)


def _published_path() -> Path:
    root = index_root(ai_config.get_embedder().model_name)
    return root / f"v{current_version()}"


def test_a_knowledge_change_is_mapped_by_a_second_process(other_process):
    if connection.vendor != "postgresql":
        pytest.skip("two processes share a PostgreSQL database")
    first = FAQ.objects.create(
        question="Do you track zebrafish?", answer="<p>Zebrafish telemetry for labs.</p>"
    )
    published = _published_path()
    assert published.is_dir()  # the worker published the set after the commit
    seen = other_process("zebrafish")
    assert seen["hits"] == [f"faq:{first.pk}:" + seen["hits"][0].split(":")[2]]
    assert seen["path"] == str(published)

    second = FAQ.objects.create(
        question="And quokkas?", answer="<p>Quokka counting with camera traps.</p>"
    )
    first.delete()
    published_again = _published_path()
    assert published_again != published and published_again.is_dir()
    seen = other_process("quokka zebrafish")
    assert seen["version"] == current_version()
    assert seen["path"] == str(published_again)  # mapped the worker's set, built nothing
    assert [h.rsplit(":", 1)[0] for h in seen["hits"]] == [f"faq:{second.pk}"]
    assert [p for p in published_again.parent.iterdir() if p.name.startswith("v")] and not [
        p for p in published_again.parent.glob(f"v{current_version()}.*")
    ]
