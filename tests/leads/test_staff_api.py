"""Acceptance 5 and the rest of the lead API: staff token list with whitelisted filters and
keyset pagination, 401/403 for visitors, 404 for unknown or soft-deleted ids, audited PATCH
and soft DELETE, public capture rules and next fields."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from leads.models import ConsentRecord, Lead, LeadAudit, Visitor
from tests.factories import make_lead, staff_user, visitor_id_of, with_rates

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(db):
    made = []
    for i in range(7):
        made.append(
            make_lead(
                f"p{i}@example.com",
                source="webinar" if i % 2 else "newsletter",
                industry="Fintech" if i < 3 else "Health",
                company=f"Company {i}",
            )
        )
    Lead.objects.filter(pk=made[0].pk).update(score=90, grade="A", stage="qualified")
    Lead.objects.filter(pk=made[1].pk).update(score=40, grade="C")
    return made


def ids(resp) -> list[str]:
    return [row["id"] for row in resp.json()["results"]]


def test_token_lists_newest_first_with_cursor_pagination(token_client, leads):
    seen: list[str] = []
    url = "/api/leads?limit=3"
    pages = 0
    while url:
        resp = token_client.get(url)
        assert resp.status_code == 200, resp.content
        seen += ids(resp)
        url = resp.json()["next"]
        pages += 1
    assert pages == 3
    expected = [str(x.pk) for x in Lead.objects.order_by("-created_at", "-id")]
    assert seen == expected
    assert len(set(seen)) == 7


def test_pagination_is_stable_when_rows_share_a_timestamp(token_client, leads):
    Lead.objects.update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    seen: list[str] = []
    url = "/api/leads?limit=2"
    while url:
        resp = token_client.get(url)
        seen += ids(resp)
        url = resp.json()["next"]
    assert sorted(seen) == sorted(str(x.pk) for x in leads)
    assert len(seen) == 7


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("industry=fintech", {0, 1, 2}),
        ("source=webinar", {1, 3, 5}),
        ("stage=qualified", {0}),
        ("grade=A", {0}),
        ("score_min=30&score_max=50", {1}),
        ("q=company 4", {4}),
        ("q=P5@EXAMPLE", {5}),
        ("industry=health&source=newsletter", {4, 6}),
    ],
)
def test_filters(token_client, leads, query, expected):
    resp = token_client.get(f"/api/leads?{query}")
    assert resp.status_code == 200
    assert set(ids(resp)) == {str(leads[i].pk) for i in expected}


def test_assigned_and_created_filters(token_client, leads, sales_user):
    Lead.objects.filter(pk=leads[2].pk).update(assigned_to=sales_user)
    resp = token_client.get(f"/api/leads?assigned_to={sales_user.pk}")
    assert ids(resp) == [str(leads[2].pk)]
    assert resp.json()["results"][0]["assigned_to"]["username"] == sales_user.username
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    resp = token_client.get("/api/leads", {"created_after": future})
    assert ids(resp) == []
    resp = token_client.get("/api/leads", {"created_before": future})
    assert len(ids(resp)) == 7


@pytest.mark.parametrize(
    "query",
    ["email_normalized__startswith=p", "limit=101", "stage=lost", "cursor=zzz", "score_min=x"],
)
def test_unknown_or_invalid_filters_are_400(token_client, leads, query):
    resp = token_client.get(f"/api/leads?{query}")
    assert resp.status_code == 400
    assert resp.json()["details"]


def test_list_does_not_query_per_row(
    token_client, leads, sales_user, django_assert_max_num_queries
):
    Lead.objects.update(assigned_to=sales_user)
    with django_assert_max_num_queries(6):
        resp = token_client.get("/api/leads?limit=100")
    assert len(ids(resp)) == 7


def test_visitors_get_401_or_403_on_every_staff_path(leads, marketer):
    anon = APIClient()
    lead_url = f"/api/leads/{leads[0].pk}"
    calls = [
        ("get", "/api/leads", None),
        ("get", lead_url, None),
        ("patch", lead_url, {"company": "Evil"}),
        ("delete", lead_url, None),
    ]
    for method, url, body in calls:
        resp = getattr(anon, method)(url, body, format="json")
        assert resp.status_code in (401, 403), (method, url, resp.status_code)
        assert resp.json()["error"]
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad_token.get("/api/leads").status_code in (401, 403)
    # Staff without lead permissions (a marketer) is forbidden too.
    token, _ = Token.objects.get_or_create(user=marketer)
    mk = APIClient()
    mk.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for method, url, body in calls:
        assert getattr(mk, method)(url, body, format="json").status_code == 403
    assert Lead.objects.get(pk=leads[0].pk).company == "Company 0"
    assert Lead.objects.count() == 7


def test_unknown_and_soft_deleted_ids_are_404(token_client, leads, sales_user):
    assert token_client.get(f"/api/leads/{uuid.uuid4()}").status_code == 404
    assert token_client.get("/api/leads/not-a-uuid").status_code == 404
    resp = token_client.delete(f"/api/leads/{leads[3].pk}")
    assert resp.status_code == 204
    assert Lead.all_objects.get(pk=leads[3].pk).deleted_at is not None
    for method in ("get", "patch", "delete"):
        resp = getattr(token_client, method)(
            f"/api/leads/{leads[3].pk}", {"name": "x"}, format="json"
        )
        assert resp.status_code == 404
        assert resp.json()["error"]
    assert str(leads[3].pk) not in ids(token_client.get("/api/leads?limit=100"))
    audit = LeadAudit.objects.get(lead=leads[3], action="deleted")
    assert audit.actor == sales_user


def test_get_and_patch_whitelisted_fields_with_audit(token_client, leads, sales_user):
    url = f"/api/leads/{leads[0].pk}"
    body = token_client.get(url).json()
    assert body["email"] == "p0@example.com"
    assert body["grade"] == "A"
    resp = token_client.patch(url, {"company": "Acme Ltd", "budget": "100k+"}, format="json")
    assert resp.status_code == 200
    assert resp.json()["company"] == "Acme Ltd"
    audit = LeadAudit.objects.get(lead=leads[0], action="updated")
    assert audit.actor == sales_user
    assert audit.changes["company"] == {"from": "Company 0", "to": "Acme Ltd"}
    for forbidden in (
        {"score": 100},
        {"stage": "customer"},
        {"email": "x@y.z"},
        {"deleted_at": None},
    ):
        resp = token_client.patch(url, forbidden, format="json")
        assert resp.status_code == 400
        assert list(resp.json()["details"]) == list(forbidden)
    bad = token_client.patch(url, {"budget": "a lot"}, format="json")
    assert bad.status_code == 400 and "budget" in bad.json()["details"]
    lead = Lead.objects.get(pk=leads[0].pk)
    assert (lead.score, lead.stage, lead.email, lead.budget) == (
        90,
        "qualified",
        "p0@example.com",
        "100k+",
    )


# --- public capture ------------------------------------------------------------------------------


def test_capture_sets_cookie_and_links_visitor_then_updates_from_that_browser(api_client):
    resp = api_client.post(
        "/api/leads",
        {
            "email": "New@Example.com",
            "consent": {"data_processing": True, "marketing": True, "wording": "Yes please."},
            "form": "resource_download",
            "name": "New",
            "page_url": "https://ementech.test/guides/ai",
        },
        format="json",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"received": True, "next_fields": ["company", "role"]}
    vid = visitor_id_of(resp)
    lead = Lead.objects.get(email_normalized="new@example.com")
    assert Visitor.objects.get(pk=vid).lead == lead
    consents = ConsentRecord.objects.filter(lead=lead).order_by("purpose")
    assert [(c.purpose, c.granted) for c in consents] == [
        ("data_processing", True),
        ("marketing", True),
    ]
    assert consents[0].wording_hash and consents[0].ip_truncated == "127.0.0.0"
    assert consents[0].page_url == "https://ementech.test/guides/ai"
    again = api_client.post(
        "/api/leads", {"email": "new@example.com", "consent": True, "role": "CTO"}, format="json"
    )
    assert again.status_code == 200
    assert Lead.objects.get().role == "CTO"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@example.com"}, "consent"),
        ({"email": "a@example.com", "consent": False}, "consent"),
        ({"email": "a@example.com", "consent": {"marketing": True}}, "consent"),
        ({"email": "not an email", "consent": True}, "email"),
        ({"consent": True}, "email"),
        ({"email": "a@example.com", "consent": True, "score": 100}, "score"),
        ({"email": "a@example.com", "consent": True, "company_size": "huge"}, "company_size"),
        ({"email": "a@example.com", "consent": True, "website": "javascript:alert(1)"}, "website"),
        ({"email": "a@example.com", "consent": True, "form": "nope"}, "form"),
    ],
)
def test_capture_bad_input_stores_nothing(api_client, body, field):
    resp = api_client.post("/api/leads", body, format="json")
    assert resp.status_code == 400
    assert field in resp.json()["details"]
    assert Lead.all_objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert Visitor.objects.count() == 0
    assert LeadAudit.objects.count() == 0


def test_capture_with_staff_session_needs_no_csrf(leads):
    """The public endpoint ignores session auth, so a logged-in browser is not refused by
    CSRF (and gains nothing from its session)."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user("Sales", username="rep-z"))
    resp = client.post("/api/leads", {"email": "z@example.com", "consent": True}, format="json")
    assert resp.status_code == 200


