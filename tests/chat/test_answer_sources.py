"""The page that answers is the one cited, on the demo knowledge base, with wordings written
for this file: a long message whose subject is one concrete detail among many, a misspelt
word, a request for a client's story, and a price asked for something no catalogue line
names (the service page's own range, not the whole catalogue's)."""

from __future__ import annotations

import pytest

from chat import services
from chat.knowledge import respelled

pytestmark = pytest.mark.django_db


def ask(text: str) -> tuple[str, list[str]]:
    conv = services.conversation_open(tz_name="Africa/Nairobi")
    events = list(services.chat_turn(conversation=conv, text=text))
    reply = "".join(e["text"] for e in events if e["type"] == "token")
    cited = [s["url"] for e in events if e["type"] == "sources" for s in e["sources"]]
    return reply, cited


def test_a_long_message_is_about_the_detail_most_of_it_describes(demo_kb):
    reply, cited = ask(
        "Bear with me, this takes a while. We are a hardware wholesaler in Mombasa with "
        "four branches and some ninety people, our suppliers send invoices as scanned PDFs "
        "and sometimes as phone photos, two clerks then key every line into QuickBooks by "
        "hand, the month-end close takes a full week because totals never agree, and our "
        "auditors keep asking who changed what and when. A friend mentioned you handle "
        "that sort of problem. Is that right?"
    )
    assert cited and cited[0] == "/services/process-automation/", (cited, reply)


def test_a_misspelt_word_is_read_as_the_pages_own_word(demo_kb):
    assert respelled("any hospitl clients?") == "any hospital clients?"  # as the title spells it
    assert respelled("we sell wine") == "we sell wine"  # nothing close: left alone


def test_a_request_for_a_clients_story_is_answered_from_a_case_study(demo_kb):
    reply, cited = ask("got a case study from a hospitl?")
    assert "/case-studies/healthcare-patient-assistant/" in cited, (cited, reply)


def test_a_price_for_something_no_catalogue_line_names_comes_from_its_service_page(demo_kb):
    reply, cited = ask("Roughly what budget does a churn prediction project need?")
    assert "/services/data-ml-platforms/" in cited, (cited, reply)
    assert "200,000" in reply, reply


def test_how_pricing_works_in_general_still_gets_the_catalogue_range(demo_kb):
    reply, cited = ask("How do you usually price your engagements?")
    assert "200,000" not in reply, reply
