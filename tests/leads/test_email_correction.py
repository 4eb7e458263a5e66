"""A visitor corrects the address they just gave: allowed only while the lead is plainly
theirs alone (created through the channel minutes ago, no other browser, no other channel's
consent, no staff edit, no verification link), audited; a known address never leaks (the
fresh lead is retired and the caller re-captures, which for a known address is a claim)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leads.models import ConsentRecord, Lead, LeadAudit, VerificationLink, Visitor
from leads.services import CaptureError, ConsentInput, lead_capture, lead_update
from leads.services.correction import EMAIL_CORRECTION_WINDOW, lead_email_correct

pytestmark = pytest.mark.django_db


def _chat_lead(email: str = "amina@tamufods.co.ke", visitor: Visitor | None = None) -> Lead:
    return lead_capture(
        email=email,
        consent=ConsentInput(data_processing=True, method="chat", wording="ok"),
        source="chat",
        visitor=visitor,
        profile={"company": "Tamu Foods"},
    ).lead


def _correct(lead: Lead, email: str = "amina@tamufoods.co.ke", visitor=None):
    return lead_email_correct(lead=lead, email=email, visitor=visitor, channel="chat")


def test_a_fresh_lead_takes_the_corrected_address_and_the_change_is_audited():
    lead = _chat_lead()
    result = _correct(lead, "Amina@TamuFoods.co.ke")
    lead.refresh_from_db()
    assert not result.retired
    assert (lead.email, lead.email_normalized) == ("Amina@TamuFoods.co.ke", "amina@tamufoods.co.ke")
    audit = LeadAudit.objects.get(lead=lead, action="email_corrected")
    assert audit.changes["email"] == {"from": "amina@tamufods.co.ke", "to": "Amina@TamuFoods.co.ke"}


def test_the_browser_that_created_the_lead_may_correct_it():
    visitor = Visitor.objects.create()
    lead = _chat_lead(visitor=visitor)
    visitor.refresh_from_db()
    _correct(lead, visitor=visitor)
    assert Lead.objects.get(pk=lead.pk).email == "amina@tamufoods.co.ke"


def _other_browser_linked(lead):
    Visitor.objects.create(lead=lead)


def _other_browser_typed_it(lead):
    Visitor.objects.create(claimed_email=lead.email_normalized)


def _form_consent(lead):
    ConsentRecord.objects.create(
        lead=lead, purpose="marketing", granted=True, method="form", wording="news"
    )


def _staff_edit(lead):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("rep", password="x" * 12)
    lead_update(lead=lead, data={"company": "Tamu Foods Ltd"}, actor=user)


def _link_mailed(lead):
    VerificationLink.objects.create(lead=lead, token_hash="x" * 64, expires_at=timezone.now())


def _too_old(lead):
    Lead.objects.filter(pk=lead.pk).update(
        created_at=timezone.now() - EMAIL_CORRECTION_WINDOW - timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    "not_theirs_alone",
    [_other_browser_linked, _other_browser_typed_it, _form_consent, _staff_edit, _link_mailed,
     _too_old],
)  # fmt: skip
def test_a_lead_that_is_not_the_callers_alone_keeps_its_address(not_theirs_alone):
    lead = _chat_lead()
    not_theirs_alone(lead)
    with pytest.raises(CaptureError) as error:
        _correct(lead)
    assert "email" in error.value.details
    lead.refresh_from_db()
    assert lead.email == "amina@tamufods.co.ke" and lead.deleted_at is None
    assert not LeadAudit.objects.filter(lead=lead, action="email_corrected").exists()


def test_another_browsers_lead_cannot_be_corrected_from_a_browser_it_is_not_linked_to():
    lead = _chat_lead(visitor=Visitor.objects.create())
    with pytest.raises(CaptureError):
        _correct(lead, visitor=Visitor.objects.create())
    with pytest.raises(CaptureError):
        _correct(lead, visitor=None)  # no browser: only a lead no browser is linked to


@pytest.mark.parametrize("deleted", [False, True])
def test_a_known_address_retires_the_fresh_lead_and_leaves_the_known_one_untouched(deleted):
    known = _chat_lead("ceo@tamufoods.co.ke")
    Lead.objects.filter(pk=known.pk).update(
        created_at=timezone.now() - timedelta(days=30),
        deleted_at=timezone.now() if deleted else None,
    )
    fresh = _chat_lead()
    result = _correct(fresh, "CEO@tamufoods.co.ke")
    assert result.retired
    fresh = Lead.all_objects.get(pk=fresh.pk)
    assert fresh.email == "amina@tamufods.co.ke" and fresh.deleted_at is not None
    assert LeadAudit.objects.filter(lead=fresh, action="retired_as_mistyped").exists()
    known = Lead.all_objects.get(pk=known.pk)
    assert known.email == "ceo@tamufoods.co.ke"
    assert not LeadAudit.objects.filter(lead=known).exclude(action="created").exists()


@pytest.mark.parametrize("email", ["", "not an address", "a@" + "b" * 260 + ".com", 42])
def test_a_malformed_address_is_a_field_error_and_changes_nothing(email):
    lead = _chat_lead()
    with pytest.raises(CaptureError) as error:
        _correct(lead, email)
    assert error.value.details == {"email": ["Enter a valid email address."]}
    assert Lead.objects.get(pk=lead.pk).email == "amina@tamufods.co.ke"
