"""The privacy policy page in the demo content (a Wagtail StandardPage, idempotent)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_policy_page_states_what_why_how_long_and_rights(client, demo_site, settings):
    from content.models import StandardPage

    page = StandardPage.objects.get(slug="privacy-policy")
    assert page.live and page.get_parent().specific.slug == "home"
    html = client.get("/privacy-policy/").content.decode()
    for heading in ("What we collect", "Why we use it", "How long we keep it", "Your rights"):
        assert heading in html
    assert "90 days" in html and "180 days" in html and "2 years" in html and "7 years" in html
    assert "/privacy/request/" in html and "Global Privacy Control" in html
    call_command("load_demo", verbosity=0)  # idempotent: still one page
    assert StandardPage.objects.filter(slug="privacy-policy").count() == 1


def test_policy_follows_configured_periods(db, settings):
    from privacy.demo import policy_body

    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "interactions": 60}
    text = " ".join(str(block["value"]) for block in policy_body())
    assert "60 days" in text


def test_registry_check_is_clean():
    from django.core.checks import run_checks

    messages = [m for m in run_checks(tags=["privacy"]) if m.id.startswith("privacy.")]
    assert messages == []
