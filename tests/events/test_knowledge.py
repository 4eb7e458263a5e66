"""Event pages in the knowledge index: publishing an event indexes what its page says
(summary, when and how it is held, description, agenda, speakers) and search finds it by
a paraphrase; cancelling it takes it out; seats left and speaker bios stay out."""

from __future__ import annotations

import pytest

from content.models import ContentChunk

pytestmark = pytest.mark.django_db

SPEAKER = {
    "name": "Achieng Odhiambo",
    "title": "Data Lead",
    "company": "Shamba Analytics",
    "bio": "Achieng has shipped twelve production models for Kenyan insurers.",
}


@pytest.fixture
def meetup(make_event, django_capture_on_commit_callbacks):
    from ementech.ai.config import get_embedder

    get_embedder("all-MiniLM-L6-v2").embed(["warm up"])
    with django_capture_on_commit_callbacks(execute=True):
        return make_event(
            title="Mombasa Data Evening",
            event_type="meetup",
            summary="Lightning talks on forecasting for ports and shipping, then networking.",
            description="<p>Bring a laptop if you want to try the notebooks.</p>",
            format="in-person",
            platform="",
            join_url="",
            location="Swahilipot Hub, Mombasa",
            capacity=60,
            speakers=[("speaker", SPEAKER)],
            agenda=[("item", {"time": "18:00", "title": "Container dwell-time forecasts"})],
        )


@pytest.fixture
def home_with_content(events_index, django_capture_on_commit_callbacks):
    """A blog post on the meetup's topic, indexed beside it."""
    import datetime as dt

    from content.models import BlogIndexPage, BlogPage

    home = events_index.get_parent()
    index = BlogIndexPage(title="Insights", slug="insights-test")
    home.add_child(instance=index)
    post = BlogPage(
        title="Forecasting container dwell time at ports",
        slug="dwell-time-forecasts",
        date=dt.date(2026, 5, 1),
        summary="How shipping lines and ports predict how long containers wait.",
        body=[{"type": "paragraph", "value": "<p>Forecasting for ports and shipping.</p>"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        index.add_child(instance=post)
        post.save_revision().publish()
    return post


def _text(page) -> str:
    return " ".join(
        ContentChunk.objects.filter(source_key=f"page:{page.pk}").values_list("text", flat=True)
    )


def test_a_published_event_is_indexed_with_what_its_page_says(meetup):
    rows = ContentChunk.objects.filter(source_key=f"page:{meetup.pk}")
    assert rows.exists() and {r.content_type for r in rows} == {"event"}
    assert {r.url for r in rows} == {meetup.url}
    text = _text(meetup)
    for fact in (
        "Lightning talks on forecasting",
        "in person, not online",
        "Swahilipot Hub, Mombasa",
        "Container dwell-time forecasts",
        "Achieng Odhiambo (Data Lead, Shamba Analytics)",
        "Bring a laptop",
        "Capacity: 60 seats in total",
        "it lasts 90 minutes",
    ):
        assert fact in text, fact
    assert "twelve production models" not in text  # a bio would answer "done this before?"


def test_search_finds_an_event_by_a_paraphrase(meetup):
    from django.test import Client

    response = Client().get("/api/search", {"q": "evening talks about predicting port traffic"})
    assert response.status_code == 200
    assert response.json()["results"][0]["title"] == "Mombasa Data Evening"


def test_a_cancelled_event_leaves_the_index(meetup, django_capture_on_commit_callbacks):
    meetup.cancelled = True
    with django_capture_on_commit_callbacks(execute=True):
        meetup.save_revision().publish()
    assert not ContentChunk.objects.filter(source_key=f"page:{meetup.pk}").exists()


def test_an_indexed_event_is_no_related_content_card(meetup, home_with_content):
    """Event pages share the index with content pages, but the content API's "related"
    cards are content pages only (an event has no industry or topics: it crashed)."""
    from django.test import Client

    response = Client().get(f"/api/content/{home_with_content.slug}")
    assert response.status_code == 200
    assert all(r["type"] != "event" for r in response.json()["related"])
