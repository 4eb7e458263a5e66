"""Acceptance 5 (writing help, seed 8.2.3): a marketer asks for a draft of a page section;
against the stub provider (the real SDKs on the wire) the model drafts, critiques against the
seed's checklist and revises; the marketer sees all three and accepts the revision into a
draft revision of the page. Without a model key the help is not offered."""

from __future__ import annotations

import pytest
from django.test import override_settings

from content.models import ServiceIndexPage
from tests.ai_providers.conftest import llm_settings, stub_llm  # noqa: F401 - fixtures
from tests.ai_providers.stub import Reply

pytestmark = pytest.mark.django_db

DRAFT = "We build AI chatbots that answer your customers in English and Swahili."
CRITIQUE = "Tone fits. Not specific enough: add an example, such as a bank's support desk."
REVISION = "Our chatbots answer a bank's support desk in English and Swahili, day and night."


@pytest.fixture
def services_index(home) -> ServiceIndexPage:
    page = ServiceIndexPage(title="Services", slug="services-writing", intro="Old intro.")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_marketer_sees_draft_critique_and_revision_then_accepts(
    client,
    marketer,
    services_index,
    llm_settings,  # noqa: F811
):
    llm_settings.script("anthropic", Reply(text=DRAFT), Reply(text=CRITIQUE), Reply(text=REVISION))
    client.force_login(marketer)
    url = f"/cms/writing/{services_index.pk}/"
    form = client.get(url)
    assert form.status_code == 200 and "Old intro." in form.content.decode()

    shown = client.post(
        url, {"field": "intro", "instruction": "Make it concrete", "action": "generate"}
    )
    body = shown.content.decode()
    assert shown.status_code == 200
    for text in (DRAFT, CRITIQUE, REVISION, "Is the content actionable and specific?"):
        assert text.replace("'", "&#x27;") in body, text
    bodies = llm_settings.bodies("anthropic")
    assert len(bodies) == 3  # draft, critique, revision: one call each
    assert "CRITIQUE CHECKLIST" in bodies[1]["system"]
    assert DRAFT in bodies[2]["messages"][0]["content"]
    assert CRITIQUE in bodies[2]["messages"][0]["content"]

    done = client.post(url, {"field": "intro", "text": REVISION, "action": "accept"})
    assert done.status_code == 302
    page = ServiceIndexPage.objects.get(pk=services_index.pk)
    assert page.intro == "Old intro."  # live page untouched until a person publishes
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().intro == REVISION


@override_settings(LLM_PROVIDER="auto", OPENAI_API_KEY="", ANTHROPIC_API_KEY="")
def test_hidden_without_a_model_key(client, marketer, services_index):
    client.force_login(marketer)
    assert client.get(f"/cms/writing/{services_index.pk}/").status_code == 404
    listing = client.get(f"/cms/pages/{services_index.get_parent().pk}/")
    assert "AI writing help" not in listing.content.decode()


def test_offered_on_the_page_with_a_key(client, marketer, services_index, llm_settings):  # noqa: F811
    client.force_login(marketer)
    listing = client.get(f"/cms/pages/{services_index.get_parent().pk}/")
    assert listing.status_code == 200
    assert f"/cms/writing/{services_index.pk}/" in listing.content.decode()


def test_only_editors_of_the_page_reach_it_and_nothing_is_generated_for_others(
    client,
    sales_user,
    services_index,
    llm_settings,  # noqa: F811
):
    """Sales (no CMS edit rights), an anonymous visitor and a forged page id get no draft
    and cost no model call."""
    url = f"/cms/writing/{services_index.pk}/"
    body = {"field": "intro", "instruction": "x", "action": "generate"}
    anonymous = client.post(url, body)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    client.force_login(sales_user)
    assert client.post(url, body).status_code in (302, 403)
    assert client.post(url, {**body, "action": "accept", "text": "Defaced"}).status_code in (
        302,
        403,
    )
    assert llm_settings.bodies("anthropic") == []
    page = ServiceIndexPage.objects.get(pk=services_index.pk)
    assert page.get_latest_revision_as_object().intro == "Old intro."


def test_a_field_that_is_not_a_text_field_of_the_page_is_refused(
    client,
    marketer,
    services_index,
    llm_settings,  # noqa: F811
):
    client.force_login(marketer)
    url = f"/cms/writing/{services_index.pk}/"
    resp = client.post(url, {"field": "slug", "text": "hijacked", "action": "accept"})
    assert resp.status_code == 404
    assert ServiceIndexPage.objects.get(pk=services_index.pk).slug == "services-writing"
    assert client.post("/cms/writing/999999/", {"field": "intro"}).status_code == 404
