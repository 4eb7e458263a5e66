"""The back office theme (issue 16): the Django admin branded with the site's palette, its
sidebar organised for sales and trimmed to what each role may open, and one way to show a
moment — the site's time zone with its name — in lists, pages and the lead's timeline."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.test import Client

from tests.factories import make_lead

pytestmark = pytest.mark.django_db
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _booking(lead, starts_at):
    from chat.models import DemoBooking

    return DemoBooking.objects.create(
        lead=lead,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=30),
        slot_key=f"team|{starts_at.isoformat()}",
        idempotency_key=f"k-{starts_at.isoformat()}",
    )


def test_admin_login_is_branded_and_keeps_the_palette():
    html = Client().get("/admin/login/").content.decode()
    assert "EmenTech back office" in html
    assert "Django administration" not in html
    assert "/static/css/admin.css" in html  # our pieces on top of the theme
    # The brand blue of the public site (#0b5cad) is the primary 600 of the admin.
    assert "--color-primary-600: oklch(47.8% .147 254.3)" in html


def test_sidebar_is_organised_for_sales_and_trimmed_per_role(sales_user, ops_user, marketer):
    html = _client(sales_user).get("/admin/").content.decode()
    for entry in ("Live dashboard", "Leads", "Conversations", "Demo bookings",
                  "Event registrations", "Score alerts"):  # fmt: skip
        assert entry in html, entry
    assert html.index("Leads") < html.index("Conversations") < html.index("Demo bookings")
    assert "Staff users" not in html and "Login attempts" not in html  # not theirs
    assert "Issue deliverys" not in html
    ops = _client(ops_user).get("/admin/").content.decode()
    assert "Leads" in ops and "Login attempts" in ops  # ops read everything
    # Marketers hold no personal data: no lead, conversation or booking entry.
    response = _client(marketer).get("/admin/")
    body = response.content.decode()
    assert 'href="/admin/leads/lead/"' not in body
    assert 'href="/admin/chat/conversation/"' not in body


def test_admin_pages_may_run_the_theme_scripts_public_pages_may_not(sales_user):
    client = _client(sales_user)
    admin_csp = client.get("/admin/leads/lead/")["Content-Security-Policy"]
    assert "'unsafe-eval'" in admin_csp and "script-src 'self'" in admin_csp
    public_csp = Client().get("/health")
    assert "'unsafe-eval'" not in public_csp.get("Content-Security-Policy", "")


def test_demo_bookings_list_shows_site_time_with_the_zone_name(sales_user):
    lead = make_lead("booker@example.com", name="Booker")
    starts = dt.datetime(2026, 12, 10, 10, 30, tzinfo=NAIROBI)  # 07:30 UTC
    booking = _booking(lead, starts)
    html = _client(sales_user).get("/admin/chat/demobooking/").content.decode()
    assert "Thu 10 Dec 2026, 10:30–11:00 EAT" in html
    assert "07:30" not in html
    # The same demo reads the same on the lead's timeline.
    page = _client(sales_user).get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert "Demo Thu 10 Dec 2026, 10:30–11:00 EAT (confirmed)" in page
    assert str(booking) == "Demo Thu 10 Dec 2026, 10:30–11:00 EAT (confirmed)"


def test_every_admin_date_time_carries_the_zone_name(sales_user):
    from leads.models import Lead

    lead = make_lead("seen@example.com", name="Seen")
    Lead.objects.filter(pk=lead.pk).update(
        last_visit_at=dt.datetime(2026, 12, 3, 11, 5, tzinfo=dt.UTC)
    )
    html = _client(sales_user).get("/admin/leads/lead/").content.decode()
    assert "3 Dec 2026, 14:05 EAT" in html  # 11:05 UTC is 14:05 in Nairobi
    page = _client(sales_user).get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert "3 Dec 2026, 14:05 EAT" in page  # read-only "last visit" field
    stamps = re.findall(r"<td class=\"bo-nowrap\">([^<]+)</td>", page)
    assert stamps and all(s.strip().endswith(" EAT") for s in stamps)  # the timeline


def test_dashboard_names_the_zone(sales_user):
    html = _client(sales_user).get("/dashboard/").content.decode()
    assert 'data-time-zone="Africa/Nairobi"' in html and 'data-time-zone-abbr="EAT"' in html
    assert re.search(r"Updated \d{1,2} \w{3} \d{4}, \d\d:\d\d EAT", html)


def test_existing_admin_customisations_still_render(superuser):
    """Actions with an intermediate page, the attendance import and the erasure form."""
    lead = make_lead("act@example.com")
    client = _client(superuser)
    response = client.post(
        "/admin/leads/lead/", {"action": "assign_leads", "_selected_action": [lead.pk]}
    )
    assert response.status_code == 200 and "bo-action-form" in response.content.decode()
    response = client.post(
        "/admin/leads/lead/", {"action": "erase_leads_action", "_selected_action": [lead.pk]}
    )
    assert response.status_code == 200 and "Your password" in response.content.decode()
    page = client.get("/admin/events/eventregistration/import-attendance/")
    assert page.status_code == 200 and "Import attendance" in page.content.decode()
    listing = client.get("/admin/events/eventregistration/").content.decode()
    assert "Import Zoom attendee report" in listing


def test_admin_sign_in_returns_to_the_admin_not_the_sales_dashboard(marketer):
    """Unfold's login form has no "next" field; without ours every admin sign-in fell
    through to LOGIN_REDIRECT_URL (the sales dashboard) and marketers met a 403."""
    marketer.set_password("pw-for-the-test-1")
    marketer.save()
    client = Client()
    page = client.get("/admin/login/").content.decode()
    assert 'name="next" value="/admin/" form="login-form"' in page
    response = client.post(
        "/admin/login/",
        {"username": marketer.username, "password": "pw-for-the-test-1", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_cms_asks_no_third_party_for_avatars(marketer):
    html = _client(marketer).get("/cms/").content.decode()
    assert "gravatar.com" not in html


def test_only_the_cms_may_run_inline_scripts(marketer, demo_site):
    """Wagtail's admin (/cms/) starts its choosers and inline panels with inline scripts;
    the public site's policy keeps ``script-src 'self'`` with no inline script or eval."""
    cms_csp = _client(marketer).get("/cms/pages/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in cms_csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in cms_csp
    admin_csp = _client(marketer).get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in admin_csp.split("script-src")[1].split(";")[0]
    for path in ("/", "/about/", "/contact/", "/insights/", "/health"):
        csp = Client().get(path).get("Content-Security-Policy", "")
        script_src = csp.split("script-src")[1].split(";")[0] if "script-src" in csp else ""
        assert script_src.split() == ["'self'"], (path, csp)


def test_related_pages_of_a_preview(demo_site):
    """A preview (a revision's page) holds its topics in a modelcluster FakeQuerySet; the blog
    page's preview panel used to 500 with "Topic has no field named 'pk'"."""
    from content.models import BlogPage
    from content.selectors import faqs_for_page, related_pages

    page = BlogPage.objects.live().filter(topics__isnull=False).first()
    preview = page.save_revision().as_object()
    assert related_pages(preview) is not None
    assert faqs_for_page(preview) is not None
