"""A follow-up that refers back ("what is delivered once it finishes?") is answered from the
page just talked about: the service page of the catalogue line just quoted, ahead of pages
that only share a word. Wordings written for this test, not taken from the evaluation cases."""

from __future__ import annotations

import pytest


def _turn(conv, text: str) -> tuple[str, list[str]]:
    from chat.services import chat_turn

    events = list(chat_turn(conversation=conv, text=text))
    reply = "".join(e.get("text", "") for e in events if e["type"] == "token")
    urls = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, urls


@pytest.mark.django_db
def test_a_follow_up_on_a_priced_service_is_answered_from_its_page(demo_kb):
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi", page_url="")
    reply, urls = _turn(
        conv, "We grow flowers and are new to AI. How much is the readiness assessment?"
    )
    assert "/services/ai-strategy/" in urls, (reply, urls)
    reply, urls = _turn(conv, "What is delivered once it finishes?")
    assert urls and urls[0] == "/services/ai-strategy/", (reply, urls)
