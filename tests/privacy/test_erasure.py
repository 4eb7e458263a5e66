"""Erasure: nothing findable afterwards (tables, cache, vectors); deletion log; suppression."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.cache import cache

from privacy.models import DataRequest, DeletionLog, Suppression
from privacy.registry import ANONYMISE, DELETE, active_entries
from privacy.selectors import is_suppressed
from privacy.stores import cache_matches, vector_matches
from tests.privacy.scan import database_matches
from tests.privacy.seeding import seed_entry

pytestmark = pytest.mark.django_db


def _needles(person) -> list[str]:
    return [person.email, person.lead.email, person.name, person.phone, "Kamau Logistics"]


def _plant_outside_the_database(person) -> None:
    from ementech.ai import config

    cache.set("llm:answer:abc", {"text": f"Hello {person.name}, we will call {person.phone}"})
    cache.set("unrelated", "keep me")
    embedder = config.get_embedder("local")
    embedder._queries.put(f"my email is {person.email}", np.zeros(3, dtype=np.float32))
    embedder._queries.put("what does a chatbot cost", np.zeros(3, dtype=np.float32))
    from ementech.ai.llm_config import local_provider

    local_provider()._cache[f"I am {person.name}, call me"] = np.zeros(3, dtype=np.float32)


def test_scan_helper_finds_planted_data(person):
    assert database_matches([person.phone])  # the helper can fail: the phone is stored


def test_erasure_by_emailed_link_leaves_nothing_findable(client, person, request_link):
    for entry, model in active_entries():
        seed_entry(entry, model, person)
    _plant_outside_the_database(person)
    assert cache_matches(_needles(person)) and vector_matches(_needles(person))
    link = request_link(person.email, "erasure")
    assert client.get(link).status_code == 200  # confirmation page, nothing erased yet
    assert database_matches(_needles(person))
    response = client.post(link)
    assert response.status_code == 200
    assert b"Your data has been erased" in response.content

    assert database_matches(_needles(person)) == []
    assert cache_matches(_needles(person)) == []
    assert vector_matches(_needles(person)) == []
    assert cache.get("unrelated") == "keep me"

    log = DeletionLog.objects.get()
    assert log.method == "user_request" and log.verified_by == "email_link"
    assert log.data_request_id is not None
    for entry, _model in active_entries():
        bucket = "deleted" if entry.erase == DELETE else "anonymised"
        if entry.label in ("leads.Visitor",) or entry.erase == ANONYMISE or entry.lead != "pk":
            assert log.counts[bucket].get(entry.label, 0) >= 1, (entry.label, log.counts)
    assert log.counts["external"] == {"cache": 1, "vectors": 2, "files": 0}
    assert json.dumps(log.counts).count("@") == 0
    assert client.post(link).status_code == 410  # the link was single-use


def test_erased_lead_is_anonymised_deterministically_and_suppressed(person, request_link, client):
    from leads.models import Lead

    client.post(request_link(person.email, "erasure"))
    lead = Lead.all_objects.get(pk=person.lead.pk)
    assert lead.email.startswith("erased-") and lead.email.endswith("@erased.invalid")
    assert lead.name == lead.phone == lead.company == ""
    assert lead.erased_at is not None
    from privacy.hashing import erased_email

    assert lead.email == erased_email("WANJIRU.KAMAU@example.com")  # same input, same output
    assert Suppression.objects.count() == 1
    assert is_suppressed("Wanjiru.Kamau@EXAMPLE.com") is True
    assert is_suppressed("someone-else@example.com") is False


def test_own_sign_up_after_erasure_is_accepted(person, request_link, client):
    from leads.services import ConsentInput, lead_capture

    client.post(request_link(person.email, "erasure"))
    result = lead_capture(
        email=person.email, consent=ConsentInput(data_processing=True), source="newsletter"
    )
    assert result.created is True and result.lead.pk != person.lead.pk
    assert is_suppressed(person.email)  # still suppressed for imports


def test_staff_erasure_is_audited_with_the_acting_user(token_client, sales_user, person):
    from leads.models import LeadAudit

    response = token_client.delete(f"/api/leads/{person.lead.pk}/delete")
    assert response.status_code == 200
    body = response.json()
    assert body["erased"] is True and body["counts"]["deleted"]["analytics.Interaction"] == 2
    log = DeletionLog.objects.get()
    assert log.actor == sales_user and log.method == "staff"
    assert log.verified_by == f"staff:{sales_user.pk}"
    audit = LeadAudit.objects.get(lead=person.lead)
    assert audit.action == "privacy_erased" and audit.actor == sales_user
    assert database_matches(_needles(person)) == []
    assert token_client.delete(f"/api/leads/{person.lead.pk}/delete").status_code == 410


def test_admin_bulk_erasure_requires_the_password(client, person, sales_user):
    from leads.models import Lead

    sales_user.is_superuser = False
    sales_user.save()
    client.force_login(sales_user)
    url = "/admin/leads/lead/"
    form = {"action": "erase_leads_action", "_selected_action": [str(person.lead.pk)]}
    confirm = client.post(url, form)
    assert confirm.status_code == 200 and b"Your password" in confirm.content
    wrong = client.post(url, {**form, "confirm_erasure": "1", "password": "nope"})
    assert b"not your password" in wrong.content
    assert DeletionLog.objects.count() == 0
    done = client.post(url, {**form, "confirm_erasure": "1", "password": "pass-1234-word"})
    assert done.status_code == 302
    assert Lead.all_objects.get(pk=person.lead.pk).erased_at is not None
    log = DeletionLog.objects.get()
    assert log.method == "staff_bulk" and log.actor == sales_user


def test_erasure_request_of_unknown_address_erases_nothing(api_client, person, mailoutbox):
    api_client.post(
        "/api/privacy/requests", {"email": "stranger@example.com", "type": "erasure"}, format="json"
    )
    assert DeletionLog.objects.count() == 0
    assert DataRequest.objects.get().status == "no_match"
    assert mailoutbox == []
