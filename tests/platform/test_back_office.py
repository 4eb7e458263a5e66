"""Back office entry (issue 16): a styled login without a dead "Sign up" link, and each
role lands on the page it works in."""

import pytest
from django.test import Client

from tests.factories import staff_user


@pytest.mark.django_db
def test_login_page_is_styled_and_offers_no_sign_up():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Staff sign in" in body
    assert "site-header" in body  # the site's own layout, not allauth's bare page
    assert "Sign up" not in body and "/accounts/signup/" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("group", "superuser", "landing"),
    [("Sales", False, "/dashboard/"), ("Marketers", False, "/cms/"), ("Ops", False, "/admin/"),
     (None, True, "/dashboard/")],
)  # fmt: skip
def test_each_role_lands_on_its_page(group, superuser, landing):
    user = staff_user(group, username=f"u-{group or 'root'}")
    user.is_superuser = superuser
    user.set_password("pw-for-the-test-1")
    user.save()
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": "pw-for-the-test-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


@pytest.mark.django_db
def test_health_and_cms_show_the_knowledge_index(marketer):
    body = Client().get("/health").json()
    assert body["knowledge"]["model"] == "all-MiniLM-L6-v2"
    assert body["knowledge"]["state"] in {"ready", "building"}
    client = Client()
    client.force_login(marketer)
    page = client.get("/cms/").content.decode()
    assert "Chat knowledge base" in page and "all-MiniLM-L6-v2" in page


@pytest.mark.django_db
def test_conversation_reads_as_a_transcript(superuser):
    from chat.models import Conversation, Message

    conversation = Conversation.objects.create()
    Message.objects.create(conversation=conversation, role="user", content="Can I book a demo?")
    Message.objects.create(
        conversation=conversation,
        role="assistant",
        content="Thursday 10:00 works — shall I book it?",
        tool_calls=[{"id": "c1", "type": "function",
                     "function": {"name": "offer_demo_slots", "arguments": "{\"days\": 7}"}}],
    )  # fmt: skip
    client = Client()
    client.force_login(superuser)
    html = client.get(f"/admin/chat/conversation/{conversation.pk}/change/").content.decode()
    assert "chat-transcript" in html
    assert html.index("Visitor") < html.index("AI assistant")
    assert "used offer_demo_slots" in html
    assert "arguments" not in html  # tool calls summarised, not dumped as JSON
    assert "EAT" in html  # times carry the zone's name
    assert "EmenTech back office" in html
