"""Browser test: the exit-intent offer appears once when the mouse leaves the viewport, and
not again in the same session (issue 9, acceptance 6)."""

from __future__ import annotations

import pytest

from tools.models import ExitOffer

pytestmark = pytest.mark.django_db(transaction=True)


def _leave_through_the_top(page) -> None:
    page.mouse.move(640, 300)
    page.mouse.move(640, 5, steps=5)
    page.mouse.move(640, -40, steps=5)


def test_offer_once_per_session(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/tools/roi/")
    page.wait_for_function("document.readyState === 'complete'")
    dialog = page.locator("#exit-intent")
    assert dialog.is_hidden()

    _leave_through_the_top(page)
    dialog.wait_for(state="visible", timeout=10_000)
    assert page.locator("[data-exit-title]").inner_text().strip()
    offer = ExitOffer.objects.get()
    assert dialog.get_attribute("data-offer") == offer.offer

    page.locator("[data-exit-close]").click()
    dialog.wait_for(state="hidden")
    _leave_through_the_top(page)
    page.wait_for_timeout(1500)
    assert dialog.is_hidden()

    # Another page of the same session: still not shown.
    page.goto(live_server.url + "/tools/assessment/")
    page.wait_for_function("document.readyState === 'complete'")
    _leave_through_the_top(page)
    page.wait_for_timeout(1500)
    assert page.locator("#exit-intent").is_hidden()
    assert ExitOffer.objects.count() == 1
    offer.refresh_from_db()
    assert offer.outcome == "dismissed"
    assert offer.signals["pages"] == ["/tools/roi/"]
    context.close()

    # A new session sees an offer again.
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    page = fresh.new_page()
    page.goto(live_server.url + "/tools/assessment/")
    page.wait_for_function("document.readyState === 'complete'")
    _leave_through_the_top(page)
    page.locator("#exit-intent").wait_for(state="visible", timeout=10_000)
    assert ExitOffer.objects.count() == 2
    fresh.close()


def test_mobile_fast_scroll_up_after_reading_shows_the_offer_once(live_server, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(live_server.url + "/tools/assessment/")
    page.wait_for_function("document.readyState === 'complete'")
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")
    dialog = page.locator("#exit-intent")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight * 0.3)")
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight * 0.25)")
    page.wait_for_timeout(300)
    assert dialog.is_hidden()  # slow, short scroll-up before reading: no offer
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, 0)")
    dialog.wait_for(state="visible", timeout=10_000)
    assert ExitOffer.objects.get().signals["device"] == "mobile"
    page.locator("[data-exit-close]").click()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(1500)
    assert dialog.is_hidden()
    assert ExitOffer.objects.count() == 1
    context.close()
