"""AI maturity assessment: 17 questions, documented scores per dimension and overall, the
rules roadmap, the radar chart; emailing the report captures the lead with consent and the
answers as profile data (issue 9, acceptance 4)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from analytics.models import Interaction
from leads.models import ConsentRecord, Lead
from tools import assessment

pytestmark = pytest.mark.django_db

# data 3,2,2,1 = 8/12 -> 67; team 1,1,0 = 2/9 -> 22; process 2,2,1,1 = 6/12 -> 50;
# infrastructure 3,3,2 = 8/9 -> 89; governance 0,1,0 = 1/9 -> 11
MIXED = dict(
    zip(
        [q.id for q in assessment.QUESTIONS],
        [3, 2, 2, 1, 1, 1, 0, 2, 2, 1, 1, 3, 3, 2, 0, 1, 0],
        strict=True,
    )
)


def test_seventeen_questions_over_five_dimensions(api_client):
    body = api_client.get("/api/tools/assessment").json()
    assert len(body["questions"]) == 17
    per_dimension = {}
    for q in body["questions"]:
        per_dimension[q["dimension"]] = per_dimension.get(q["dimension"], 0) + 1
        assert [o["value"] for o in q["options"]] == [0, 1, 2, 3]
    assert per_dimension == {
        "data": 4,
        "team": 3,
        "process": 4,
        "infrastructure": 3,
        "governance": 3,
    }


def test_known_answers_give_documented_scores_and_roadmap(api_client):
    response = api_client.post("/api/tools/assessment", {"answers": MIXED}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dimensions"] == {
        "data": 67,
        "team": 22,
        "process": 50,
        "infrastructure": 89,
        "governance": 11,
    }
    # .25 x 67 + .2 x 22 + .2 x 50 + .2 x 89 + .15 x 11 = 50.6 -> 51
    assert body["overall"] == 51
    assert body["level"] == "Scaling"
    assert body["method"] == "rules"
    first, second, third = body["roadmap"]
    assert first["phase"] == "0-3 months"
    assert first["actions"] == [assessment.ACTIONS["governance"][0], assessment.ACTIONS["team"][0]]
    assert second["actions"] == [assessment.ACTIONS["process"][1], assessment.ACTIONS["data"][1]]
    assert third["phase"] == "6-12 months"
    assert body["next_steps"] == assessment.NEXT_STEPS["Scaling"]
    assert body["focus"] == ["Governance", "Team & skills"]
    assert body["chart_url"] == (
        "/tools/assessment/radar.svg?data=67&team=22&process=50&infrastructure=89&governance=11"
    )


@pytest.mark.parametrize(
    ("value", "overall", "level"),
    [(0, 0, "Exploring"), (1, 33, "Experimenting"), (3, 100, "Leading")],
)
def test_uniform_answers(value, overall, level):
    scores = assessment.score({q.id: value for q in assessment.QUESTIONS})
    assert set(scores["dimensions"].values()) == {overall}
    assert scores["overall"] == overall and scores["level"] == level


def test_radar_chart_is_server_side_svg(client):
    response = client.get(
        "/tools/assessment/radar.svg?data=100&team=0&process=50&infrastructure=0&governance=0"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    points = re.search(r'class="radar-score" points="([^"]+)"', svg).group(1).split()
    # size 320, radius 100, centre 160: data (top) at 100 -> (160, 60); process at 50
    assert points[0] == "160.0,60.0"
    assert points[1] == "160.0,160.0"
    assert points[2] == "189.4,200.5"  # 50 at angle -90 + 144 degrees
    assert "Data readiness (100)" in svg


def test_missing_or_invalid_answers_are_refused(api_client):
    partial = dict(MIXED)
    partial.pop("gov_risk")
    partial["data_quality"] = 7
    response = api_client.post("/api/tools/assessment", {"answers": partial}, format="json")
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"gov_risk", "data_quality"}


def test_emailing_the_report_captures_lead_consent_and_answers(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/tools/assessment",
            {
                "answers": MIXED,
                "context": {"company_size": "51-200", "industry": "logistics"},
                "email": "ops@example.com",
                "consent": {"data_processing": True},
            },
            format="json",
        )
    assert response.status_code == 200, response.content
    lead = Lead.objects.get(email_normalized="ops@example.com")
    assert lead.company_size == "51-200" and lead.industry == "logistics"
    maturity = lead.profile_extra["ai_maturity"]
    assert maturity["overall"] == 51 and maturity["level"] == "Scaling"
    assert maturity["answers"] == MIXED
    assert "AI maturity: Governance" in lead.interests
    assert ConsentRecord.objects.filter(lead=lead, purpose="data_processing").exists()
    # The completed assessment is an interaction of the lead (feeds scoring).
    done = Interaction.objects.get(lead=lead, type="assessment_complete")
    assert done.properties["score"] == 51
    [message] = [m for m in mail.outbox if "AI maturity report" in m.subject]
    assert message.subject == "Your AI maturity report: 51/100 (Scaling)"
    assert message.attachments[0][0] == "ai-maturity-radar.svg"
    assert "Governance: 11" in message.body


def test_assessment_page_renders_and_scores_without_javascript(client):
    page = client.get("/tools/assessment/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="radio"') == 17 * 4
    assert "<script>" not in html
    answered = client.post("/tools/assessment/", {"action": "assess", **MIXED})
    text = answered.content.decode()
    assert '<span id="overall-score">51</span>' in text
    assert "/tools/assessment/radar.svg?data=67" in text
    missing = client.post("/tools/assessment/", {"action": "assess", "data_quality": "1"})
    assert "16 missing" in missing.content.decode()
    assert 'value="1" required checked' in missing.content.decode()
