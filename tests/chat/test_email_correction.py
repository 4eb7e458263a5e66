"""A visitor who mistypes their email and corrects it in the chat: the conversation's own
fresh lead takes the new address, whatever else they said that turn is still saved, a lead
the conversation did not create keeps its address (Sales is asked once), and a corrected
address that is already someone's lead is answered exactly like a free one. Wordings
written for these tests."""

from __future__ import annotations

import pytest

from leads.models import Lead, SalesNotification, Visitor

pytestmark = pytest.mark.django_db


def _say(conv, text: str) -> str:
    from chat.services import chat_turn

    events = list(chat_turn(conversation=conv, text=text))
    conv.refresh_from_db()
    return "".join(e.get("text", "") for e in events if e["type"] == "token")


def _open(visitor_id=None):
    from chat.services import conversation_open, conversation_set_consent

    conv = conversation_open(tz_name="Africa/Nairobi", visitor_id=visitor_id)
    conversation_set_consent(conversation=conv)
    return conv


def test_a_typo_in_the_email_is_corrected_and_the_rest_of_the_turn_is_kept():
    conv = _open()
    _say(conv, "Hello, Otieno here from Mavuno Traders, write to otieno@mavunotraders.co")
    lead_id = conv.lead_id
    assert Lead.objects.get(pk=lead_id).email == "otieno@mavunotraders.co"
    reply = _say(conv, "sorry I missed a letter, it's otieno@mavunotraders.com. I'm the CFO")
    lead = Lead.objects.get(pk=lead_id)
    assert conv.lead_id == lead_id and lead.email == "otieno@mavunotraders.com"
    assert conv.collected["email"] == "otieno@mavunotraders.com"
    assert "otieno@mavunotraders.com" in reply and reply.count("Thanks") == 1, reply
    assert lead.role and "cfo" in lead.role.lower()  # said in the same turn: not lost
    assert Lead.objects.filter(email_normalized="otieno@mavunotraders.co").count() == 0


def test_a_lead_the_conversation_did_not_create_keeps_its_address_and_sales_is_asked_once():
    from leads.services import ConsentInput, lead_capture

    visitor = Visitor.objects.create()
    lead_capture(
        email="wambui@jikoni.africa",
        consent=ConsentInput(data_processing=True, method="form", wording="ok"),
        source="form",
        visitor=visitor,
    )
    conv = _open(visitor_id=visitor.pk)  # a returning lead's browser: the lead comes along
    assert conv.lead_id is not None
    for _ in range(2):
        reply = _say(conv, "Please use wambui.k@jikoni.africa from now on")
    assert Lead.objects.get(pk=conv.lead_id).email == "wambui@jikoni.africa"
    assert "wambui@jikoni.africa" in reply and "colleague" in reply, reply
    # With something else said in the same message, the reply still says the truth.
    reply = _say(conv, "I'm the head of procurement, and write to wambui.k@jikoni.africa")
    assert "changed your email" not in reply and "colleague" in reply, reply
    assert Lead.objects.get(pk=conv.lead_id).email == "wambui@jikoni.africa"
    notes = SalesNotification.objects.filter(kind="chat_email_change")
    assert notes.count() == 1 and notes.get().data["email"] == "wambui.k@jikoni.africa"


def test_correcting_to_someone_elses_address_reads_like_a_free_one_and_takes_nothing():
    from leads.services import ConsentInput, lead_capture

    known = lead_capture(
        email="md@kilimobora.co.ke",
        consent=ConsentInput(data_processing=True, method="form", wording="ok"),
        source="form",
        profile={"company": "Kilimo Bora", "role": "Managing Director"},
    ).lead
    answers = []
    for n, target in enumerate(("md@kilimobora.co.ke", "nobody.yet@kilimobora.co.ke")):
        conv = _open()
        _say(conv, f"I'm Baraka, reach me on baraka{n}@kilimobra.co.ke")
        fresh = conv.lead_id
        answers.append(_say(conv, f"oops, wrong spelling: {target}").replace(target, "<email>"))
        if target == known.email:
            assert conv.lead_id is None  # only claimed, never linked
            assert Lead.all_objects.get(pk=fresh).deleted_at is not None
    assert answers[0] == answers[1] and "changed your email to <email>" in answers[0], answers
    known.refresh_from_db()
    assert (known.company, known.role) == ("Kilimo Bora", "Managing Director")
    assert not Visitor.objects.filter(lead=known).exists()


def test_an_address_changed_before_any_lead_exists_is_acknowledged_too():
    from chat.services import conversation_open

    conv = conversation_open(tz_name="Africa/Nairobi")  # no consent yet: nothing stored
    _say(conv, "my mail is pendo@safarini.co.tz")
    reply = _say(conv, "no wait, use pendo@safarini.tz")
    assert conv.collected["email"] == "pendo@safarini.tz" and conv.lead_id is None
    assert "changed your email to pendo@safarini.tz" in reply, reply
