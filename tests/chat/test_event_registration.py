"""Acceptance 4: a conversational registration on an event page (seed 3.1.3) ends registered,
or waitlisted, with the same rows and email as the page's form, asking one field at a time
and nothing the visitor already gave."""

from __future__ import annotations

import re

import pytest

from chat import services
from chat.models import Conversation
from events.models import EventRegistration
from leads.models import ConsentRecord, Lead
from tests.chat.conftest import owner_client, post_chat, reply_text
from tests.events.conftest import event_mail

pytestmark = pytest.mark.django_db

FIELDS = ["name", "company", "experience_level", "hoping_to_learn"]


def say(conv: Conversation, text: str) -> tuple[str, dict]:
    events = list(services.chat_turn(conversation=conv, text=text))
    reply = "".join(e["text"] for e in events if e["type"] == "token")
    return reply, events[-1]


def consent(conv: Conversation) -> tuple[str, dict]:
    services.conversation_set_consent(conversation=conv, wording="I agree.", page_url="")
    events = list(services.chat_resume(conversation=conv))
    return "".join(e["text"] for e in events if e["type"] == "token"), events[-1]


def normalised(body: str, email: str, name: str) -> str:
    """An email body with what differs per registrant (address, name, links) taken out."""
    body = re.sub(r"https?://\S*/event-registrations/cancel/\S+", "<cancel>", body)
    body = body.replace(email, "<email>").replace(name, "<name>")
    return body.replace(name.split()[0], "<name>")


def test_chat_registration_equals_the_form(client, make_event, django_capture_on_commit_callbacks):
    event = make_event(registration_fields=FIELDS)
    with django_capture_on_commit_callbacks(execute=True):
        form = client.post(
            event.url,
            {
                "email": "form@acme.example",
                "name": "Fatuma Form",
                "company": "Acme Logistics",
                "experience_level": "intermediate",
                "hoping_to_learn": "How to ship a support bot",
                "consent_data_processing": "on",
            },
        )
    assert form.status_code == 302

    conv = services.conversation_open(page_url=event.url)
    asked: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        reply, _ = say(conv, "Hi, I'm Wanjiru Chat from Acme Logistics. Can you register me?")
        asked.append(reply)
        assert "email" in reply.lower() and "name" not in reply.lower(), reply
        reply, _ = say(conv, "chat@acme.example")
        asked.append(reply)
        assert "experience" in reply.lower(), reply  # name and company were given: skipped
        reply, _ = say(conv, "We have some projects shipped already")
        asked.append(reply)
        assert "hoping to learn" in reply.lower(), reply
        reply, _ = say(conv, "How to ship a support bot")
        asked.append(reply)
        assert "consent" in reply.lower(), reply
        reply, done = consent(conv)
    assert done["registration"]["status"] == "registered", reply
    assert "registered" in reply and "chat@acme.example" in reply, reply
    transcript = " ".join(asked).lower()
    assert "full name" not in transcript and "which company" not in transcript

    by_form = EventRegistration.objects.get(lead__email="form@acme.example")
    by_chat = EventRegistration.objects.get(lead__email="chat@acme.example")
    assert by_form.source == "event_page" and by_chat.source == "chat"
    for field in ("event_id", "status", "data", "questions_asked"):
        assert getattr(by_chat, field) == getattr(by_form, field), field
    assert by_chat.seat_confirmed_at and by_form.seat_confirmed_at
    chat_lead = Lead.objects.get(email="chat@acme.example")
    form_lead = Lead.objects.get(email="form@acme.example")
    assert (chat_lead.name, chat_lead.company) == ("Wanjiru Chat", "Acme Logistics")
    assert chat_lead.company == form_lead.company and chat_lead.source == form_lead.source
    assert ConsentRecord.objects.filter(lead=chat_lead, granted=True).exists()

    (mail_form,) = event_mail("form@acme.example")
    (mail_chat,) = event_mail("chat@acme.example")
    assert mail_chat.subject == mail_form.subject
    assert normalised(mail_chat.body, "chat@acme.example", "Wanjiru Chat") == normalised(
        mail_form.body, "form@acme.example", "Fatuma Form"
    )
    kinds = [[a[0] for a in m.attachments] for m in (mail_form, mail_chat)]
    assert kinds[0] == kinds[1] and any(k.endswith(".ics") for k in kinds[0])


def test_full_event_offers_the_waitlist_over_the_api(make_event):
    event = make_event(registration_fields=["name"], capacity=1, waitlist_enabled=True)
    taken = services.conversation_open(page_url=event.url)
    services.conversation_set_consent(conversation=taken, wording="I agree.")
    for text in ("register me please", "first@example.com", "First Person"):
        say(taken, text)
    assert EventRegistration.objects.filter(status="registered").count() == 1

    from django.test import Client

    anon = Client()
    body = {"event_id": str(event.uuid), "consent": {"data_processing": True}}
    status, events = post_chat(anon, "/api/chat/register", body)
    assert status == 200 and "email" in reply_text(events).lower()
    conv = Conversation.objects.get(pk=events[0]["conversation_id"])
    api = owner_client(conv)
    base = {"event_id": str(event.uuid), "conversation_id": str(conv.pk)}
    _, events = post_chat(api, "/api/chat/register", {**base, "message": "I'm Otieno Late, "
                                                       "otieno@example.com"})  # fmt: skip
    assert "waitlist" in reply_text(events), reply_text(events)  # nothing left to ask
    _, events = post_chat(api, "/api/chat/register", {**base, "message": "yes please"})
    assert events[-1]["registration"]["status"] == "waitlisted", events
    reg = EventRegistration.objects.get(lead__email="otieno@example.com")
    assert reg.status == "waitlisted" and reg.lead.name == "Otieno Late"


def test_register_api_needs_an_event(client):
    status, body = post_chat(client, "/api/chat/register", {"message": "register me"})
    assert status == 400 and "event_id" in body[0]["details"]


@pytest.mark.django_db(transaction=True)
def test_the_widget_on_an_event_page_registers_over_the_socket(make_event, chat_socket):
    """The widget joins with the page it is on; 'register me' there starts the dialogue."""
    from channels.db import database_sync_to_async

    from tests.chat.conftest import in_own_loop

    url = make_event(registration_fields=["name"]).url

    @in_own_loop
    async def run():
        ws = chat_socket()
        await ws.connect(page_url=url)
        turn = await ws.say("Hi! Can I register for this one?")
        assert "email" in turn["text"].lower(), turn["text"]
        turn = await ws.say("I'm Amina Widget, amina@widget.example")
        assert "consent" in turn["text"].lower(), turn["text"]  # the name was given: skipped
        await ws.send({"type": "consent", "granted": True, "wording": "I agree."})
        events = await ws.events_until("done")
        assert events[-1]["registration"]["status"] == "registered", events
        reg = await database_sync_to_async(EventRegistration.objects.select_related("lead").get)()
        assert reg.source == "chat" and reg.lead.name == "Amina Widget"
        await ws.close()

    run()
