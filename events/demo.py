"""Demo events: the index at /events/ and five realistic events (idempotent, keyed by slug).

Dates are set relative to the first load (upcoming events in the next weeks, one past
webinar with its recording); a later load updates texts but keeps the dates.
"""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from django.core.files.images import ImageFile
from django.utils import timezone

from events.models import EventIndexPage, EventPage

SPEAKERS = {
    "amani": {
        "name": "Amani Kiprono",
        "title": "Head of Engineering",
        "company": "EmenTech",
        "bio": "Amani has led the delivery of more than 30 production AI systems, from "
        "support chatbots for Kenyan banks to document automation for insurers.",
    },
    "wanjiru": {
        "name": "Wanjiru Mwangi",
        "title": "Lead Data Scientist",
        "company": "EmenTech",
        "bio": "Wanjiru builds forecasting and lead-scoring models and teaches teams how to "
        "evaluate language models before they reach customers.",
    },
    "david": {
        "name": "David Otieno",
        "title": "CTO",
        "company": "Pesa Logistics",
        "bio": "David scaled Pesa Logistics' routing platform to 2 million deliveries a "
        "month and runs its applied-AI team.",
    },
    "fatima": {
        "name": "Fatima Hassan",
        "title": "Solutions Architect",
        "company": "EmenTech",
        "bio": "Fatima designs retrieval-augmented assistants and the guardrails that keep "
        "them honest.",
    },
}


def _speakers(*keys: str) -> list[tuple[str, dict]]:
    return [("speaker", SPEAKERS[k]) for k in keys]


def _agenda(*items: tuple[str, str, str]) -> list[tuple[str, dict]]:
    return [("item", {"time": t, "title": title, "description": d}) for t, title, d in items]


EVENTS = [
    {
        "slug": "live-ai-implementation-workshop",
        "title": "Live AI Implementation Workshop",
        "event_type": "webinar",
        "days": 10,
        "start": time(14, 0),
        "duration_minutes": 90,
        "format": "virtual",
        "platform": "Zoom",
        "join_url": "https://zoom.us/j/81234567890?pwd=ementechDemo",
        "location": "",
        "capacity": 100,
        "registration_fields": ["name", "company", "role", "experience_level"],
        "qualification_required": False,
        "summary": "Build your first AI feature live with our engineers: a support assistant "
        "that answers from your own documents, in 90 minutes.",
        "value_proposition": "Build your first AI feature live with our engineers",
        "description": "<p>We start from an empty repository and finish with a working "
        "assistant that answers questions from a set of PDFs, cites its sources and hands "
        "over to a person when it is unsure. You can follow along or just watch; the code "
        "and slides are shared with everyone who registers.</p>",
        "agenda": _agenda(
            (
                "14:00",
                "Welcome and the use case",
                "Why support deflection is the best first AI project.",
            ),
            ("14:15", "Retrieval done right", "Chunking, embeddings and hybrid search."),
            ("14:45", "Guardrails and hand-off", "When the assistant should say 'I don't know'."),
            ("15:10", "Live Q&A", ""),
        ),
        "speakers": _speakers("amani", "fatima"),
        "colour": (11, 92, 173),
    },
    {
        "slug": "cto-roundtable-scaling-ai-systems",
        "title": "CTO Roundtable: Scaling AI Systems",
        "event_type": "roundtable",
        "days": 24,
        "start": time(17, 30),
        "duration_minutes": 120,
        "format": "hybrid",
        "platform": "Google Meet",
        "join_url": "https://meet.google.com/abc-defg-hij",
        "location": "EmenTech office, 5th floor, Westlands Square, Nairobi",
        "capacity": 20,
        "registration_fields": ["name", "company", "role", "company_size", "challenges"],
        "qualification_required": True,
        "summary": "A confidential peer discussion for CTOs running AI in production: cost, "
        "reliability and team structure.",
        "value_proposition": "Peer learning, exclusive networking, confidential discussion",
        "description": "<p>Twenty technology leaders, Chatham House rules. We compare notes "
        "on keeping inference costs predictable, evaluating models continuously and "
        "organising teams around AI products. Dinner follows in person.</p>",
        "agenda": _agenda(
            ("17:30", "Arrival and introductions", ""),
            ("17:45", "Case study: Pesa Logistics", "What broke at 2 million deliveries a month."),
            ("18:30", "Open discussion", "Costs, evaluation, build versus buy."),
            ("19:30", "Dinner", "In person only."),
        ),
        "speakers": _speakers("david", "amani"),
        "colour": (20, 33, 61),
    },
    {
        "slug": "document-intake-automation-workshop",
        "title": "Workshop: Automating Document Intake with LLMs",
        "event_type": "workshop",
        "days": 38,
        "start": time(9, 0),
        "duration_minutes": 180,
        "format": "in-person",
        "platform": "",
        "join_url": "",
        "location": "Nairobi Garage, Kilimani, Nairobi",
        "capacity": 40,
        "registration_fields": [
            "name",
            "company",
            "role",
            "hoping_to_learn",
            "dietary_requirements",
        ],
        "qualification_required": False,
        "summary": "A hands-on morning turning invoices, claims and KYC forms into clean data "
        "with language models and human checkpoints.",
        "value_proposition": "Leave with a working extraction pipeline for your own documents",
        "description": "<p>Bring a laptop and three sample documents from your business. "
        "We cover layout-aware extraction, validation rules, confidence thresholds and the "
        "review queue that keeps accuracy above 98%.</p>",
        "agenda": _agenda(
            ("09:00", "From PDF to fields", ""),
            ("10:00", "Validation and confidence", ""),
            ("11:00", "Build your own pipeline", "With our engineers at your table."),
        ),
        "speakers": _speakers("wanjiru", "fatima"),
        "colour": (242, 165, 65),
    },
    {
        "slug": "nairobi-ai-builders-meetup",
        "title": "Nairobi AI Builders Meetup",
        "event_type": "meetup",
        "days": 45,
        "start": time(18, 0),
        "duration_minutes": 150,
        "format": "in-person",
        "platform": "",
        "join_url": "",
        "location": "iHub, Senteu Plaza, Nairobi",
        "capacity": 80,
        "registration_fields": ["name", "company"],
        "qualification_required": False,
        "summary": "Lightning talks from teams shipping AI in East Africa, then drinks.",
        "value_proposition": "Meet the people building AI in Nairobi",
        "description": "<p>Five ten-minute talks: Swahili speech recognition, fraud "
        "detection for mobile money, and three more picked by the community.</p>",
        "agenda": _agenda(("18:00", "Doors open", ""), ("18:30", "Lightning talks", "")),
        "speakers": _speakers("wanjiru"),
        "colour": (16, 120, 90),
    },
    {
        "slug": "ai-chatbots-that-resolve-real-tickets",
        "title": "Webinar: AI Chatbots That Resolve Real Tickets",
        "event_type": "webinar",
        "days": -21,
        "start": time(11, 0),
        "duration_minutes": 60,
        "format": "virtual",
        "platform": "Zoom",
        "join_url": "https://zoom.us/j/89876543210",
        "location": "",
        "capacity": 150,
        "registration_fields": ["name", "company", "role"],
        "qualification_required": False,
        "summary": "How our clients cut first-response times by 30–40% without frustrating "
        "their customers.",
        "value_proposition": "Real numbers from three production deployments",
        "description": "<p>Three case studies, the metrics that matter and the mistakes "
        "we no longer make.</p>",
        "agenda": _agenda(("11:00", "Case studies", ""), ("11:40", "Q&A", "")),
        "speakers": _speakers("amani"),
        "recording_url": "https://www.youtube.com/watch?v=ementech-demo-chatbots",
        "colour": (180, 35, 24),
    },
]


