"""The Sales back office in the Django admin: filters, search, score/grade columns, the
timeline on the lead page, audited actions and CSV export safe against formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from analytics.services import interaction_record
from leads.admin import csv_safe
from leads.models import Lead, LeadAudit
from tests.factories import make_lead, make_visitor, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_client(client, sales_user):
    client.force_login(sales_user)
    return client


def test_list_columns_filters_and_search(sales_client):
    a = make_lead("alpha@example.com", name="Alpha", company="Zebra Corp", industry="Fintech")
    make_lead("beta@example.com", name="Beta", company="Other", industry="Health")
    Lead.objects.filter(pk=a.pk).update(score=88, grade="A")
    resp = sales_client.get("/admin/leads/lead/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "column-grade_score" in html and "column-who" in html
    # Grade (a badge) and score in one column: seven columns fit 1366 px.
    assert 'bo-grade-A" title="Grade A">A</span>88' in html
    assert "alpha@example.com" in html and "beta@example.com" in html
    resp = sales_client.get("/admin/leads/lead/?grade__exact=A")
    assert "alpha@example.com" in resp.content.decode()
    assert "beta@example.com" not in resp.content.decode()
    resp = sales_client.get("/admin/leads/lead/?industry=Health")
    assert "beta@example.com" in resp.content.decode()
    assert "alpha@example.com" not in resp.content.decode()
    for term in ("zebra", "ALPHA@", "Alpha"):
        resp = sales_client.get(f"/admin/leads/lead/?q={term}")
        assert "alpha@example.com" in resp.content.decode()
        assert "beta@example.com" not in resp.content.decode()


def test_lead_page_shows_timeline_newest_first(sales_client, django_capture_on_commit_callbacks):
    visitor = make_visitor()
    interaction_record(type="page_view", properties={"path": "/first-page"}, visitor=visitor)
    for depth in (25, 50, 75):
        interaction_record(type="scroll", properties={"scroll_depth": depth}, visitor=visitor)
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("time@example.com", visitor=visitor)
    interaction_record(type="resource_download", properties={"resource_id": "ai-guide"}, lead=lead)
    resp = sales_client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="lead-timeline"' in html
    order = [
        html.index("/first-page"),
        html.index("data_processing granted"),
        html.index("ai-guide"),
    ]
    assert order == sorted(order, reverse=True)  # newest first
    assert "audit:created" in html
    # The three scroll events are one row; times carry the zone's name.
    assert html.count('data-kind="interaction:scroll"') == 1
    assert "3 scroll and heartbeat events" in html
    assert "EAT" in html


def _action(client, action: str, leads, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(x.pk) for x in leads], **extra}
    return client.post("/admin/leads/lead/", data)


def test_assign_action_is_audited(sales_client, sales_user):
    rep = staff_user("Sales", username="rep-2")
    leads = [make_lead(), make_lead()]
    resp = _action(sales_client, "assign_leads", leads)
    assert resp.status_code == 200 and b"Assign to" in resp.content  # intermediate form
    resp = _action(sales_client, "assign_leads", leads, apply="1", user=rep.pk)
    assert resp.status_code == 302
    for lead in leads:
        lead.refresh_from_db()
        assert lead.assigned_to == rep
        audit = LeadAudit.objects.get(lead=lead, action="assigned")
        assert audit.actor == sales_user


def test_change_stage_action_is_audited(sales_client, sales_user):
    lead = make_lead()
    resp = _action(sales_client, "change_stage", [lead], apply="1", stage="customer")
    assert resp.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "customer"
    audit = LeadAudit.objects.get(lead=lead, action="stage_changed")
    assert audit.actor == sales_user
    assert audit.changes["stage"] == ["anonymous", "customer"]


def test_csv_export_escapes_formulas(sales_client):
    evil = make_lead("evil@example.com", name='=HYPERLINK("http://x")', company="+cmd|calc")
    make_lead("ok@example.com", name="-Dash", company="@SUM(A1)")
    leads = list(Lead.objects.all())
    resp = _action(sales_client, "export_csv", leads)
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode())))
    by_email = {r["email"]: r for r in rows}
    assert by_email["evil@example.com"]["name"] == '\'=HYPERLINK("http://x")'
    assert by_email["evil@example.com"]["company"] == "'+cmd|calc"
    assert by_email["ok@example.com"]["name"] == "'-Dash"
    assert by_email["ok@example.com"]["company"] == "'@SUM(A1)"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))
    assert LeadAudit.objects.filter(lead=evil, action="exported").count() == 1
    assert csv_safe("\tTAB") == "'\tTAB" and csv_safe("plain") == "plain"


def test_admin_edit_and_delete_are_audited_and_soft(sales_client, sales_user):
    lead = make_lead("edit@example.com", company="Old")
    page = sales_client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert page.status_code == 200
    from wagtail.test.utils.form_data import querydict_from_html

    data = querydict_from_html(page.content.decode(), form_id="lead_form")
    data["company"] = "New Co"
    data["_save"] = "Save"
    resp = sales_client.post(f"/admin/leads/lead/{lead.pk}/change/", data)
    assert resp.status_code == 302, resp.content[:3000]
    lead.refresh_from_db()
    assert lead.company == "New Co"
    audit = LeadAudit.objects.get(lead=lead, action="updated")
    assert audit.actor == sales_user and audit.changes["company"]["to"] == "New Co"
    resp = sales_client.post(f"/admin/leads/lead/{lead.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    assert Lead.all_objects.get(pk=lead.pk).deleted_at is not None
    assert LeadAudit.objects.filter(lead=lead, action="deleted", actor=sales_user).exists()


def test_industry_facet_is_case_insensitive(sales_client):
    from leads.models import Lead

    make_lead("f1@example.com")
    make_lead("f2@example.com")
    Lead.objects.filter(email="f1@example.com").update(industry="Fintech")
    Lead.objects.filter(email="f2@example.com").update(industry="fintech")
    html = sales_client.get("/admin/leads/lead/").content.decode()
    assert html.count("?industry=fintech") == 1
    filtered = sales_client.get("/admin/leads/lead/?industry=fintech").content.decode()
    assert "f1@example.com" in filtered and "f2@example.com" in filtered
