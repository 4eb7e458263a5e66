"""The resource page in Chromium on a phone and a desktop: the layout fits, and the
download form posts to the API under the CSP and shows the signed link in place."""

from __future__ import annotations

import pytest

from content.models import DownloadGrant


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_gated_download_on_phone_and_desktop(live_server, browser, gated_resource):
    problems: list[str] = []
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies([{"name": "em_consent", "value": "1.a1.m0", "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(live_server.url + "/resources/warehouse-guide/")
        assert page.locator("h1").inner_text() == "Warehouse Automation Field Guide"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"horizontal scroll at {width}px"
        main = page.locator(".layout-with-aside > .stream").bounding_box()
        aside = page.locator("aside.download").bounding_box()
        if width < 900:
            assert aside["y"] >= main["y"] + main["height"] - 1  # stacked under the text
        else:
            assert aside["x"] >= main["x"] + main["width"] - 1  # beside the text
        context.close()

    context = browser.new_context(viewport={"width": 375, "height": 812})
    context.add_cookies([{"name": "em_consent", "value": "1.a1.m0", "url": live_server.url}])
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/resources/warehouse-guide/")
    page.get_by_label("Work email").fill("phone@example.com")
    page.get_by_label("Job title").fill("Warehouse manager")
    page.get_by_label("Company size").select_option("11-50")
    page.get_by_role("button", name="Send me the guide").click()
    page.locator("[data-error-for=consent]").wait_for(state="visible", timeout=10000)
    assert DownloadGrant.objects.count() == 0
    page.locator("#dl-consent").check()
    page.get_by_role("button", name="Send me the guide").click()
    link = page.get_by_role("link", name="Download now")
    link.wait_for(timeout=10000)
    assert "/resources/download/" in link.get_attribute("href")
    assert DownloadGrant.objects.count() == 1
    context.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
