"""Acceptance 7: the widget in Chromium (Playwright) on a real ASGI server (HTTP and
WebSocket): opens on click, streams the answer, shows the source as a link; model and
visitor text are rendered as text, under the site's CSP; it fits a phone screen."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class AsgiServer:
    """uvicorn serving ``ementech.asgi.application`` from a thread, on a free local port."""

    def __init__(self) -> None:
        import uvicorn

        from ementech.asgi import application

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
            ws="websockets",
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AsgiServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def wait_js(page, fn: str, timeout: float = 30.0):
    """Poll ``fn`` with ``page.evaluate`` (``wait_for_function`` evals a string, which the
    site's CSP rightly forbids)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(fn)
        if value:
            return value
        time.sleep(0.1)
    return None


@pytest.fixture
def site_with_knowledge(settings):
    """Demo pages and their knowledge index (the Wagtail root is recreated when an earlier
    transactional test flushed it)."""
    from django.core.management import call_command
    from wagtail.models import Collection, Locale, Page

    from content.knowledge import forget
    from content.services import knowledge_reindex

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    Locale.objects.get_or_create(language_code="en")
    if not Page.get_first_root_node():
        Page.add_root(instance=Page(title="Root", slug="root"))
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    knowledge_reindex()
    forget()
    yield


def test_widget_streams_answer_with_source_link(site_with_knowledge, page, browser):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with AsgiServer() as server:
        page.goto(server.url + "/")
        launcher = page.locator("[data-chat-open]")
        assert launcher.get_attribute("aria-expanded") == "false"
        assert page.locator("#em-chat-panel").is_hidden()
        launcher.click()
        assert page.locator("#em-chat-panel").is_visible()
        assert launcher.get_attribute("aria-expanded") == "true"
        assert wait_js(page, "() => document.getElementById('em-chat').dataset.conversationId")
        # Count how many times the streaming bubble's text changes.
        page.evaluate(
            """() => {
              window.__updates = 0;
              const log = document.querySelector('[data-chat-log]');
              new MutationObserver(() => { window.__updates += 1; })
                .observe(log, {subtree: true, childList: true, characterData: true});
            }"""
        )
        box = page.locator("[data-chat-input]")
        assert box.evaluate("el => el === document.activeElement")
        box.fill("How much did the digital lender reduce fraud losses?")
        box.press("Enter")
        link = page.locator(".em-chat-sources a").first
        link.wait_for(timeout=60_000)
        assert "/case-studies/fintech-fraud-detection/" in link.get_attribute("href")
        answer = page.locator(".em-chat-bot p").last.text_content()
        assert "94%" in answer and "[Source 1]" in answer
        assert page.evaluate("window.__updates") > 5  # streamed token by token, not at once

        # Visitor text with markup is shown as text: no element is created from it.
        box.fill('<img src=x onerror="window.__pwned=1"> hello')
        box.press("Enter")
        assert wait_js(page, "() => document.querySelectorAll('.em-chat-user p').length >= 2")
        assert page.locator("[data-chat-log] img").count() == 0
        assert page.evaluate("window.__pwned") is None
        assert "<img" in page.locator(".em-chat-user p").last.text_content()

        # History survives a page load (the widget keeps the conversation id and the owner
        # token the server gave this browser; no visitor cookie here: analytics are off).
        first_id = page.evaluate("localStorage.getItem('em_chat_id')")
        assert page.evaluate("localStorage.getItem('em_chat_token')").startswith(first_id)
        page.reload()
        page.locator("[data-chat-open]").click()
        page.locator(".em-chat-sources a").first.wait_for(timeout=30_000)
        assert page.locator(".em-chat-user p").count() == 2

        # Without the token the conversation is refused: the widget forgets it and starts a
        # new one (nothing of the old one is shown).
        page.evaluate("localStorage.setItem('em_chat_token', 'forged')")
        page.reload()
        page.locator("[data-chat-open]").click()
        assert wait_js(
            page,
            f"() => (document.getElementById('em-chat').dataset.conversationId || '{first_id}')"
            f" !== '{first_id}'",
        )
        assert page.locator(".em-chat-user p").count() == 0
        page.reload()  # and the new one is this browser's own again
        page.locator("[data-chat-open]").click()
        assert wait_js(page, "() => document.getElementById('em-chat').dataset.conversationId")

        # Minimise and close keep the page usable; keyboard: Escape minimises.
        page.locator("[data-chat-input]").press("Escape")
        assert page.locator("#em-chat-panel").is_hidden()
        page.locator("[data-chat-open]").click()
        page.locator("[data-chat-close]").click()
        assert page.locator("#em-chat-panel").is_hidden()

        # On a phone the open panel takes the whole screen.
        phone = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True)
        mobile = phone.new_page()
        mobile.goto(server.url + "/")
        # On a phone the launcher waits until the cookie choice is made (it would cover
        # the banner's buttons).
        assert mobile.locator("[data-chat-open]").is_hidden()
        mobile.click("[data-consent=reject_all]")
        mobile.wait_for_load_state()
        mobile.locator("[data-chat-open]").click()
        width = mobile.locator("#em-chat-panel").bounding_box()["width"]
        assert width >= 370
        phone.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