def test_next_fields_endpoint(api_client):
    resp = api_client.get("/api/leads/next-fields?form=event_registration")
    assert resp.status_code == 200
    assert resp.json()["fields"] == ["email", "name", "company", "role", "company_size"]
    assert resp.json()["known"] is False
    api_client.post(
        "/api/leads",
        {"email": "k@example.com", "consent": True, "name": "K", "company": "Kay"},
        format="json",
    )
    resp = api_client.get("/api/leads/next-fields?form=event_registration")
    assert resp.json() == {
        "form": "event_registration",
        "fields": ["role", "company_size"],
        "known": True,
    }
    bad = api_client.get("/api/leads/next-fields?form=bogus")
    assert bad.status_code == 400 and "form" in bad.json()["details"]


def test_capture_rate_limited(api_client, settings):
    settings.RATE_LIMITS = with_rates({"lead-capture": "2/m"})
    for i in range(2):
        resp = api_client.post(
            "/api/leads", {"email": f"r{i}@example.com", "consent": True}, format="json"
        )
        assert resp.status_code == 200
    resp = api_client.post(
        "/api/leads",
        {"email": "r9@example.com", "consent": True},
        format="json",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert resp.status_code == 429
    assert resp["Retry-After"]
    assert Lead.objects.count() == 2
