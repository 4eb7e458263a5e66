"""Feature flags (django-waffle with ``experiments.Flag``): percentage rollout on the
experiments' sticky hash, by role, by segment (grade, industry, consent); in templates,
views and tasks; a flag that becomes an experiment keeps its visitors."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.template import Context, Template
from django.test import RequestFactory
from waffle import flag_is_active

from experiments.assignment import ExperimentDef, VariantDef, assign
from experiments.flags import FlagSubject, active_for_subject, flag_active_for_lead
from experiments.models import Flag
from tests.factories import make_lead, make_visitor, visitor_cookie

CONSENT = "1.a1.m0"
N = 10_000


def _units(seed: int, n: int = N) -> list[str]:
    rng = np.random.default_rng(seed)
    return [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]


def _request(visitor=None, *, consent=True, user=None):
    req = RequestFactory().get("/")
    if visitor is not None:
        req.COOKIES["em_vid"] = visitor_cookie(visitor)
    if consent:
        req.COOKIES["em_consent"] = CONSENT
    req.user = user or AnonymousUser()
    return req


@pytest.mark.django_db
def test_percentage_rollout_is_sticky_within_one_percent_and_grows_without_moving_anyone():
    flag = Flag.objects.create(name="new-pricing", percent=30)
    units = _units(5)
    on = {u for u in units if active_for_subject(flag, FlagSubject(unit=u, consented=True))}
    assert abs(len(on) / N - 0.30) <= 0.01
    assert on == {u for u in units if active_for_subject(flag, FlagSubject(u, consented=True))}
    flag.percent = 60
    wider = {u for u in units if active_for_subject(flag, FlagSubject(u, consented=True))}
    assert on <= wider and abs(len(wider) / N - 0.60) <= 0.01


@pytest.mark.django_db
def test_flag_in_views_and_templates_follows_the_visitor_and_consent():
    flag = Flag.objects.create(name="exit-offer-v2", percent=50)
    template = Template(
        '{% load waffle_tags %}{% flag "exit-offer-v2" %}ON{% else %}OFF{% endflag %}'
    )
    seen = {"ON": 0, "OFF": 0}
    for _ in range(60):
        visitor = make_visitor()
        req = _request(visitor)
        expected = active_for_subject(flag, FlagSubject(str(visitor.pk), consented=True))
        assert flag_is_active(req, "exit-offer-v2") is expected
        again = template.render(Context({"request": _request(visitor)}))
        assert again == ("ON" if expected else "OFF")
        seen[again] += 1
    assert seen["ON"] and seen["OFF"]
    # Without analytics consent there is no visitor unit: the rollout does not apply.
    assert flag_is_active(_request(make_visitor(), consent=False), "exit-offer-v2") is False
    # No waffle cookie is ever set for a percentage (the hash decides, not a random draw).
    assert not hasattr(_request(), "waffles")


@pytest.mark.django_db
def test_flag_by_role(marketer, sales_user):
    flag = Flag.objects.create(name="ai-drafts", superusers=False)
    flag.groups.add(Group.objects.get(name="Marketers"))
    assert flag_is_active(_request(user=marketer), "ai-drafts") is True
    assert flag_is_active(_request(user=sales_user), "ai-drafts") is False


@pytest.mark.django_db
def test_flag_by_segment_in_a_task_and_in_a_request():
    Flag.objects.create(name="fintech-case-study", grades="A,B", industries="fintech")
    visitor = make_visitor()
    hot = make_lead(visitor=visitor, industry="Fintech")
    type(hot).objects.filter(pk=hot.pk).update(grade="A")
    hot.refresh_from_db()
    cold = make_lead(industry="Fintech")
    type(cold).objects.filter(pk=cold.pk).update(grade="D")
    cold.refresh_from_db()
    other = make_lead(industry="Retail")
    type(other).objects.filter(pk=other.pk).update(grade="A")
    other.refresh_from_db()
    assert flag_active_for_lead("fintech-case-study", hot) is True
    assert flag_active_for_lead("fintech-case-study", cold) is False
    assert flag_active_for_lead("fintech-case-study", other) is False
    assert flag_active_for_lead("no-such-flag", hot) is False
    # The same lead browsing the site (a verified visitor) gets the same answer.
    assert flag_is_active(_request(visitor), "fintech-case-study") is True
    assert flag_is_active(_request(make_visitor()), "fintech-case-study") is False


@pytest.mark.django_db
def test_consent_segment_and_everyone_override():
    flag = Flag.objects.create(name="banner", consent="no_analytics")
    assert active_for_subject(flag, FlagSubject(None, consented=False)) is True
    assert active_for_subject(flag, FlagSubject("u", consented=True)) is False
    flag.everyone = False
    assert active_for_subject(flag, FlagSubject(None, consented=False)) is False
    flag.everyone = True
    assert active_for_subject(flag, FlagSubject("u", consented=True)) is True


@pytest.mark.django_db
def test_a_flag_becomes_an_experiment_with_the_same_visitors():
    from experiments.flags import flag_to_experiment
    from experiments.selectors import experiment_definitions
    from experiments.services import experiment_start

    flag = Flag.objects.create(name="new-nav", percent=20)
    exp = experiment_start(experiment=flag_to_experiment(flag))
    defn: ExperimentDef = experiment_definitions()[exp.slug]
    assert defn.salt == flag.salt and defn.traffic_percent == 20
    units = _units(9, 5000)
    in_flag = {u for u in units if active_for_subject(flag, FlagSubject(u, consented=True))}
    in_exp = {u for u in units if assign(defn, u) is not None}
    assert in_flag == in_exp
    assert {v.key for v in defn.variants} == {"off", "on"}
    assert isinstance(defn.variants[0], VariantDef)
