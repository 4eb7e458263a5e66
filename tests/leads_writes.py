"""Only the leads app writes leads' tables (issue 12): a guard over the whole suite.

Every database connection (each alias, each thread: the test's own, Channels' and Celery's
worker threads, the live server's) gets an execute wrapper. A statement that inserts into,
updates or deletes from a ``leads_*`` table is attributed to the innermost *first-party*
frame on the stack: Django, other libraries, ``tests/`` (tests, conftest, factories),
migrations and ``leads/models.py`` (a model's ``save()``/manager runs for whoever called
it) are skipped. If that frame is not in the ``leads`` package and not in ``ALLOWED``, the
test fails after its call (or teardown) with the writer, the table and the statement.

Cascades count: deleting another app's row (a user, say) that makes Django null or delete
rows of a leads table is a write by whoever asked for the delete. Raw SQL counts too.

``ALLOWED`` is the list of writers not converted yet (``path:qualname``), each to become a
call to ``leads.facade``; it may only shrink (``tests/platform/test_leads_write_owner.py``
checks each entry still names a function, and plants a writer that must fail).

``LEADS_WRITE_GUARD=record`` writes every non-leads writer hit (allowed or not) to
``$LEADS_WRITE_GUARD_LOG`` (default ``var/leads_writers.log``) instead of failing: how the
list was made, and how to see which entries a test selection still uses.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OWNER = "leads/"
WRITE = re.compile(r"""\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(leads_\w+)""", re.IGNORECASE)

# Writers of leads tables outside ``leads`` not converted yet: "path:qualname".
ALLOWED: frozenset[str] = frozenset(
    {
        # analytics: the visitor upsert inside the tracking paths' one statement (raw SQL;
        # splitting it would add a round trip to every tracked request)
        "analytics/services.py:track_ingest",
        "analytics/ingest.py:_touch_visitors",
        # privacy: erasure deletes and anonymises the rows its registry finds, leads'
        # among them; retention deletes expired rows (and what cascades from them)
        "privacy/services.py:subject_erase",
        "privacy/retention.py:retention_apply",
    }
)


class LeadsWriteViolation(AssertionError):
    """A module outside ``leads`` wrote a leads table."""


@dataclass(frozen=True)
class Write:
    writer: str  # "path:qualname" of the innermost first-party frame, "" if none
    table: str
    op: str
    sql: str

    def __str__(self) -> str:
        return f"{self.writer or '<no first-party frame>'} {self.op} {self.table}: {self.sql[:200]}"


def _relative(filename: str) -> str | None:
    """The first-party path of a frame's file (``chat/services/x.py``), or None when the
    frame is skipped: outside the project, the virtualenv, tests, migrations, leads' models,
    and code with no file (``<frozen runpy>`` under ``python -m pytest``, ``<string>``),
    which ``Path.resolve`` would otherwise place in the working directory."""
    if not os.path.isabs(filename):
        return None
    try:
        rel = Path(filename).resolve().relative_to(ROOT).as_posix()
    except (ValueError, OSError):
        return None
    top = rel.split("/", 1)[0]
    if top.startswith(".") or top in {"tests", "bench", "var"} or "/migrations/" in rel:
        return None
    if rel.endswith(("conftest.py", "factories.py")) or rel == "leads/models.py":
        return None
    return rel


_path_cache: dict[str, str | None] = {}


def writer_of(frame) -> str:
    """``path:qualname`` of the innermost first-party frame from ``frame`` outwards."""
    while frame is not None:
        code = frame.f_code
        rel = _path_cache.get(code.co_filename, "?")
        if rel == "?":
            rel = _path_cache[code.co_filename] = _relative(code.co_filename)
        if rel is not None:
            return f"{rel}:{code.co_qualname}"
        frame = frame.f_back
    return ""


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writes: list[Write] = []
        self.record = os.environ.get("LEADS_WRITE_GUARD") == "record"
        self.log = Path(os.environ.get("LEADS_WRITE_GUARD_LOG", ROOT / "var" / "leads_writers.log"))

    def take(self) -> list[Write]:
        with self.lock:
            writes, self.writes = self.writes, []
        return writes


STATE = _State()


def allowed(write: Write) -> bool:
    return not write.writer or write.writer.startswith(OWNER) or write.writer in ALLOWED


def _guard(execute, sql, params, many, context):
    text = sql if isinstance(sql, str) else str(sql)
    match = WRITE.search(text)
    if match is not None:
        write = Write(
            writer=writer_of(sys._getframe(1)),
            table=match.group(2),
            op=match.group(1).split()[0].upper(),
            sql=text,
        )
        if write.writer and not write.writer.startswith(OWNER):
            with STATE.lock:
                STATE.writes.append(write)
    return execute(sql, params, many, context)


def install(connection) -> None:
    if _guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(_guard)


def _on_connection_created(sender, connection, **kwargs) -> None:
    install(connection)


def _check(when: str) -> None:
    writes = STATE.take()
    if STATE.record:
        if writes:
            STATE.log.parent.mkdir(parents=True, exist_ok=True)
            with STATE.log.open("a") as fh:
                for w in writes:
                    fh.write(f"{w.writer}\t{w.op}\t{w.table}\n")
        return
    bad = [w for w in writes if not allowed(w)]
    if bad:
        lines = "\n".join(f"  - {w}" for w in dict.fromkeys(bad))
        raise LeadsWriteViolation(
            f"only the leads app writes leads' tables (issue 12); written {when} by:\n{lines}\n"
            "Call a leads.facade function instead (or, for a writer that predates the rule, "
            "see ALLOWED in tests/leads_writes.py: it may only shrink)."
        )


@contextmanager
def captured() -> Iterator[list[Write]]:
    """Collect the writes made inside the block (allowed or not) instead of judging them
    at the end of the test: for the guard's own tests."""
    before = STATE.take()
    out: list[Write] = []
    try:
        yield out
    finally:
        out.extend(STATE.take())
        with STATE.lock:
            STATE.writes[:0] = before


@pytest.fixture(autouse=True, scope="session")
def _leads_write_guard_installed() -> Iterator[None]:
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(_on_connection_created, dispatch_uid="leads-write-guard")
    for conn in connections.all():
        install(conn)
    yield
    connection_created.disconnect(dispatch_uid="leads-write-guard")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    STATE.take()  # a new test starts with no writes on record
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    _check("in this test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    _check("during teardown")
    return result
