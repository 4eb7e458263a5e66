"""A marketer creates an email subject test and a form field set test in Wagtail (the
snippet create and edit views), starts them and reads them; the read-out shows counts and
the secondary email figures, never a lead's personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from experiments import resolution
from experiments.models import Experiment
from tests.experiments.test_email_subject import _lead, _send_step
from tests.experiments.test_form_fields import resource  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_experiments_experiment:add"
EDIT = "wagtailsnippets_experiments_experiment:edit"


@pytest.fixture
def step(db):
    from nurture.models import Sequence, SequenceStep

    seq = Sequence.objects.create(slug="exp-welcome", name="Welcome", trigger="manual")
    return SequenceStep.objects.create(
        sequence=seq, position=1, delay_hours=0, template="nurture_generic", subject="Hello"
    )


def _form(**fields) -> dict:
    variants = fields.pop("variants")
    base = {
        "hypothesis": "",
        "page": "",
        "sequence_step": "",
        "newsletter_issue": "",
        "traffic_percent": "100",
        "variants": inline_formset(
            [{"key": k, "name": k.title(), "weight": "50", "content": c} for k, c in variants]
        ),
    }
    return nested_form_data({**base, **fields})


def test_a_marketer_creates_edits_and_starts_an_email_subject_test(client, marketer, step):
    client.force_login(marketer)
    form = client.get(reverse(ADD))
    assert form.status_code == 200
    assert b'name="sequence_step"' in form.content and b"Nurture email subject" in form.content
    data = _form(
        name="Welcome subject",
        slug="welcome-subject",
        target="email_subject",
        goal="qualified",
        sequence_step=str(step.pk),
        variants=[("control", ""), ("b", "Three automations for ops")],
    )
    resp = client.post(reverse(ADD), data)
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    exp = Experiment.objects.get(slug="welcome-subject")
    assert exp.target == "email_subject" and exp.sequence_step_id == step.pk
    assert list(exp.variants.values_list("key", "content")) == [
        ("control", ""),
        ("b", "Three automations for ops"),
    ]
    # Edit: a third subject.
    variants = list(exp.variants.all())
    data = nested_form_data(
        {
            "name": "Welcome subject",
            "slug": "welcome-subject",
            "hypothesis": "Concrete beats generic.",
            "target": "email_subject",
            "page": "",
            "sequence_step": str(step.pk),
            "newsletter_issue": "",
            "goal": "qualified",
            "traffic_percent": "100",
            "variants": inline_formset(
                [
                    {
                        "id": str(v.pk),
                        "key": v.key,
                        "name": v.name,
                        "weight": "50",
                        "content": v.content,
                    }
                    for v in variants
                ]
                + [{"key": "c", "name": "C", "weight": "50", "content": "12 minutes to ROI"}],
                initial=len(variants),
            ),
        }
    )
    resp = client.post(reverse(EDIT, args=[exp.pk]), data)
    assert resp.status_code == 302
    assert exp.variants.count() == 3
    resp = client.post(reverse("experiments_action", args=[exp.pk, "start"]))
    exp.refresh_from_db()
    assert exp.status == Experiment.Status.RUNNING


def test_a_marketer_creates_and_starts_a_form_field_set_test(client, marketer, resource):  # noqa: F811
    client.force_login(marketer)
    data = _form(
        name="Download fields",
        slug="download-fields",
        target="form_fields",
        goal="lead_captured",
        page=str(resource.pk),
        variants=[("control", ""), ("long", "email, company, role")],
    )
    resp = client.post(reverse(ADD), data)
    assert resp.status_code == 302
    exp = Experiment.objects.get(slug="download-fields")
    assert exp.page_id == resource.pk
    client.post(reverse("experiments_action", args=[exp.pk, "start"]))
    exp.refresh_from_db()
    assert exp.status == Experiment.Status.RUNNING
    readout = client.get(reverse("experiments_readout", args=[exp.pk]))
    assert readout.status_code == 200 and b"email, company, role" in readout.content


def test_the_read_out_shows_counts_and_email_figures_but_no_personal_data(client, marketer, step):
    from experiments.models import Variant
    from experiments.services import experiment_start
    from leads.models import Lead
    from mail.models import OutboundEmail

    exp = Experiment.objects.create(
        name="Subject",
        slug="subject",
        target="email_subject",
        goal="qualified",
        sequence_step=step,
    )
    Variant.objects.create(experiment=exp, key="control", content="", sort_order=0)
    Variant.objects.create(experiment=exp, key="b", content="Other subject", sort_order=1)
    experiment_start(experiment=exp)
    resolution.invalidate()
    people = []
    for i in range(6):
        lead, _v = _lead(f"wanjiru.secret{i}@example.com")
        Lead.objects.filter(pk=lead.pk).update(name=f"Wanjiru Secret{i}", company="HiddenCo")
        email = _send_step(lead, step)
        OutboundEmail.objects.filter(pk=email.pk).update(open_count=1)
        people.append(lead)
    Lead.objects.filter(pk=people[0].pk).update(qualified_at=timezone.now() + dt.timedelta(1))
    client.force_login(marketer)
    pages = [
        client.get(reverse("experiments_readout", args=[exp.pk])),
        client.get(reverse("experiments_dashboard")),
        client.get(reverse(EDIT, args=[exp.pk])),
    ]
    html = pages[0].content.decode()
    assert "Email opens and clicks" in html
    figures = pages[0].context["email_figures"]
    assert sum(f["sent"] for f in figures) == 6 and sum(f["opened"] for f in figures) == 6
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode().lower()
        for lead in people:
            assert lead.email.lower() not in body
            assert str(lead.pk) not in body
        assert "wanjiru" not in body and "hiddenco" not in body
