"""The marketers' experiments admin (dashboard, read-out, start/stop/ship) and the home
page showing a running test's variant to consenting visitors only."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from experiments.models import Experiment, ExperimentAudit, Exposure
from leads.identity import VISITOR_COOKIE, visitor_cookie_value

CONSENT = "1.a1.m0"


@pytest.fixture
def home(db):
    from wagtail.models import Page, Site

    from content.models import HomePage

    root = Page.get_first_root_node()
    home = HomePage.objects.filter(slug="home").first()
    if home is None:
        Page.objects.filter(depth=2, slug="home").update(slug="wagtail-welcome")
        home = root.add_child(
            instance=HomePage(title="EmenTech", slug="home", hero_title="Original headline")
        )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


@pytest.fixture
def hero_test(make_experiment, home):
    exp = make_experiment(slug="hero-admin", weights=(50, 50), target="hero_title", page=home)
    exp.variants.filter(key="control").update(content="")
    exp.variants.filter(key="b").update(content="Challenger headline")
    return exp


def _get_home(client, vid=None, consent=True):
    if vid is not None:
        client.cookies[VISITOR_COOKIE] = visitor_cookie_value(vid)
    if consent:
        client.cookies["em_consent"] = CONSENT
    else:
        client.cookies.pop("em_consent", None)
    return client.get("/", HTTP_HOST="localhost")


def test_marketer_starts_reads_and_ships_and_the_page_follows(client, marketer, hero_test, home):
    from experiments import resolution

    client.force_login(marketer)
    dash = client.get(reverse("experiments_dashboard"))
    assert dash.status_code == 200 and b"Hero Admin" in dash.content
    resp = client.post(reverse("experiments_action", args=[hero_test.pk, "start"]))
    assert resp.status_code == 302
    hero_test.refresh_from_db()
    assert hero_test.status == Experiment.Status.RUNNING
    resolution.invalidate()
    client.logout()

    # Consenting visitors see their variant and are counted once; others see the page.
    shown = {}
    for _ in range(40):
        vid = uuid.uuid4()
        html = _get_home(client, vid).content.decode()
        shown[vid] = "Challenger headline" in html
        assert ("Original headline" in html) != shown[vid]
        _get_home(client, vid)  # a second page view: no second exposure
    assert 0 < sum(shown.values()) < 40
    assert Exposure.objects.filter(experiment=hero_test).count() == 40
    for _ in range(10):
        html = _get_home(client, uuid.uuid4(), consent=False).content.decode()
        assert "Original headline" in html
    assert Exposure.objects.filter(experiment=hero_test).count() == 40

    client.force_login(marketer)
    page = client.get(reverse("experiments_readout", args=[hero_test.pk]))
    assert page.status_code == 200
    assert b"Not enough data yet" in page.content
    b = hero_test.variants.get(key="b")
    resp = client.post(
        reverse("experiments_action", args=[hero_test.pk, "ship"]), {"variant": b.pk}
    )
    assert resp.status_code == 302
    hero_test.refresh_from_db()
    assert hero_test.status == Experiment.Status.SHIPPED and hero_test.winner_id == b.pk
    home.refresh_from_db()
    assert home.hero_title == "Challenger headline"
    assert list(
        ExperimentAudit.objects.filter(experiment=hero_test)
        .order_by("id")
        .values_list("action", "actor")
    ) == [("start", marketer.pk), ("ship", marketer.pk)]
    resolution.invalidate()
    client.logout()
    assert "Challenger headline" in _get_home(client, uuid.uuid4()).content.decode()


def test_sales_cannot_run_experiments(client, sales_user, hero_test):
    client.force_login(sales_user)
    assert client.get(reverse("experiments_dashboard")).status_code in (302, 403)
    client.post(reverse("experiments_action", args=[hero_test.pk, "start"]))
    hero_test.refresh_from_db()
    assert hero_test.status == Experiment.Status.DRAFT


def test_two_tests_on_one_field_of_a_page_are_refused(
    client, marketer, hero_test, make_experiment, home
):
    from experiments.services import experiment_start

    experiment_start(experiment=hero_test)
    other = make_experiment(slug="hero-other", target="hero_title", page=home)
    client.force_login(marketer)
    resp = client.post(reverse("experiments_action", args=[other.pk, "start"]), follow=True)
    assert b"Another test is already running" in resp.content
    other.refresh_from_db()
    assert other.status == Experiment.Status.DRAFT
