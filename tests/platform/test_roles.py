"""Roles across the two admins: Marketers work in Wagtail (/cms/) and cannot open lead data
in /admin/; Sales work with leads in /admin/ and are refused in /cms/; anonymous users are
sent to log in on both."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from content.models import HomePage
from tests.factories import make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(demo_site) -> HomePage:
    return HomePage.objects.get()


@pytest.fixture
def lead(db):
    return make_lead("role-check@example.com", company="Acme")


def test_marketer_edits_and_publishes_a_page_in_cms(client, home, marketer):
    client.force_login(marketer)
    url = f"/cms/pages/{home.pk}/edit/"
    resp = client.get(url)
    assert resp.status_code == 200
    data = querydict_from_html(resp.content.decode(), form_id="page-edit-form")
    data["hero_title"] = "Published by a marketer"
    if "body-count" not in data:
        data.update(nested_form_data({"body": streamfield([])}))
    data["action-publish"] = "action-publish"
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content[:2000]
    home.refresh_from_db()
    assert home.hero_title == "Published by a marketer"
    assert home.live
    assert home.latest_revision.user == marketer
    assert client.get("/").status_code == 200


def test_marketer_is_forbidden_on_lead_pages_in_admin(client, marketer, lead):
    client.force_login(marketer)
    assert client.get(f"/admin/leads/lead/{lead.pk}/change/").status_code == 403
    assert client.get("/admin/leads/lead/").status_code == 403
    resp = client.post(f"/admin/leads/lead/{lead.pk}/change/", {"company": "Hacked"})
    assert resp.status_code == 403
    lead.refresh_from_db()
    assert lead.company == "Acme"


def test_sales_opens_the_lead_in_admin_but_is_refused_in_cms(client, sales_user, lead, home):
    client.force_login(sales_user)
    resp = client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert resp.status_code == 200
    assert b"role-check@example.com" in resp.content
    for url in ("/cms/", f"/cms/pages/{home.pk}/edit/"):
        resp = client.get(url)
        # Wagtail answers users without "access admin" with a redirect to its login page.
        assert resp.status_code == 302
        assert resp["Location"].startswith("/cms/login/")
    resp = client.post(f"/cms/pages/{home.pk}/edit/", {"hero_title": "Sales was here"})
    assert resp.status_code == 302
    home.refresh_from_db()
    assert home.hero_title != "Sales was here"


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("/admin/", "/admin/login/"),
        ("/admin/leads/lead/", "/admin/login/"),
        ("/cms/", "/cms/login/"),
        ("/cms/pages/", "/cms/login/"),
    ],
)
def test_anonymous_users_are_sent_to_login(client, db, url, login):
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp["Location"].startswith(login)
