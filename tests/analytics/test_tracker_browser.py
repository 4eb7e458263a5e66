"""The tracker script in a real browser: loaded from a static file under the site's CSP
(no inline script), it sends page_view on load and page_exit with the time on page."""

from __future__ import annotations

import time

import pytest

from analytics.models import Interaction
from leads.identity import visitor_id_from_cookie


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_tracker_sends_page_view_and_exit(live_server, page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.context.add_cookies([{"name": "em_consent", "value": "1.a1.m0", "url": live_server.url}])
    # Any page on base.html carries the tracker; the 404 page needs no content.
    page.goto(live_server.url + "/tracker-check/?utm_source=newsletter")
    assert page.locator("script[src$='js/tracker.js']").count() == 1
    assert _wait_for(lambda: Interaction.objects.filter(type="page_view").exists())
    view = Interaction.objects.get(type="page_view")
    assert view.properties["path"] == "/tracker-check/"
    assert view.properties["utm_source"] == "newsletter"
    assert view.session_id
    assert view.visitor.utm_source == "newsletter"

    # The row is committed before the response that sets the cookie reaches the browser.
    def visitor_cookie():
        return {c["name"]: c["value"] for c in page.context.cookies()}.get("em_vid")

    assert _wait_for(lambda: visitor_cookie() is not None)
    assert visitor_id_from_cookie(visitor_cookie()) == view.visitor_id
    page.goto("about:blank")  # leaving the page sends page_exit by beacon
    assert _wait_for(lambda: Interaction.objects.filter(type="page_exit").exists())
    exit_event = Interaction.objects.get(type="page_exit")
    assert exit_event.visitor_id == view.visitor_id
    assert exit_event.properties["duration"] >= 0
    assert not [e for e in errors if "Content Security Policy" in e]
