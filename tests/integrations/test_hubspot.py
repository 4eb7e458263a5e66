"""Issue 19, acceptance 1: HubSpot two-way sync through the official SDK against a stub
speaking HubSpot's wire format."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from integrations import tasks
from integrations.hubspot.webhooks import sign
from integrations.models import CrmLink, RemoteErasure, SyncConflict
from leads.models import Lead, LeadAudit
from privacy.hashing import email_hash
from privacy.models import DeletionLog, Suppression
from tests.factories import make_lead

pytestmark = pytest.mark.django_db

URL = "/integrations/hubspot/webhook"


SECRET = "hubspot-app-secret-for-tests"  # noqa: S105 - the stub app's secret


def deliver(client, events, *, secret=SECRET, timestamp=None):
    body = json.dumps(events).encode()
    ts = str(timestamp or int(time.time() * 1000))
    signature = sign(
        secret=secret, method="POST", uri=f"http://testserver{URL}", body=body, timestamp=ts
    )
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        HTTP_X_HUBSPOT_SIGNATURE_V3=signature,
        HTTP_X_HUBSPOT_REQUEST_TIMESTAMP=ts,
    )


def captured(django_capture_on_commit_callbacks, **profile):
    with django_capture_on_commit_callbacks(execute=True):
        return make_lead(**profile)


def test_created_lead_appears_in_hubspot_with_our_id(hubspot, django_capture_on_commit_callbacks):
    lead = captured(
        django_capture_on_commit_callbacks,
        email="Ada@Example.com",
        name="Ada Lovelace",
        company="Analytical Engines",
        role="CTO",
    )

    contact = hubspot.contact_by("ementech_lead_id", str(lead.pk))
    assert contact is not None
    assert contact["properties"]["email"] == "Ada@Example.com"
    assert contact["properties"]["firstname"] == "Ada"
    assert contact["properties"]["lastname"] == "Lovelace"
    assert contact["properties"]["jobtitle"] == "CTO"
    link = CrmLink.objects.get(kind="contact", lead=lead)
    assert link.hubspot_id == contact["id"]
    assert (link.status, link.dirty) == ("synced", False)
    # The company became a HubSpot company, associated with the contact.
    company = next(iter(hubspot.objects["companies"].values()))
    assert company["properties"]["name"] == "Analytical Engines"
    assert ("contact", contact["id"], "company", company["id"]) in hubspot.associations

    # An edit here updates the same contact, never a second one.
    from leads.services import lead_update

    with django_capture_on_commit_callbacks(execute=True):
        lead_update(lead=lead, data={"name": "Ada King"}, actor=None)
    assert len(hubspot.contacts()) == 1
    assert hubspot.contacts()[0]["properties"]["lastname"] == "King"


def test_webhook_change_applies_with_configured_owner_winning(
    hubspot, client, settings, django_capture_on_commit_callbacks
):
    settings.HUBSPOT_FIELD_OWNERSHIP = {"company": "theirs", "role": "ours", "name": "newest"}
    lead = captured(
        django_capture_on_commit_callbacks,
        email="grace@example.com",
        company="Navy",
        role="Admiral",
    )
    contact_id = CrmLink.objects.get(lead=lead).hubspot_id

    # In HubSpot someone changes both the company (theirs) and the job title (ours).
    hubspot.change(contact_id, jobtitle="Intern")
    event = hubspot.change(contact_id, company="Harvard Mark I")
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, [event])
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 1

    lead.refresh_from_db()
    assert lead.company == "Harvard Mark I"  # HubSpot owns company
    assert lead.role == "Admiral"  # we own role: kept here ...
    conflicts = {c.field: c for c in SyncConflict.objects.filter(lead=lead)}
    assert conflicts["company"].winner == "theirs"
    assert conflicts["role"].winner == "ours" and conflicts["role"].theirs == "Intern"
    # ... and pushed back so HubSpot converges on our value.
    assert hubspot.objects["contacts"][contact_id]["properties"]["jobtitle"] == "Admiral"
    assert LeadAudit.objects.filter(lead=lead, action="hubspot_pulled").exists()

    # The same delivery again (a replay) changes nothing.
    hubspot.objects["contacts"][contact_id]["properties"]["company"] = "Replayed Inc"
    with django_capture_on_commit_callbacks(execute=True):
        again = deliver(client, [event])
    assert again.status_code == 200 and again.json() == {"accepted": 0, "duplicates": 1}
    lead.refresh_from_db()
    assert lead.company == "Harvard Mark I"


def test_forged_or_stale_signature_is_refused(hubspot, client, django_capture_on_commit_callbacks):
    lead = captured(django_capture_on_commit_callbacks, email="eve@example.com", company="Good")
    contact_id = CrmLink.objects.get(lead=lead).hubspot_id
    event = hubspot.change(contact_id, company="Forged")

    forged = deliver(client, [event], secret="not-the-app-secret")
    assert forged.status_code == 401
    assert forged.json()["error"] == "Signature does not match."
    stale = deliver(client, [event], timestamp=int((time.time() - 600) * 1000))
    assert stale.status_code == 401
    lead.refresh_from_db()
    assert lead.company == "Good"


def test_erasure_here_deletes_there(hubspot, django_capture_on_commit_callbacks):
    from privacy.services import lead_erase

    lead = captured(django_capture_on_commit_callbacks, email="erase.me@example.com")
    contact_id = CrmLink.objects.get(lead=lead).hubspot_id
    with django_capture_on_commit_callbacks(execute=True):
        lead_erase(lead=lead, method=DeletionLog.Method.STAFF, verified_by="test")
    assert contact_id in hubspot.gdpr_deleted
    assert contact_id not in hubspot.objects["contacts"]
    assert not CrmLink.objects.filter(lead_id=lead.pk).exists()
    done = RemoteErasure.objects.get(service="hubspot")
    assert done.done_at is not None and done.remote_id == ""


def test_gdpr_delete_there_erases_and_suppresses_here(
    hubspot, client, django_capture_on_commit_callbacks
):
    lead = captured(django_capture_on_commit_callbacks, email="gone@example.com", name="Gone Away")
    contact_id = CrmLink.objects.get(lead=lead).hubspot_id
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, [hubspot.gdpr_delete_in_ui(contact_id)])
    assert response.status_code == 200
    erased = Lead.all_objects.get(pk=lead.pk)
    assert erased.erased_at is not None and erased.name == ""
    assert Suppression.objects.filter(email_hash=email_hash("gone@example.com")).exists()
    # A later full pull that still lists the address does not bring the person back.
    hubspot.add_contact(email="gone@example.com", firstname="Gone")
    from integrations.hubspot.sync import contacts_pull

    contacts_pull(full=True)
    assert not Lead.objects.filter(email_normalized="gone@example.com").exists()


def test_hubspot_down_then_back_nothing_lost_nothing_doubled(
    hubspot, django_capture_on_commit_callbacks
):
    # A minute of outage, compressed: every request refused with 503 while "down".
    hubspot.down = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        leads = [make_lead(email=f"outage{i}@example.com", company="Outage Ltd") for i in range(5)]
    assert callbacks  # the push was queued after commit
    assert tasks.hubspot_sweep.apply().get() == 0  # the sweep finds HubSpot down
    assert hubspot.refused >= 1 and hubspot.contacts() == []
    links = CrmLink.objects.filter(kind="contact", lead__in=leads)
    assert {(lk.status, lk.dirty) for lk in links} == {("retrying", True)}

    # Back up, first with rate limiting and an answer lost after HubSpot applied the batch.
    hubspot.down = False
    hubspot.rate_limited = 1
    hubspot.lose_answers = 1
    tasks.hubspot_sweep.apply()
    tasks.hubspot_sweep.apply()
    emails = sorted(c["properties"]["email"] for c in hubspot.contacts())
    assert emails == [f"outage{i}@example.com" for i in range(5)]  # each exactly once
    assert {(lk.status, lk.dirty) for lk in links.all()} == {("synced", False)}
    assert len(hubspot.objects["companies"]) == 1


def test_deletion_there_soft_deletes_here(hubspot, client, django_capture_on_commit_callbacks):
    lead = captured(django_capture_on_commit_callbacks, email="bye@example.com")
    contact_id = CrmLink.objects.get(lead=lead).hubspot_id
    hubspot.objects["contacts"][contact_id]["archived"] = True
    event = hubspot.event("contact.deletion", contact_id, hubspot.tick())
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, [event]).status_code == 200
    assert Lead.all_objects.get(pk=lead.pk).deleted_at is not None
    assert CrmLink.objects.get(lead=lead).status == "deleted"


def test_lead_admin_shows_sync_status(hubspot, admin_client, django_capture_on_commit_callbacks):
    lead = captured(django_capture_on_commit_callbacks, email="admin.view@example.com")
    link = CrmLink.objects.get(lead=lead)
    html = admin_client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "HubSpot sync" in html
    assert link.hubspot_id in html and "In sync" in html


def test_demo_booking_becomes_a_meeting_on_the_contact(hubspot, django_capture_on_commit_callbacks):
    from tests.integrations.test_posthog import demo

    lead = captured(django_capture_on_commit_callbacks, email="demo@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        booking = demo(lead)
    (meeting,) = hubspot.objects["meetings"].values()
    assert meeting["properties"]["ementech_booking_id"] == str(booking.pk)
    assert meeting["properties"]["hs_meeting_outcome"] == "SCHEDULED"
    contact_id = CrmLink.objects.get(kind="contact", lead=lead).hubspot_id
    assert ("meeting", meeting["id"], "contact", contact_id) in hubspot.associations


def test_contacts_made_in_hubspot_are_pulled_and_kept_in_step(
    hubspot, django_capture_on_commit_callbacks
):
    from integrations.hubspot.sync import contacts_pull
    from leads.services import lead_update

    contact = hubspot.add_contact(
        email="new@fromhubspot.example",
        firstname="Hub",
        lastname="Spotter",
        company="HS Inc",
        lifecyclestage="marketingqualifiedlead",
    )
    assert contacts_pull(full=False).created == 1  # no cursor yet: everything
    lead = Lead.objects.get(email_normalized="new@fromhubspot.example")
    assert (lead.name, lead.company, lead.stage, lead.source) == (
        "Hub Spotter",
        "HS Inc",
        "qualified",
        "hubspot",
    )
    # Our edit updates that contact (by HubSpot id) and stamps our id on it: no duplicate.
    with django_capture_on_commit_callbacks(execute=True):
        lead_update(lead=lead, data={"name": "Hubert Spotter"}, actor=None)
    (only,) = hubspot.contacts()
    assert only["id"] == contact["id"]
    assert only["properties"]["firstname"] == "Hubert"
    assert only["properties"]["ementech_lead_id"] == str(lead.pk)
    # Their later edit arrives with the next incremental pull (search by modified time).
    hubspot.change(contact["id"], company="HS Holdings")
    pulled = contacts_pull(full=False)
    assert (pulled.created, pulled.updated) == (0, 1)
    lead.refresh_from_db()
    assert lead.company == "HS Holdings"
    assert any(p == "/crm/v3/objects/contacts/search" for _m, p in hubspot.requests)


def test_sync_hubspot_full_command(hubspot, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    for i in range(250):  # three pages of HubSpot's 100
        hubspot.add_contact(email=f"c{i}@bulk.example", firstname=f"C{i}")
    with django_capture_on_commit_callbacks(execute=False):
        ours = make_lead(email="ours@example.com", name="Our Lead")
    out = StringIO()
    call_command("sync_hubspot", "--full", "--no-progress", stdout=out)
    assert "pushed 1," in out.getvalue()
    assert "pulled: 250 created" in out.getvalue()
    assert Lead.objects.filter(email_normalized__endswith="@bulk.example").count() == 250
    assert hubspot.contact_by("ementech_lead_id", str(ours.pk))["properties"]["email"] == (
        "ours@example.com"
    )
    assert len(hubspot.contacts()) == 251  # nothing duplicated either way
    again = StringIO()
    call_command("sync_hubspot", "--full", "--no-progress", stdout=again)
    assert "0 created" in again.getvalue() and "251 unchanged" in again.getvalue()
    assert len(hubspot.contacts()) == 251
