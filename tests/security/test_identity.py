"""Acceptance 1 and 6: nobody becomes somebody else by typing their address or their id.

1. A second browser capturing an existing address changes no field, revives nothing, gets
   an answer identical to an unknown address's, and sees nothing of the victim in
   recommendations, next fields or gates; once the address's owner opens the link from the
   outbox on a browser, that browser is linked.
6. A ``visitor_id`` in a body (track, capture) attributes nothing to that visitor's lead,
   and a forged or unsigned ``em_vid`` cookie is not believed.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from analytics.models import Interaction
from leads.models import ConsentRecord, Lead, LeadAudit, Visitor
from mail.models import OutboundEmail
from tests.factories import continue_link_path, staff_user, visitor_id_of

pytestmark = pytest.mark.django_db

CONSENT = {"data_processing": True, "marketing": True, "wording": "I agree."}


def browser() -> Client:
    client = Client()
    client.cookies["em_consent"] = "1.a1.m0"  # analytics accepted: the visitor cookie is kept
    return client


def capture(client: Client, email: str, **fields):
    body = {"email": email, "consent": CONSENT, "form": "event_registration", **fields}
    return client.post("/api/leads", body, content_type="application/json")


def track(client: Client, body: dict):
    return client.post("/api/track", body, content_type="application/json")


def _snapshot(lead: Lead) -> dict:
    lead = Lead.all_objects.get(pk=lead.pk)
    return {
        f.name: getattr(lead, f.attname)
        for f in Lead._meta.concrete_fields
        if f.name not in ("updated_at", "scored_at")
    }


@pytest.fixture
def victim(django_capture_on_commit_callbacks, gated_resource):
    """The real person: their own browser created the lead and read the pricing page."""
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        track(client, {"type": "page_view", "properties": {"path": "/pricing", "duration": 20}})
        resp = capture(
            client,
            "Victim@Example.com",
            name="Vera Victim",
            company="VictimCo",
            role="CTO",
            website="https://victim.example",
        )
    assert resp.status_code == 200
    lead = Lead.objects.get(email_normalized="victim@example.com")
    assert Visitor.objects.filter(lead=lead).count() == 1
    mail.outbox.clear()
    return client, lead


def test_lead_takeover_by_email_is_refused(
    victim, gated_resource, django_capture_on_commit_callbacks
):
    victim_client, lead = victim
    before = _snapshot(lead)
    consents_before = ConsentRecord.objects.filter(lead=lead).count()

    attacker = browser()
    stranger = browser()
    with django_capture_on_commit_callbacks(execute=True):
        taken = capture(
            attacker,
            "victim@example.com",
            name="Mallory",
            company="Evil Corp",
            website="https://evil.example",
        )
        fresh = capture(
            stranger,
            "nobody-yet@example.com",
            name="Mallory",
            company="Evil Corp",
            website="https://evil.example",
        )
    # The same answer whether or not the address is known: status, body, cookies.
    assert taken.status_code == fresh.status_code == 200
    assert taken.json() == fresh.json()
    assert "id" not in taken.json() and "created" not in taken.json()
    assert sorted(taken.cookies) == sorted(fresh.cookies)
    assert visitor_id_of(taken) is not None

    # Nothing of the lead changed: no field, no consent, no link.
    assert _snapshot(lead) == before
    assert ConsentRecord.objects.filter(lead=lead).count() == consents_before
    attacker_visitor = Visitor.objects.get(pk=visitor_id_of(taken))
    assert attacker_visitor.lead_id is None
    # ...but sales can see what was submitted, and accept it.
    kept = LeadAudit.objects.get(lead=lead, action="unverified_submission")
    assert kept.changes["proposed"]["company"] == "Evil Corp"
    assert kept.changes["note"] == "submitted from an unverified browser"

    # The attacker sees nothing of the victim: next fields, gates, recommendations.
    nf = attacker.get("/api/leads/next-fields?form=event_registration").json()
    assert nf == browser().get("/api/leads/next-fields?form=event_registration").json()
    assert nf["known"] is False and "role" in nf["fields"]
    gate = attacker.get(f"/api/content/{gated_resource.slug}/download").json()
    assert gate["fields"] == ["email", "role", "company_size"]
    recs = attacker.get("/api/content/recommendations").json()
    assert recs == browser().get("/api/content/recommendations").json()
    assert recs["personalised"] is False

    # A soft-deleted lead is not revived by a claim.
    Lead.objects.filter(pk=lead.pk).update(deleted_at="2026-01-01T00:00:00Z")
    capture(browser(), "victim@example.com", name="Again")
    assert Lead.all_objects.get(pk=lead.pk).deleted_at is not None
    Lead.all_objects.filter(pk=lead.pk).update(deleted_at=None)

    # The owner got a "continue where you left off" email; the stored copy (outbox row)
    # says who it went to. Opening the link on a new phone links that browser, once.
    sent = [m for m in mail.outbox if m.to == ["Victim@Example.com"]]
    assert len(sent) == 1 and "Continue where you left off" in sent[0].subject
    path = continue_link_path(sent[0].body)
    assert OutboundEmail.objects.filter(to_email="Victim@Example.com", template="continue_link")
    phone = browser()
    with django_capture_on_commit_callbacks(execute=True):
        opened = phone.get(path)
    assert opened.status_code == 302
    assert phone.get("/api/leads/next-fields?form=event_registration").json()["known"] is True
    phone_visitor = Visitor.objects.get(pk=visitor_id_of(opened))
    assert phone_visitor.lead_id == lead.pk and phone_visitor.verified_at is not None
    # One-time: the attacker cannot reuse a link it somehow saw.
    assert attacker.get(path).status_code == 404
    assert Visitor.objects.get(pk=attacker_visitor.pk).lead_id is None

    # Sales see the kept submission in the admin and may accept it: then (and only then,
    # audited with the salesperson) its values are applied.
    rep = Client()
    rep.force_login(staff_user("Sales", username="rep-accept"))
    listing = rep.get("/admin/leads/leadaudit/?action__exact=unverified_submission")
    assert b"Evil Corp" in listing.content
    rep.post(
        "/admin/leads/leadaudit/",
        {"action": "accept_submissions", "_selected_action": [kept.pk]},
    )
    kept.refresh_from_db()
    assert kept.changes["status"] == "accepted"
    assert LeadAudit.objects.filter(lead=lead, action="submission_accepted").exists()
    assert Lead.objects.get(pk=lead.pk).company == "Evil Corp"


def test_a_body_visitor_id_attributes_nothing(victim, django_capture_on_commit_callbacks):
    victim_client, lead = victim
    victim_vid = Visitor.objects.get(lead=lead).pk
    views_before = Interaction.objects.filter(lead=lead).count()
    attacker = browser()
    with django_capture_on_commit_callbacks(execute=True):
        resp = track(
            attacker,
            {
                "events": [
                    {"type": "page_view", "properties": {"path": "/pricing", "duration": 300}}
                ],
                "visitor_id": str(victim_vid),
            },
        )
        capture(attacker, "mallory@example.com", visitor_id=str(victim_vid))
    assert resp.status_code == 202
    assert "visitor_id" not in resp.json()
    assert visitor_id_of(resp) != victim_vid
    assert Interaction.objects.filter(lead=lead).count() == views_before
    assert Interaction.objects.filter(visitor_id=victim_vid).count() == views_before
    lead.refresh_from_db()
    assert lead.buying_stage != "decision"
    assert not lead.notifications.filter(kind="high_intent").exists()
    assert Visitor.objects.get(pk=victim_vid).lead_id == lead.pk  # not relinked

    # A forged (unsigned) cookie holding the victim's id is not believed either.
    forger = browser()
    forger.cookies["em_vid"] = str(victim_vid)
    nf = forger.get("/api/leads/next-fields?form=event_registration").json()
    assert nf["known"] is False
    with django_capture_on_commit_callbacks(execute=True):
        forged = track(forger, {"type": "page_view", "properties": {"path": "/pricing"}})
    assert visitor_id_of(forged) != victim_vid
    assert Interaction.objects.filter(lead=lead).count() == views_before
