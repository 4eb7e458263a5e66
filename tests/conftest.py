"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from tests.factories import staff_user

# Only the leads app writes leads' tables: every test fails on a write from elsewhere.
pytest_plugins = ["tests.leads_writes"]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Each test starts with an empty cache (rate limits, throttles, cached answers)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def superuser(db):
    return staff_user(None, username="root-admin")


@pytest.fixture
def marketer(db):
    return staff_user("Marketers", username="marketer-1")


@pytest.fixture
def sales_user(db):
    return staff_user("Sales", username="sales-1")


@pytest.fixture
def ops_user(db):
    return staff_user("Ops", username="ops-1")


@pytest.fixture
def token_client(sales_user) -> APIClient:
    """An API client authenticated with a Sales user's DRF token."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=sales_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def demo_site(db):
    """The demo pages (home, about, ...) loaded through ``load_demo``."""
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright; skipped, with the reason, when unavailable.

    Function-scoped on purpose: Playwright's sync API runs an event loop in the main thread
    while it is open, and async tests that come later (pytest-asyncio) cannot start theirs
    next to it.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"browser test skipped: no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a test extra
        pytest.skip(f"browser test skipped: playwright not importable ({exc})")
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
    # by the test itself must still be allowed there.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def _migrations_left_applied(request) -> Iterator[None]:
    """A test that migrates the database back and forth (``test_*migration*``) must leave
    every app at its latest migration: one that restored only its own apps once left
    another app's table missing for every later test, which then failed far from the cause."""
    yield
    if "migration" not in request.node.module.__name__:
        return
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert not unapplied, f"left unapplied: {[m.app_label + '.' + m.name for m, _ in unapplied]}"
