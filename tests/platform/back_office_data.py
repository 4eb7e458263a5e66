"""A realistic back office to look at: leads across stages and industries, one lead with a
long timeline (page views, runs of scroll events, a download, a booked demo), conversations
with tool calls and a salesperson's reply, demo bookings. Built through the real capture
service; the rest is stored as the chat and tracker would store it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import make_lead

PEOPLE = [
    ("Amina Wanjiru", "Savanna Freight", "Logistics", "Head of Operations"),
    ("Brian Otieno", "Mkopo Fintech", "Fintech", "CTO"),
    ("Cynthia Mwangi", "GreenLeaf Agro", "Agriculture", "Managing Director"),
    ("David Kimani", "Tiba Health Clinics", "Healthcare", "IT Manager"),
    ("Esther Achieng", "Pwani Hotels Group", "Hospitality", "Marketing Lead"),
    ("Felix Mutua", "mkopo fintech", "fintech", "Data Analyst"),
    ("Grace Njeri", "Jenga Construction Ltd", "Construction", "Procurement Officer"),
    ("Hassan Abdi", "Duka Online", "Retail", "Founder & CEO"),
    ("Irene Chebet", "Elimu Schools Network", "Education", "Director of Learning"),
    ("Joseph Kariuki", "Nairobi Water Services", "Utilities", "Customer Service Manager"),
    ("Kevin Odhiambo", "Safari Insurance", "Insurance", "Claims Director"),
    ("Lucy Wambui", "Kilele Legal Advocates", "Legal", "Partner"),
]
ASK = "Hi, we run 40 trucks and want a chatbot for delivery updates. Can we book a demo?"
OFFER = "Happy to help. Thursday 10:00 or Friday 14:30 (Nairobi time) are open. Which suits you?"
REPLY = "This is Sam from sales: I have booked Thursday 10:00 and sent the invite."


def seed(*, sales_user=None) -> dict:
    """Create the data; returns the lead with the long timeline, a conversation and a
    booking (for tests that open them)."""
    from analytics.models import Interaction
    from chat.models import Conversation, DemoBooking, Message
    from leads.models import Lead

    now = timezone.now()
    leads = []
    for n, (name, company, industry, role) in enumerate(PEOPLE):
        first, last = name.lower().split()
        email = f"{first}.{last}@{company.split()[0].lower()}.example"
        source = ("chat", "resource", "event", "contact")[n % 4]
        lead = make_lead(
            email, source=source, name=name, company=company, industry=industry, role=role
        )
        score = 92 - n * 7
        grade = "A" if score >= 80 else "B" if score >= 60 else "C" if score >= 40 else "D"
        stage = ("qualified", "identified", "identified", "opportunity")[n % 4]
        Lead.objects.filter(pk=lead.pk).update(
            score=score,
            grade=grade,
            stage=stage,
            last_visit_at=now - dt.timedelta(hours=n * 5),
            assigned_to=sales_user if n % 3 == 0 else None,
        )
        leads.append(lead)
    star = leads[0]

    # The star lead's timeline: visits with runs of scroll/heartbeat events in between.
    rows = []
    at = now - dt.timedelta(days=3)
    for path in ("/", "/services/ai-chatbots/", "/resources/production-ai-checklist/", "/contact/"):
        rows.append(Interaction(type="page_view", category="page_view", lead=star,
                                occurred_at=at, properties={"path": path}))  # fmt: skip
        for s in range(6):
            at += dt.timedelta(seconds=15)
            rows.append(Interaction(type="scroll", category="engagement", lead=star,
                                    occurred_at=at, properties={"depth": 20 + s * 15}))  # fmt: skip
        at += dt.timedelta(minutes=4)
    download = {"resource_id": "production-ai-checklist"}
    rows.append(Interaction(type="resource_download", category="conversion", lead=star,
                            occurred_at=at, properties=download))  # fmt: skip
    Interaction.objects.bulk_create(rows)

    # Conversations: the visitor, the assistant (with a tool call) and a salesperson.
    conversations = []
    for lead, status in ((star, "escalated"), (leads[1], "active"), (leads[2], "resolved")):
        conv = Conversation.objects.create(lead=lead, status=status, primary_intent="demo")
        Message.objects.create(conversation=conv, role="user", content=ASK)
        Message.objects.create(
            conversation=conv,
            role="assistant",
            content=OFFER,
            tool_calls=[{"id": "c1", "type": "function",
                         "function": {"name": "offer_demo_slots", "arguments": '{"days": 7}'}}],
            tokens_in=812,
            tokens_out=64,
        )  # fmt: skip
        Message.objects.create(conversation=conv, role="user", content="Thursday 10:00 please.")
        if sales_user is not None:
            Message.objects.create(
                conversation=conv,
                role="assistant",
                source="human",
                author=sales_user,
                content=REPLY,
            )
        conversations.append(conv)

    bookings = []
    base = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    for n, lead in enumerate(leads[:4]):
        starts = base + dt.timedelta(days=n + 1, hours=(n % 2) * 4, minutes=30 * (n % 2))
        bookings.append(
            DemoBooking.objects.create(
                lead=lead,
                conversation=conversations[n] if n < len(conversations) else None,
                sales_user=sales_user,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=30),
                slot_key=f"team|{starts.isoformat()}",
                idempotency_key=f"seed-{lead.pk}",
            )
        )
    return {"lead": star, "leads": leads, "conversation": conversations[0], "booking": bookings[0]}
