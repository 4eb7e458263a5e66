"""Acceptance 1 and 2: an engaged decision maker gets A, a cold lead D, with factors that
add up to the score; engagement decays with inactivity by the configured half-life."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from leads.models import Lead
from scoring.engine import FEATURES, apportion
from scoring.models import ScoreSnapshot
from scoring.services import lead_rescore

pytestmark = pytest.mark.django_db


def _sum(factors: dict) -> float:
    return round(sum(factors["points"].values()) + factors.get("baseline", 0.0), 2)


def test_engaged_decision_maker_is_a_and_cold_lead_is_d(hot_lead, cold_lead):
    hot = lead_rescore(lead_id=hot_lead.pk)
    cold = lead_rescore(lead_id=cold_lead.pk)
    assert hot.grade == "A" and hot.score >= 80
    assert cold.grade == "D" and cold.score < 40
    for outcome in (hot, cold):
        assert set(outcome.factors["points"]) == set(FEATURES)
        assert _sum(outcome.factors) == outcome.score
    # Stored on the lead, as the admin and API show them.
    stored = Lead.objects.get(pk=hot_lead.pk)
    assert (stored.score, stored.grade) == (hot.score, "A")
    assert _sum(stored.score_factors) == stored.score
    assert stored.fit_score >= 80 and stored.engagement_score >= 80
    cold_stored = Lead.objects.get(pk=cold_lead.pk)
    assert cold_stored.engagement_score < 20
    # The hot lead's budget/timeline/authority each weigh in; the cold one's do not.
    assert hot.factors["points"]["budget"] > 15
    assert cold.factors["points"]["budget"] == 0


def test_weights_are_configurable(settings, hot_lead):
    settings.SCORING_WEIGHTS = {"budget": 1.0}
    outcome = lead_rescore(lead_id=hot_lead.pk)
    assert outcome.score == 100
    assert outcome.factors["points"]["budget"] == 100
    settings.SCORING_WEIGHTS = {"budget": 1.0, "company_size": 1.0, "industry": 2.0}
    outcome = lead_rescore(lead_id=hot_lead.pk)
    assert outcome.factors["points"]["industry"] == 50.0
    assert _sum(outcome.factors) == outcome.score


@pytest.mark.parametrize("half_life", [30.0, 60.0])
def test_engagement_decays_by_half_life_after_60_days(settings, hot_lead, half_life):
    settings.SCORING_ENGAGEMENT_HALF_LIFE_DAYS = half_life
    before = lead_rescore(lead_id=hot_lead.pk)
    with time_machine.travel(timezone.now() + dt.timedelta(days=60), tick=False):
        after = lead_rescore(lead_id=hot_lead.pk)
    expected = before.engagement * 0.5 ** (60 / half_life)
    assert abs(after.engagement - expected) <= 1
    assert after.factors["inactive_days"] == pytest.approx(60, abs=0.2)
    assert after.score < before.score
    assert after.fit == before.fit  # fit does not decay
    assert _sum(after.factors) == after.score
    # The history keeps both points.
    history = list(ScoreSnapshot.objects.filter(lead_id=hot_lead.pk).order_by("created_at"))
    assert [h.score for h in history] == [before.score, after.score]


def test_rescoring_is_idempotent(hot_lead):
    first = lead_rescore(lead_id=hot_lead.pk)
    second = lead_rescore(lead_id=hot_lead.pk)
    assert (second.score, second.grade) == (first.score, first.grade)
    assert second.changed is False
    assert ScoreSnapshot.objects.filter(lead_id=hot_lead.pk).count() == 1


def test_apportion_adds_up_exactly():
    raw = [12.3456, 0.0, 7.1111, 33.3333, 0.001]
    parts = apportion(raw, 5279)
    assert sum(parts) == 5279
    assert parts[1] == 0
