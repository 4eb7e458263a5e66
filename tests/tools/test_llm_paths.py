"""With an LLM configured, the offer, smart fill and roadmap come from the model (through the
official SDK against a local stub); invalid answers fall back to the rules."""

from __future__ import annotations

import json

import pytest

from tests.ai_providers.stub import Reply
from tools.models import ExitOffer

pytestmark = pytest.mark.django_db


def test_exit_offer_chosen_by_llm(api_client, openai_stub):
    openai_stub.script(
        "openai",
        Reply(
            text=json.dumps(
                {
                    "offer": "webinar_waitlist",
                    "title": "Build it live with us",
                    "description": "Our next workshop builds a RAG assistant in 90 minutes.",
                    "reason": "technical reader",
                }
            )
        ),
    )
    body = api_client.get("/api/offers/exit-intent", {"pages": "/blog/rag/", "seconds": 300}).json()
    assert body["offer"] == "webinar_waitlist" and body["chosen_by"] == "llm"
    assert body["title"] == "Build it live with us"
    assert body["cta_url"] == "/events/"
    sent = openai_stub.bodies("openai")[0]
    assert "/blog/rag/" in json.dumps(sent["messages"])
    assert ExitOffer.objects.get().chosen_by == "llm"


def test_invalid_llm_offer_falls_back_to_rules(api_client, openai_stub):
    openai_stub.script("openai", Reply(text='{"offer": "free_ipad"}'))
    body = api_client.get("/api/offers/exit-intent", {"pages": "/", "seconds": 5}).json()
    assert body["offer"] == "newsletter" and body["chosen_by"] == "rules"


def test_smart_fill_uses_llm_and_validates(api_client, openai_stub):
    openai_stub.script(
        "openai",
        Reply(
            text='{"role": "Chief Risk Officer", "seniority": "c_level", '
            '"company_size": "about 80", "industry": "insurance"}'
        ),
    )
    body = api_client.post(
        "/api/forms/extract",
        {"text": "I look after risk at an 80-person insurer"},
        format="json",
    ).json()
    assert body["method"] == "llm"
    assert body["fields"]["role"] == "Chief Risk Officer"
    # "about 80" is not a bucket: the rules' value stands.
    assert body["fields"]["company_size"] == "51-200"
    assert body["fields"]["industry"] == "insurance"


def test_assessment_roadmap_personalised_by_llm(api_client, openai_stub):
    from tools import assessment

    roadmap = {
        "roadmap": [{"phase": "0-3 months", "title": "Start", "actions": ["Name a sponsor"]}],
        "next_steps": ["Book a call"],
    }
    openai_stub.script("openai", Reply(text=json.dumps(roadmap)))
    answers = {q.id: 1 for q in assessment.QUESTIONS}
    body = api_client.post("/api/tools/assessment", {"answers": answers}, format="json").json()
    assert body["method"] == "llm"
    assert body["roadmap"] == roadmap["roadmap"]
    assert body["overall"] == 33  # scores are always the rules


def test_smart_fill_calls_the_model_once_per_sentence(api_client, openai_stub):
    """Public path: the same sentence sent again (any spacing or case) is answered from the
    cache, not by another paid model call."""
    openai_stub.script(
        "openai",
        Reply(text='{"role": "Head of Claims", "seniority": "director", "industry": "insurance"}'),
    )
    sentences = ["I run claims at an insurer", "  i run CLAIMS at an   insurer "]
    bodies = [
        api_client.post("/api/forms/extract", {"text": t}, format="json").json() for t in sentences
    ]
    assert [b["fields"]["role"] for b in bodies] == ["Head of Claims", "Head of Claims"]
    assert len(openai_stub.bodies("openai")) == 1
