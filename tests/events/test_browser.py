"""The registration form in Chromium: JavaScript posts to the JSON API under the CSP and
shows the answer in place (the same form also works without JavaScript, see test_pages)."""

from __future__ import annotations

import pytest

from events.models import EventRegistration


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_from_the_event_page_with_javascript(live_server, page, make_event):
    event = make_event(title="Browser Workshop", registration_fields=["name", "company"])
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(live_server.url + event.url)
    assert page.locator("h1").inner_text() == "Browser Workshop"
    # The browser here runs in the site's zone: no "your time" hint, the event's own
    # time and zone only. A visitor elsewhere sees their time on its own line.
    facts = page.locator(".event-facts").inner_text()
    assert "(Africa/Nairobi)" in facts and "Your time" not in facts
    abroad = page.context.browser.new_context(timezone_id="America/New_York")
    other = abroad.new_page()
    other.goto(live_server.url + event.url)
    hint = other.locator(".event-facts .event-local-time").inner_text()
    assert hint.startswith("Your time: ")
    abroad.close()
    page.get_by_label("Work email").fill("browser@example.com")
    page.get_by_label("Full name").fill("Bea Browser")
    page.get_by_label("Company", exact=True).fill("Chromium Ltd")
    page.get_by_role("button", name="Register").click()  # consent not given yet
    page.locator(".event-form").get_by_text("We need your consent to register you.").wait_for(
        timeout=10000
    )
    assert EventRegistration.objects.count() == 0
    page.locator("#id_consent_data_processing").check()
    page.get_by_role("button", name="Register").click()
    status = page.locator("#registration-confirmed")
    status.get_by_text("You're registered. Check your inbox").wait_for(timeout=10000)
    assert page.locator("form.event-form").count() == 0  # the form is replaced

    reg = EventRegistration.objects.get()
    assert reg.source == "api" and reg.lead.company == "Chromium Ltd"
    assert page.url.endswith(event.url)  # stayed on the page: no full form post
    assert not [p for p in problems if "Content Security Policy" in p], problems
