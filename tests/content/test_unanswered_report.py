"""Acceptance 5 (report): a question the assistant cannot answer is recorded, shows up in
the marketers' Wagtail report grouped with other wordings of it, and answering it there as
an FAQ feeds the knowledge base: the next visitor asking it is answered from that FAQ."""

from __future__ import annotations

import pytest
from django.test import override_settings

from chat import services
from chat.models import UnansweredQuestion
from content.models import FAQ

pytestmark = pytest.mark.django_db

QUESTION = "Do you offer on-site staff training in Mombasa?"
OTHER_WORDING = "Can you run on-site training for our staff in Mombasa?"
UNRELATED = "Is there a mobile app for iPhone?"
URL = "/cms/chat/unanswered/"


def ask(text: str) -> tuple[str, list[dict]]:
    conv = services.conversation_open()
    events = list(services.chat_turn(conversation=conv, text=text))
    reply = "".join(e["text"] for e in events if e["type"] == "token")
    sources = [s for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, sources


@override_settings(LLM_PROVIDER="local", OPENAI_API_KEY="", ANTHROPIC_API_KEY="")
def test_unanswered_question_is_reported_and_answered_as_faq(
    client, marketer, sales_user, local_embedder, django_capture_on_commit_callbacks
):
    reply, _ = ask(QUESTION)
    assert "don't know" in reply and "email" in reply
    ask(OTHER_WORDING)
    ask(UNRELATED)
    assert UnansweredQuestion.objects.count() == 3

    client.force_login(sales_user)  # Sales have no FAQ rights: no report
    assert client.get(URL).status_code in (302, 403)
    client.force_login(marketer)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "2 asked" in body and "1 asked" in body  # two wordings, one meaning
    assert QUESTION in body and OTHER_WORDING in body and UNRELATED in body

    ids = [
        str(pk)
        for pk in UnansweredQuestion.objects.exclude(text=UNRELATED).values_list("pk", flat=True)
    ]
    answer = (
        "Yes. We run on-site training workshops for your staff anywhere in Kenya, including "
        "Mombasa, as part of every project."
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {"ids": ids, "question": QUESTION, "answer": answer})
    assert done.status_code == 302
    faq = FAQ.objects.get(question=QUESTION)
    assert UnansweredQuestion.objects.filter(answered_by_faq=faq).count() == 2
    after = client.get(URL).content.decode()
    assert "2 asked" not in after and "1 asked" in after and UNRELATED in after

    reply, sources = ask(QUESTION)
    assert "on-site training workshops" in reply, reply
    assert any(s["url"].endswith(f"#faq-{faq.pk}") for s in sources), sources
    assert UnansweredQuestion.objects.filter(answered_by_faq__isnull=True).count() == 1
