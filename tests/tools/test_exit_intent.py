"""Exit-intent offers: chosen by rules from the session's signals, recorded with the
choice and the outcome so offers can be compared."""

from __future__ import annotations

import uuid

import pytest

from leads.models import Visitor
from leads.services import ConsentInput, lead_capture
from tests.factories import visitor_cookie
from tools.models import ExitOffer
from tools.offers import Signals, choose_rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("signals", "offer"),
    [
        (Signals(pages=["/"], seconds=20), "newsletter"),
        (Signals(pages=["/blog/rag/", "/blog/evals/"], seconds=200, scroll=85), "checklist"),
        (Signals(pages=["/", "/services/ai/", "/case-studies/x/"], seconds=240), "consultation"),
        (Signals(pages=["/", "/events/"], seconds=90), "webinar_waitlist"),
        (
            Signals(pages=["/blog/x/"], seconds=30, scroll=70, subscribed=True),
            "checklist",
        ),
        (
            Signals(pages=["/blog/x/", "/about/"], seconds=100, stage="qualified", role="CEO"),
            "consultation",
        ),
    ],
)
def test_rules(signals, offer):
    chosen, reason = choose_rules(signals)
    assert chosen == offer
    assert reason


def test_api_records_choice_and_outcome(api_client):
    response = api_client.get(
        "/api/offers/exit-intent",
        {
            "pages": "/blog/rag/,/blog/evals/,https://evil.example/x",
            "seconds": 200,
            "scroll": 85,
            "referrer": "https://www.google.com/search?q=rag",
            "session_id": "s1",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["offer"] == "checklist" and body["chosen_by"] == "rules"
    assert body["cta_url"] == "/resources/"
    row = ExitOffer.objects.get(pk=body["id"])
    assert row.signals["pages"] == ["/blog/rag/", "/blog/evals/"]
    assert row.signals["referrer_host"] == "www.google.com"
    assert "came from search" in row.reason
    outcome = f"/api/offers/exit-intent/{row.pk}/outcome"
    assert api_client.post(outcome, {"outcome": "converted"}, format="json").status_code == 200
    # A late "dismissed" never hides the conversion.
    api_client.post(outcome, {"outcome": "dismissed"}, format="json")
    row.refresh_from_db()
    assert row.outcome == "converted" and row.outcome_at is not None
    unknown = f"/api/offers/exit-intent/{uuid.uuid4()}/outcome"
    assert api_client.post(unknown, {"outcome": "accepted"}, format="json").status_code == 404


def test_known_subscriber_is_not_offered_the_newsletter(api_client):
    from nurture import demo, services
    from nurture.models import Subscriber

    demo.load(lambda _m: None)
    services.newsletter_subscribe(email="known@example.com", newsletters=["tech-insights"])
    services.newsletter_confirm(subscriber=Subscriber.objects.get())
    lead = lead_capture(
        email="known@example.com", consent=ConsentInput(data_processing=True), source="t"
    ).lead
    visitor = Visitor.objects.create(lead=lead)
    api_client.cookies["em_vid"] = visitor_cookie(visitor)
    body = api_client.get("/api/offers/exit-intent", {"pages": "/", "seconds": 10}).json()
    assert body["offer"] != "newsletter"
    assert ExitOffer.objects.get().lead == lead


def test_stats_compare_offers_for_staff_only(api_client, marketer, client):
    for outcome in ("converted", "dismissed", "shown"):
        ExitOffer.objects.create(offer="newsletter", outcome=outcome)
    ExitOffer.objects.create(offer="checklist", outcome="accepted")
    assert api_client.get("/api/offers/exit-intent/stats").status_code in (401, 403)
    client.force_login(marketer)
    rows = {r["offer"]: r for r in client.get("/api/offers/exit-intent/stats").json()["offers"]}
    assert rows["newsletter"]["shown"] == 3 and rows["newsletter"]["converted"] == 1
    assert rows["newsletter"]["conversion_rate"] == 0.333
    assert rows["checklist"]["engagement_rate"] == 1.0
