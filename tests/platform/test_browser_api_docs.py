"""``/api/docs`` renders every operation in Chromium under the site's CSP, from the
installed Swagger UI (drf-spectacular-sidecar's static files, no CDN)."""

import pytest
import yaml


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_every_operation_without_csp_errors(live_server, page, client):
    schema = yaml.safe_load(client.get("/api/schema").content)
    operations = sum(
        1
        for item in schema["paths"].values()
        for m in item
        if m in {"get", "post", "patch", "put", "delete"}
    )
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
    outside: list[str] = []
    page.on(
        "request",
        lambda req: outside.append(req.url) if not req.url.startswith(live_server.url) else None,
    )
    response = page.goto(live_server.url + "/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() == operations
    assert page.locator(".opblock-summary-path", has_text="/api/leads").count() >= 1
    assert page.get_by_text("EmenTech Engage API").first.is_visible()
    csp = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert csp == [], csp
    assert not [m for m in messages if m.startswith(("error", "pageerror"))], messages
    assert outside == [], f"/api/docs fetched from outside the site: {outside}"
