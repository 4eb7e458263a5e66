"""A first browser test: Chromium opens the home page served by a live server."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_shows_demo_content(live_server, page):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "AI that earns its place in your business"
    assert page.get_by_text("AI chatbots and assistants").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    toggle = page.get_by_role("button", name="Menu")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Resources").is_visible()
