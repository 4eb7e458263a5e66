"""Acceptance 2: a marketer creates, starts, reads and ships an experiment in Wagtail,
in Chromium, at desktop (1366x900) and phone (390x844) sizes. Between "start" and "read",
traffic is simulated in the database (exposures of consenting visitors, and the leads some
of them became), the way the site records it. Screenshots go to ``$SCREENSHOT_DIR`` (or a
temporary directory)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import pytest

PASSWORD = "pass-1234-word"  # tests.factories.UserFactory
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _home():
    from wagtail.models import Page, Site

    from content.models import HomePage

    root = Page.get_first_root_node()
    Page.objects.filter(depth=2, slug="home").update(slug="wagtail-welcome")
    home = root.add_child(
        instance=HomePage(title="EmenTech", slug="home", hero_title="Original headline")
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


def _simulate_traffic(exp, *, n=1500, rates=(0.10, 0.16), seed=3) -> None:
    """Consenting visitors assigned by the experiment's hash; some become leads."""
    from django.utils import timezone

    from experiments.assignment import assign
    from experiments.models import Exposure
    from experiments.selectors import experiment_definitions
    from leads.models import Lead, Visitor

    defn = experiment_definitions()[exp.slug]
    rng = np.random.default_rng(seed)
    visitors, exposures, leads = [], [], []
    for i in range(2 * n):
        vid = uuid.UUID(bytes=rng.bytes(16), version=4)
        variant = assign(defn, str(vid))
        visitors.append(Visitor(id=vid))
        exposures.append(Exposure(experiment_id=exp.pk, variant_id=variant.id, visitor_id=vid))
        rate = rates[0] if variant.key == defn.control.key else rates[1]
        if rng.random() < rate:
            email = f"sim{i}@example.com"
            leads.append((vid, Lead(email=email, email_normalized=email, source="sim")))
    Visitor.objects.bulk_create(visitors)
    Exposure.objects.bulk_create(exposures)
    later = timezone.now() + timezone.timedelta(seconds=5)
    Lead.objects.bulk_create([lead for _, lead in leads])
    Lead.objects.filter(pk__in=[lead.pk for _, lead in leads]).update(created_at=later)
    for vid, lead in leads:
        Visitor.objects.filter(pk=vid).update(lead=lead)


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", SIZES)
def test_marketer_creates_starts_reads_and_ships_an_experiment(
    live_server, browser, marketer, size, tmp_path
):
    from experiments import resolution
    from experiments.models import Experiment

    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    home = _home()
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    _login(page, base, marketer.username)

    # Create: the experiment is a snippet with its variants inline.
    page.goto(base + "/cms/experiments/")
    page.screenshot(path=str(shots / f"{size}-1-dashboard-empty.png"), full_page=True)
    page.get_by_role("link", name="New experiment").click()
    page.fill("#id_name", "Hero headline test")
    page.fill("#id_slug", "hero-headline")
    page.fill("#id_hypothesis", "A concrete promise brings more leads than a slogan.")
    page.select_option("#id_target", "hero_title")
    # The page is picked in Wagtail's page chooser (a modal; see test_cms_csp_browser).
    page.locator("#id_page-chooser [data-chooser-action-choose]").click()
    page.locator(f'.modal-content a.choose-page[data-id="{home.pk}"]').click()
    page.locator(".modal-content").wait_for(state="hidden")
    page.select_option("#id_goal", "lead_captured")
    page.fill("#id_variants-0-key", "control")
    page.fill("#id_variants-0-name", "Current headline")
    page.fill("#id_variants-1-key", "b")
    page.fill("#id_variants-1-name", "Concrete promise")
    page.fill("#id_variants-1-content", "Ship AI that pays for itself in 90 days")
    page.screenshot(path=str(shots / f"{size}-2-create.png"), full_page=True)
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Save").first.click()
    exp = Experiment.objects.get(slug="hero-headline")
    assert exp.page_id == home.pk and exp.variants.count() == 2

    # Start it from its read-out page.
    page.goto(base + "/cms/experiments/")
    page.get_by_role("link", name="Hero headline test").click()
    page.get_by_role("button", name="Start test").click()
    page.wait_for_selector(".experiment-readout[data-status=running]")
    exp.refresh_from_db()
    assert exp.status == Experiment.Status.RUNNING
    page.screenshot(path=str(shots / f"{size}-3-started.png"), full_page=True)

    # Traffic arrives; the marketer reads the result.
    _simulate_traffic(exp)
    page.goto(base + "/cms/experiments/")
    row = page.locator("tr[data-experiment=hero-headline]")
    assert "Winner found" in row.inner_text()
    page.screenshot(path=str(shots / f"{size}-4-dashboard-running.png"), full_page=True)
    row.get_by_role("link", name="Hero headline test").click()
    message = page.locator(".readout-message").inner_text()
    assert "beats control" in message and "Concrete promise" in message
    page.screenshot(path=str(shots / f"{size}-5-readout.png"), full_page=True)
    if size == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the read-out scrolls sideways by {overflow}px"

    # Ship the winner: it becomes the page's content.
    # Publishing re-indexes the page for the assistant (eager Celery in tests): slow.
    page.get_by_role("button", name="Ship Concrete promise").click(timeout=180_000)
    page.wait_for_selector(".experiment-readout[data-status=shipped]", timeout=180_000)
    page.screenshot(path=str(shots / f"{size}-6-shipped.png"), full_page=True)
    home.refresh_from_db()
    assert home.hero_title == "Ship AI that pays for itself in 90 days"
    resolution.invalidate()
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Ship AI that pays for itself in 90 days"
    assert not errors, errors
    context.close()