def _cover(slug: str, title: str, colour: tuple[int, int, int]):
    """A generated cover image (gradient and title), created once per event."""
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from wagtail.images.models import Image

    name = f"Event cover: {slug}"
    existing = Image.objects.filter(title=name).first()
    if existing is not None:
        return existing
    width, height = 1200, 630
    img = PILImage.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        shade = int(60 * y / height)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(max(c - shade, 0) for c in colour),
        )
    draw.text((60, 480), title, fill=(255, 255, 255))
    draw.text((60, 520), "EmenTech Events", fill=(230, 238, 248))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return Image.objects.create(
        title=name, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{slug}.png")
    )


def _index() -> EventIndexPage:
    from content.facade import home_page

    index = EventIndexPage.objects.first()
    if index is None:
        home = home_page()
        if home is None:
            raise RuntimeError("events demo needs the home page (load content.demo first)")
        index = EventIndexPage(title="Events & webinars", slug="events")
        home.add_child(instance=index)
    index.intro = (
        "Workshops, webinars and roundtables where our engineers show how AI systems are "
        "built and run — free, practical, and recorded for registrants."
    )
    index.seo_description = "Upcoming EmenTech webinars, workshops and roundtables on applied AI."
    index.save_revision().publish()
    return index


def load(log) -> None:
    index = _index()
    today = timezone.localdate()
    created = 0
    for spec in EVENTS:
        spec = dict(spec)
        slug = spec.pop("slug")
        days = spec.pop("days")
        start = spec.pop("start")
        colour = spec.pop("colour")
        page = EventPage.objects.filter(slug=slug).first()
        if page is None:
            page = EventPage(slug=slug, start_date=today + timedelta(days=days), start_time=start)
            created += 1
        elif not isinstance(page.start_date, date):
            page.start_date = today + timedelta(days=days)
        for key, value in spec.items():
            setattr(page, key, value)
        page.timezone = "Africa/Nairobi"
        page.cover_image = _cover(slug, spec["title"], colour)
        if page.pk is None:
            index.add_child(instance=page)
        page.save_revision().publish()
    log(f"events: index at /{index.slug}/, {len(EVENTS)} events ({created} new)")
